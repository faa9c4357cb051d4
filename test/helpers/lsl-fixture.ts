/**
 * Reads test/fixtures/lsl/liblsl-1.17.7-loopback-wire.txt (see test/fixtures/README.md): each `==` line
 * holds one message as a Python string literal of its exact bytes, or leading hex.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LSL_WIRE = readFileSync(
  join(__dirname, '..', 'fixtures', 'lsl', 'liblsl-1.17.7-loopback-wire.txt'),
  'latin1',
);

/** The bytes of a Python str/bytes literal starting at `at` (quote included). */
function pyLiteral(s: string, at: number): Uint8Array {
  const quote = s[at]!;
  const out: number[] = [];
  for (let i = at + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === quote) return Uint8Array.from(out);
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const e = s[++i]!;
    if (e === 'x') {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push({ n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34 }[e]!.valueOf());
    }
  }
  throw new Error('unterminated literal in the fixture');
}

/** The line starting with `prefix` (exactly one must exist). */
export function fixtureLine(prefix: string): string {
  const lines = LSL_WIRE.split('\n').filter((l) => l.startsWith(prefix));
  if (lines.length !== 1) throw new Error(`fixture has ${lines.length} lines starting ${prefix}`);
  return lines[0]!;
}

/** The first string literal after `after` on the line starting with `prefix`. */
export function fixtureBytes(prefix: string, after = ': '): Uint8Array {
  const line = fixtureLine(prefix);
  const from = line.indexOf(after) + after.length;
  const q = line.slice(from).search(/['"]/);
  return pyLiteral(line, from + q);
}

export function fixtureText(prefix: string, after = ': '): string {
  return Buffer.from(fixtureBytes(prefix, after)).toString('latin1');
}

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/[^0-9a-f]/gi, ''), 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** sample[i] of the 1.10 feed: tag, timestamp, values and leading hex as the fixture lists them. */
export function fixtureSample(i: number): { tag: number; ts: number; values: number[]; hexPrefix: string } {
  const line = fixtureLine(`sample[${i}]`);
  const m = /tag=(\d+) ts=([\d.]+) vals=\(([^)]*)\) hex=([0-9a-f]+)/.exec(line)!;
  return { tag: Number(m[1]), ts: Number(m[2]), values: m[3]!.split(',').map(Number), hexPrefix: m[4]! };
}
