/**
 * A growable byte writer, the mirror of ByteReader. Encoders that know their exact size pass it as the
 * initial capacity: then nothing is ever copied and `finish()` hands back the buffer itself.
 */
import type { ByteOrderOptions } from './byte-reader';

const TWO_POW_32 = 4294967296;
const utf8 = new TextEncoder();

/** Bytes the UTF-8 encoding of s takes (lone surrogates count as U+FFFD, as TextEncoder writes them). */
export function utf8Length(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

export class ByteWriter {
  readonly littleEndian: boolean;
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialCapacity = 256, options?: ByteOrderOptions) {
    this.buf = new Uint8Array(Math.max(0, Math.ceil(initialCapacity)));
    this.view = new DataView(this.buf.buffer);
    this.littleEndian = options?.littleEndian ?? true;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Makes room for n more bytes and returns where they start (advancing past them). */
  reserve(n: number): number {
    const p = this.pos;
    const want = p + n;
    if (want > this.buf.length) this.grow(want);
    this.pos = want;
    return p;
  }

  private grow(want: number): void {
    let cap = Math.max(16, this.buf.length * 2);
    while (cap < want) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    const p = this.reserve(1);
    this.view.setUint8(p, v);
  }

  i8(v: number): void {
    const p = this.reserve(1);
    this.view.setInt8(p, v);
  }

  i16(v: number): void {
    const p = this.reserve(2);
    this.view.setInt16(p, v, this.littleEndian);
  }

  u16(v: number): void {
    const p = this.reserve(2);
    this.view.setUint16(p, v, this.littleEndian);
  }

  i32(v: number): void {
    const p = this.reserve(4);
    this.view.setInt32(p, v, this.littleEndian);
  }

  u32(v: number): void {
    const p = this.reserve(4);
    this.view.setUint32(p, v, this.littleEndian);
  }

  /** u64 from a non-negative integer double (exact below 2^53). */
  u64(v: number): void {
    if (!(Number.isInteger(v) && v >= 0 && v < 18446744073709551616)) {
      throw new RangeError(`u64 value out of range: ${v}`);
    }
    const hi = Math.floor(v / TWO_POW_32);
    const lo = v - hi * TWO_POW_32;
    const p = this.reserve(8);
    const le = this.littleEndian;
    this.view.setUint32(le ? p : p + 4, lo, le);
    this.view.setUint32(le ? p + 4 : p, hi, le);
  }

  u64BigInt(v: bigint): void {
    const p = this.reserve(8);
    this.view.setBigUint64(p, v, this.littleEndian);
  }

  f32(v: number): void {
    const p = this.reserve(4);
    this.view.setFloat32(p, v, this.littleEndian);
  }

  f64(v: number): void {
    const p = this.reserve(8);
    this.view.setFloat64(p, v, this.littleEndian);
  }

  /** Writes the UTF-8 text (no terminator); returns its byte length. */
  text(s: string): number {
    const len = s.length;
    // ASCII is the common case and needs no TextEncoder round trip.
    let ascii = true;
    for (let i = 0; i < len; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const p = this.reserve(len);
      const buf = this.buf;
      for (let i = 0; i < len; i++) buf[p + i] = s.charCodeAt(i);
      return len;
    }
    const encoded = utf8.encode(s);
    this.bytes(encoded);
    return encoded.length;
  }

  /** Text then a NUL. The text itself must not contain NUL (the reader would stop there). */
  cstring(s: string): void {
    if (s.includes('\0')) throw new RangeError('string contains a NUL character');
    this.text(s);
    this.u8(0);
  }

  /** A fixed-width field: the text, NUL-padded to n bytes; it must leave room for one NUL. */
  fixedString(s: string, n: number): void {
    if (s.includes('\0')) throw new RangeError('string contains a NUL character');
    const written = this.text(s);
    if (written >= n) throw new RangeError(`string of ${written} bytes does not fit a ${n}-byte field`);
    this.zeros(n - written);
  }

  bytes(b: Uint8Array): void {
    const p = this.reserve(b.length);
    this.buf.set(b, p);
  }

  zeros(n: number): void {
    const p = this.reserve(n);
    this.buf.fill(0, p, p + n);
  }

  /** Overwrites an i32 written earlier (length prefixes known only afterwards). */
  patchI32(offset: number, v: number): void {
    if (offset < 0 || offset + 4 > this.pos) throw new RangeError(`patch offset ${offset} outside written bytes`);
    this.view.setInt32(offset, v, this.littleEndian);
  }

  patchU16(offset: number, v: number): void {
    if (offset < 0 || offset + 2 > this.pos) throw new RangeError(`patch offset ${offset} outside written bytes`);
    this.view.setUint16(offset, v, this.littleEndian);
  }

  /** The written bytes in an array that owns its whole buffer (byteOffset 0, no spare capacity). */
  finish(): Uint8Array {
    if (this.pos === this.buf.length) return this.buf;
    return this.buf.slice(0, this.pos);
  }
}
