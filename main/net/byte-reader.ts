/**
 * A bounded cursor over received bytes. Every read checks the bound first and throws DecodeError, so a
 * protocol decoder built on it can only fail in one way that callers catch and count. Counts read from
 * the wire go through `count()`, which refuses anything the remaining bytes could not possibly hold:
 * nothing is ever allocated from an unchecked number.
 *
 * Little-endian by default (NatNet, Teleport); VRPN passes `{ littleEndian: false }`.
 */

export class DecodeError extends Error {
  /** What was wrong, without the position (stable text for counters and logs). */
  readonly reason: string;
  /** Byte offset into the input where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(reason: string, offset?: number) {
    super(offset === undefined ? reason : `${reason} (at byte ${offset})`);
    this.name = new.target.name;
    this.reason = reason;
    this.offset = offset;
  }
}

export interface ByteOrderOptions {
  /** Default true. */
  littleEndian?: boolean;
}

const TWO_POW_32 = 4294967296;

// Shared: constructing a TextDecoder per string would dominate short-name decoding.
const utf8 = new TextDecoder('utf-8');

/** UTF-8 text of bytes[start, end). Short ASCII (the usual case for names) skips TextDecoder. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return utf8.decode(bytes.subarray(start, end));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return utf8.decode(bytes.subarray(start, end));
}

export class ByteReader {
  /** For decoders' fast paths: read fields at the offset `take()` returned. */
  readonly view: DataView;
  readonly littleEndian: boolean;
  private readonly data: Uint8Array;
  private pos: number;
  private end: number;

  constructor(bytes: Uint8Array, options?: ByteOrderOptions, start = 0, end = bytes.length) {
    if (!(start >= 0 && start <= end && end <= bytes.length)) {
      throw new RangeError(`ByteReader window [${start}, ${end}) outside 0..${bytes.length}`);
    }
    this.data = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.littleEndian = options?.littleEndian ?? true;
    this.pos = start;
    this.end = end;
  }

  /** Current position (relative to the start of the input array). */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left before the current limit. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless n more bytes are readable. */
  need(n: number, what = 'field'): void {
    if (n > this.end - this.pos) {
      throw new DecodeError(`truncated ${what}: need ${n} bytes, ${this.end - this.pos} left`, this.pos);
    }
  }

  /** Reserves n bytes and returns where they start; the caller reads them through `view`. */
  take(n: number, what = 'record'): number {
    const p = this.pos;
    if (n > this.end - p) throw new DecodeError(`truncated ${what}: need ${n} bytes, ${this.end - p} left`, p);
    this.pos = p + n;
    return p;
  }

  u8(): number {
    return this.view.getUint8(this.take(1, 'u8'));
  }

  i8(): number {
    return this.view.getInt8(this.take(1, 'i8'));
  }

  i16(): number {
    return this.view.getInt16(this.take(2, 'i16'), this.littleEndian);
  }

  u16(): number {
    return this.view.getUint16(this.take(2, 'u16'), this.littleEndian);
  }

  i32(): number {
    return this.view.getInt32(this.take(4, 'i32'), this.littleEndian);
  }

  u32(): number {
    return this.view.getUint32(this.take(4, 'u32'), this.littleEndian);
  }

  /** u64 as a double: exact below 2^53, which keeps BigInt off hot paths. */
  u64(): number {
    const p = this.take(8, 'u64');
    const le = this.littleEndian;
    const lo = this.view.getUint32(le ? p : p + 4, le);
    const hi = this.view.getUint32(le ? p + 4 : p, le);
    return lo + hi * TWO_POW_32;
  }

  /** u64, exact. */
  u64BigInt(): bigint {
    return this.view.getBigUint64(this.take(8, 'u64'), this.littleEndian);
  }

  f32(): number {
    return this.view.getFloat32(this.take(4, 'f32'), this.littleEndian);
  }

  f64(): number {
    return this.view.getFloat64(this.take(8, 'f64'), this.littleEndian);
  }

  /**
   * A NUL-terminated string of at most maxBytes bytes including the NUL. A string whose NUL is not
   * within that bound (or before the limit) is an error: the peer is not speaking the layout we think.
   */
  cstring(maxBytes: number, what = 'string'): string {
    const start = this.pos;
    const stop = Math.min(this.end, start + maxBytes);
    const data = this.data;
    for (let i = start; i < stop; i++) {
      if (data[i] === 0) {
        this.pos = i + 1;
        return decodeUtf8(data, start, i);
      }
    }
    if (stop === this.end && stop - start < maxBytes) {
      throw new DecodeError(`unterminated ${what}: no NUL in the ${stop - start} bytes left`, start);
    }
    throw new DecodeError(`${what} longer than ${maxBytes - 1} bytes (no NUL)`, start);
  }

  /** A fixed-width text field: the text runs to the first NUL inside the n bytes, or fills them. */
  fixedString(n: number, what = 'fixed string'): string {
    const start = this.take(n, what);
    const data = this.data;
    let stop = start + n;
    for (let i = start; i < stop; i++) {
      if (data[i] === 0) {
        stop = i;
        break;
      }
    }
    return decodeUtf8(data, start, stop);
  }

  /** The next n bytes, copied: the result does not alias the input (which may be a pooled buffer). */
  bytes(n: number, what = 'bytes'): Uint8Array {
    const p = this.take(n, what);
    const out = new Uint8Array(n);
    out.set(this.data.subarray(p, p + n));
    return out;
  }

  /** The next n bytes without copying. */
  subarray(n: number, what = 'bytes'): Uint8Array {
    const p = this.take(n, what);
    return this.data.subarray(p, p + n);
  }

  skip(n: number, what = 'bytes'): void {
    this.take(n, what);
  }

  /**
   * An i32 element count, checked before anything is allocated from it: negative, above maxCount, or
   * more records than the remaining bytes can hold at minRecordBytes each → DecodeError.
   */
  count(maxCount: number, minRecordBytes: number, what: string): number {
    const at = this.pos;
    const n = this.view.getInt32(this.take(4, `${what} count`), this.littleEndian);
    if (n < 0) throw new DecodeError(`negative ${what} count ${n}`, at);
    if (n > maxCount) throw new DecodeError(`${what} count ${n} exceeds the limit ${maxCount}`, at);
    if (n * minRecordBytes > this.end - this.pos) {
      throw new DecodeError(
        `${what} count ${n} needs at least ${n * minRecordBytes} bytes, ${this.end - this.pos} left`,
        at,
      );
    }
    return n;
  }

  /**
   * Narrows the readable window to the next n bytes (e.g. a length-prefixed section) and returns the
   * previous limit for `popLimit`. Reads inside the section can then never run into what follows it.
   */
  pushLimit(n: number, what = 'section'): number {
    if (n < 0 || n > this.end - this.pos) {
      throw new DecodeError(`${what} length ${n} exceeds the ${this.end - this.pos} bytes left`, this.pos);
    }
    const saved = this.end;
    this.end = this.pos + n;
    return saved;
  }

  /** Ends a section opened by pushLimit: the section must have been consumed exactly. */
  popLimit(saved: number, what = 'section'): void {
    if (this.pos !== this.end) {
      throw new DecodeError(`${what} has ${this.end - this.pos} bytes left over`, this.pos);
    }
    this.end = saved;
  }

  /** Throws unless everything up to the limit has been consumed. */
  expectEnd(what = 'message'): void {
    if (this.pos !== this.end) throw new DecodeError(`${this.end - this.pos} unexpected bytes after ${what}`, this.pos);
  }
}
