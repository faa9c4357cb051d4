/**
 * The part of XPath 1.0 that LSL queries use (docs/protocols/lsl.md §2), evaluated as a boolean against a
 * stream's `<info>` element: child paths (`name`, `desc/manufacturer`), string and number literals,
 * `=`, `!=`, `<`, `<=`, `>`, `>=`, `and`, `or`, `not()`, `starts-with()`, `contains()`, `true()`,
 * `false()`, parentheses. A path is a node set: a comparison holds when any node's text satisfies it,
 * as in XPath. Anything else is a QueryError (liblsl's parser also refuses what it cannot read, and the
 * stream then does not match).
 */
import type { XmlElement } from './xml';

export const MAX_QUERY_CHARS = 4096;
const MAX_NESTING = 32;

export class QueryError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'QueryError';
  }
}

type Token =
  | { kind: 'name'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'op'; value: string };

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const end = q.indexOf(c, i + 1);
      if (end === -1) throw new QueryError('unterminated string literal');
      tokens.push({ kind: 'string', value: q.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9.]/.test(c) && /^(\d+(\.\d*)?|\.\d+)/.test(q.slice(i))) {
      const m = /^(\d+(\.\d*)?|\.\d+)/.exec(q.slice(i))!;
      tokens.push({ kind: 'number', value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(q.slice(i))!;
      tokens.push({ kind: 'name', value: m[0] });
      i += m[0].length;
    } else {
      const two = q.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ kind: 'op', value: two });
        i += 2;
      } else if ('=<>()/,'.includes(c)) {
        tokens.push({ kind: 'op', value: c });
        i++;
      } else {
        throw new QueryError(`unexpected character ${JSON.stringify(c)}`);
      }
    }
  }
  return tokens;
}

/** What an operand evaluates to: a node set (texts), a string, a number or a boolean. */
type Value = { nodes: string[] } | string | number | boolean;

function nodesAt(root: XmlElement, path: string[]): string[] {
  let level: XmlElement[] = [root];
  for (const step of path) level = level.flatMap((el) => el.children.filter((c) => c.name === step));
  return level.map((el) => el.text ?? '');
}

function asString(v: Value): string {
  if (typeof v === 'object') return v.nodes[0] ?? '';
  return typeof v === 'number' ? String(v) : typeof v === 'boolean' ? String(v) : v;
}

function asBoolean(v: Value): boolean {
  if (typeof v === 'object') return v.nodes.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  return v;
}

function compare(op: string, a: Value, b: Value): boolean {
  const left = typeof a === 'object' ? a.nodes : [a];
  const right = typeof b === 'object' ? b.nodes : [b];
  for (const l of left) {
    for (const r of right) {
      if (op === '=' || op === '!=') {
        const numeric = typeof l === 'number' || typeof r === 'number';
        const eq = numeric ? Number(l) === Number(r) : String(l) === String(r);
        if (op === '=' ? eq : !eq) return true;
      } else {
        const x = Number(l);
        const y = Number(r);
        if (op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y) return true;
      }
    }
  }
  return false;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly root: XmlElement,
  ) {}

  parse(): boolean {
    const v = this.or();
    if (this.pos !== this.tokens.length) throw new QueryError('unexpected text after the expression');
    return asBoolean(v);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'op' && t.value === value;
  }

  private expectOp(value: string): void {
    if (!this.isOp(value)) throw new QueryError(`expected '${value}'`);
    this.pos++;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'name' && t.value === word;
  }

  private or(): Value {
    let v = this.and();
    while (this.isKeyword('or')) {
      this.pos++;
      const r = this.and();
      v = asBoolean(v) || asBoolean(r);
    }
    return v;
  }

  private and(): Value {
    let v = this.comparison();
    while (this.isKeyword('and')) {
      this.pos++;
      const r = this.comparison();
      v = asBoolean(v) && asBoolean(r);
    }
    return v;
  }

  private comparison(): Value {
    let v = this.primary();
    for (;;) {
      const t = this.peek();
      if (t?.kind !== 'op' || !['=', '!=', '<', '<=', '>', '>='].includes(t.value)) return v;
      this.pos++;
      v = compare(t.value, v, this.primary());
    }
  }

  private primary(): Value {
    if (++this.depth > MAX_NESTING) throw new QueryError('query nested too deeply');
    try {
      const t = this.peek();
      if (!t) throw new QueryError('query ends too early');
      this.pos++;
      if (t.kind === 'string' || t.kind === 'number') return t.value;
      if (t.kind === 'op') {
        if (t.value !== '(') throw new QueryError(`unexpected '${t.value}'`);
        const v = this.or();
        this.expectOp(')');
        return v;
      }
      if (this.isOp('(')) return this.call(t.value);
      const path = [t.value];
      while (this.isOp('/')) {
        this.pos++;
        const step = this.peek();
        if (step?.kind !== 'name') throw new QueryError('expected an element name after /');
        this.pos++;
        path.push(step.value);
      }
      return { nodes: nodesAt(this.root, path) };
    } finally {
      this.depth--;
    }
  }

  private call(name: string): Value {
    this.expectOp('(');
    const args: Value[] = [];
    if (!this.isOp(')')) {
      args.push(this.or());
      while (this.isOp(',')) {
        this.pos++;
        args.push(this.or());
      }
    }
    this.expectOp(')');
    const need = (n: number) => {
      if (args.length !== n) throw new QueryError(`${name}() takes ${n} argument(s)`);
    };
    switch (name) {
      case 'not':
        need(1);
        return !asBoolean(args[0]!);
      case 'true':
        need(0);
        return true;
      case 'false':
        need(0);
        return false;
      case 'starts-with':
        need(2);
        return asString(args[0]!).startsWith(asString(args[1]!));
      case 'contains':
        need(2);
        return asString(args[0]!).includes(asString(args[1]!));
      default:
        throw new QueryError(`unsupported function ${name}()`);
    }
  }
}

/** Checks a query without evaluating it (the CLI refuses a bad query before sending it). */
export function validateQuery(query: string): void {
  matchesQuery(query, { name: 'info', attributes: {}, text: undefined, children: [] });
}

/** Whether `info` (an `<info>` element) matches; an empty query matches everything. Throws QueryError. */
export function matchesQuery(query: string, info: XmlElement): boolean {
  if (query.length > MAX_QUERY_CHARS) throw new QueryError(`query longer than ${MAX_QUERY_CHARS} characters`);
  if (query.trim() === '') return true;
  return new Parser(tokenize(query), info).parse();
}

/** A literal for a query, quoted so that any value is safe to embed. */
export function queryLiteral(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new QueryError('a value with both quote kinds cannot be written as an XPath 1.0 literal');
}
