/**
 * The small XML subset LSL's stream info uses (docs/protocols/lsl.md §3): elements, text, an XML
 * declaration, comments. Attributes are parsed and kept but LSL never needs them; DTDs, processing
 * instructions other than the declaration, and CDATA are refused. Everything is bounded (input size,
 * depth, element count) because the text comes from the network.
 *
 * The writer reproduces liblsl's (pugixml's) layout byte for byte: a tab per level, text-only elements on
 * one line, an element that has neither text nor children as `<x />`.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** Concatenated text directly inside this element; undefined when it has no text node at all. */
  text: string | undefined;
  children: XmlElement[];
}

export class XmlError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'XmlError';
  }
}

export interface XmlLimits {
  maxChars: number;
  maxDepth: number;
  maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: 1 << 20, maxDepth: 32, maxElements: 20_000 };

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;

export function xmlElement(name: string, text?: string, children: XmlElement[] = []): XmlElement {
  return { name, attributes: {}, text, children };
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childText(el: XmlElement | undefined, name: string): string {
  return child(el, name)?.text ?? '';
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    if (code > 0x10ffff || code === 0) throw new XmlError(`bad character reference &${e};`);
    return String.fromCodePoint(code);
  });
}

/** Parses one document and returns its root element. Throws XmlError on anything outside the subset. */
export function parseXml(input: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (input.length > limits.maxChars) throw new XmlError(`XML longer than ${limits.maxChars} characters`);
  let pos = 0;
  let elements = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const skipSpace = () => {
    while (pos < input.length && /\s/.test(input[pos]!)) pos++;
  };

  while (pos < input.length) {
    const lt = input.indexOf('<', pos);
    const textEnd = lt === -1 ? input.length : lt;
    if (textEnd > pos) {
      const raw = input.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) {
        const text = decodeEntities(raw);
        // pugixml drops whitespace-only text between elements; keep it only inside text elements.
        if (text.trim() !== '' || top.text !== undefined) top.text = (top.text ?? '') + text;
      } else if (raw.trim() !== '') {
        throw new XmlError('text outside the root element');
      }
    }
    if (lt === -1) break;
    pos = lt;
    if (input.startsWith('<?', pos)) {
      const end = input.indexOf('?>', pos);
      if (end === -1) throw new XmlError('unterminated declaration');
      if (!/^<\?xml[\s?]/.test(input.slice(pos, pos + 6)) || root || stack.length)
        throw new XmlError('processing instructions are not supported');
      pos = end + 2;
    } else if (input.startsWith('<!--', pos)) {
      const end = input.indexOf('-->', pos + 4);
      if (end === -1) throw new XmlError('unterminated comment');
      pos = end + 3;
    } else if (input.startsWith('<!', pos)) {
      throw new XmlError('DTDs and CDATA are not supported');
    } else if (input.startsWith('</', pos)) {
      pos += 2;
      const m = NAME.exec(input.slice(pos, pos + 256));
      if (!m) throw new XmlError('bad closing tag');
      pos += m[0].length;
      skipSpace();
      if (input[pos] !== '>') throw new XmlError('bad closing tag');
      pos++;
      const top = stack.pop();
      if (!top || top.name !== m[0]) throw new XmlError(`mismatched closing tag </${m[0]}>`);
      // Whitespace around children is layout, not content.
      if (top.children.length && top.text !== undefined && top.text.trim() === '') top.text = undefined;
      if (stack.length === 0) root = top;
    } else {
      pos++;
      const m = NAME.exec(input.slice(pos, pos + 256));
      if (!m) throw new XmlError('bad element name');
      if (root) throw new XmlError('more than one root element');
      if (++elements > limits.maxElements) throw new XmlError(`more than ${limits.maxElements} elements`);
      if (stack.length >= limits.maxDepth) throw new XmlError(`nested deeper than ${limits.maxDepth}`);
      pos += m[0].length;
      const el: XmlElement = { name: m[0], attributes: {}, text: undefined, children: [] };
      for (;;) {
        skipSpace();
        if (input.startsWith('/>', pos)) {
          pos += 2;
          break;
        }
        if (input[pos] === '>') {
          pos++;
          stack.push(el);
          break;
        }
        const a = NAME.exec(input.slice(pos, pos + 256));
        if (!a) throw new XmlError(`bad attribute in <${el.name}>`);
        pos += a[0].length;
        skipSpace();
        if (input[pos] !== '=') throw new XmlError(`attribute without value in <${el.name}>`);
        pos++;
        skipSpace();
        const q = input[pos];
        if (q !== '"' && q !== "'") throw new XmlError(`unquoted attribute in <${el.name}>`);
        const end = input.indexOf(q, pos + 1);
        if (end === -1) throw new XmlError('unterminated attribute');
        el.attributes[a[0]] = decodeEntities(input.slice(pos + 1, end));
        pos = end + 1;
      }
      const parent = stack[stack.length - (stack[stack.length - 1] === el ? 2 : 1)];
      if (parent) parent.children.push(el);
      else if (stack[stack.length - 1] !== el) root = el;
    }
  }
  if (stack.length) throw new XmlError(`unclosed element <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new XmlError('no root element');
  return root;
}

function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

function writeElement(el: XmlElement, depth: number, out: string[]): void {
  const indent = '\t'.repeat(depth);
  let open = `<${el.name}`;
  for (const [k, v] of Object.entries(el.attributes)) open += ` ${k}="${escapeAttribute(v)}"`;
  if (el.children.length === 0) {
    out.push(
      el.text === undefined ? `${indent}${open} />\n` : `${indent}${open}>${escapeText(el.text)}</${el.name}>\n`,
    );
    return;
  }
  out.push(`${indent}${open}>${el.text ? escapeText(el.text) : ''}\n`);
  for (const c of el.children) writeElement(c, depth + 1, out);
  out.push(`${indent}</${el.name}>\n`);
}

/** A whole document as liblsl writes it: declaration, then the tree with tab indentation. */
export function writeXml(root: XmlElement): string {
  const out = ['<?xml version="1.0"?>\n'];
  writeElement(root, 0, out);
  return out.join('');
}
