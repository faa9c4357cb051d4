/**
 * LSL samples on the data feed, pure (docs/protocols/lsl.md §4): the 1.10 binary layout in either byte
 * order, the 1.00 portable-archive layout, and the test pattern both feeds start with. Decoders work on a
 * growing byte buffer and return undefined until a whole sample is there; every length read from the
 * stream is bounded before anything is allocated for it.
 */
import { decodeUtf8 } from '../../net/byte-reader';
import { VALUE_SIZE, type ChannelFormat } from './info';

export const TAG_DEDUCED = 1;
export const TAG_TIMESTAMP = 2;
/** What liblsl stamps both test-pattern samples with. */
export const TEST_PATTERN_TIMESTAMP = 123456.789;
/** Our cap on one string value (liblsl has none; a marker is a few bytes). */
export const MAX_STRING_BYTES = 1 << 20;

/** Numbers for numeric formats except int64; bigint for int64; strings for string. */
export type SampleValues = number[] | bigint[] | string[];

export interface Sample {
  /** Seconds on the outlet's clock; undefined on the wire for a deduced timestamp (tag 1). */
  timestamp: number | undefined;
  values: SampleValues;
}

export class SampleError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SampleError';
  }
}

/** Thrown inside decoders when the buffer ends before the sample does; never escapes this module. */
class NeedMore {}
const NEED_MORE = new NeedMore();

// ---------------------------------------------------------------------------------------------
// Test pattern (§4)

/** liblsl's `assign_test_pattern(offset)`: the feed starts with offset 4, then offset 2. */
export function testPatternValues(format: ChannelFormat, channels: number, offset: number): SampleValues {
  const alternate = (k: number, v: number) => (k % 2 === 0 ? v : -v);
  const ints = (base: number, max: number) =>
    Array.from({ length: channels }, (_, k) => alternate(k, (k + offset + base) % max));
  switch (format) {
    case 'float32':
      return Array.from({ length: channels }, (_, k) => alternate(k, k + offset));
    case 'double64':
      return Array.from({ length: channels }, (_, k) => alternate(k, k + offset + 16777217));
    case 'int32':
      return ints(65537, 2147483647);
    case 'int16':
      return ints(257, 32767);
    case 'int8':
      return ints(1, 127);
    case 'int64':
      return Array.from({ length: channels }, (_, k) => {
        const v = BigInt(k) + 2147483649n + BigInt(offset);
        return k % 2 === 1 ? -v : v;
      });
    case 'string':
      return Array.from({ length: channels }, (_, k) => String((k + 10) * (k % 2 === 0 ? 1 : -1)));
  }
}

export function testPatternSample(format: ChannelFormat, channels: number, offset: number): Sample {
  return { timestamp: TEST_PATTERN_TIMESTAMP, values: testPatternValues(format, channels, offset) };
}

/** Whether a received sample is the expected test pattern (exact, as liblsl compares). */
export function isTestPattern(sample: Sample, format: ChannelFormat, channels: number, offset: number): boolean {
  if (sample.timestamp !== TEST_PATTERN_TIMESTAMP) return false;
  const want = testPatternValues(format, channels, offset);
  if (want.length !== sample.values.length) return false;
  for (let k = 0; k < want.length; k++) {
    // float32 values went through float32, compare after the same rounding.
    const a = format === 'float32' ? Math.fround(want[k] as number) : want[k];
    if (a !== sample.values[k]) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Protocol 1.10 (§4)

const utf8 = new TextEncoder();

function checkValues(format: ChannelFormat, channels: number, values: SampleValues): void {
  if (values.length !== channels)
    throw new SampleError(`sample has ${values.length} values, stream has ${channels} channels`);
  for (const v of values) {
    const ok =
      format === 'string' ? typeof v === 'string' : format === 'int64' ? typeof v === 'bigint' : typeof v === 'number';
    if (!ok) throw new SampleError(`value ${String(v)} does not fit channel format ${format}`);
  }
}

function writeNumber(view: DataView, at: number, format: ChannelFormat, v: number | bigint, le: boolean): void {
  switch (format) {
    case 'float32':
      view.setFloat32(at, v as number, le);
      break;
    case 'double64':
      view.setFloat64(at, v as number, le);
      break;
    case 'int32':
      view.setInt32(at, v as number, le);
      break;
    case 'int16':
      view.setInt16(at, v as number, le);
      break;
    case 'int8':
      view.setInt8(at, v as number);
      break;
    case 'int64':
      view.setBigInt64(at, BigInt.asIntN(64, v as bigint), le);
      break;
    case 'string':
      throw new SampleError('not a numeric format');
  }
}

function readNumber(view: DataView, at: number, format: ChannelFormat, le: boolean): number | bigint {
  switch (format) {
    case 'float32':
      return view.getFloat32(at, le);
    case 'double64':
      return view.getFloat64(at, le);
    case 'int32':
      return view.getInt32(at, le);
    case 'int16':
      return view.getInt16(at, le);
    case 'int8':
      return view.getInt8(at);
    case 'int64':
      return view.getBigInt64(at, le);
    case 'string':
      throw new SampleError('not a numeric format');
  }
}

/** Encodes samples back to back in the 1.10 layout (a chunk is just consecutive samples). */
export function encodeSamples110(
  format: ChannelFormat,
  channels: number,
  samples: readonly Sample[],
  littleEndian = true,
): Uint8Array {
  let size = 0;
  const strings: Uint8Array[] = [];
  for (const s of samples) {
    checkValues(format, channels, s.values);
    size += 1 + (s.timestamp === undefined ? 0 : 8);
    if (format === 'string') {
      for (const v of s.values as string[]) {
        const b = utf8.encode(v);
        strings.push(b);
        size += 1 + (b.length <= 0xff ? 1 : 4) + b.length;
      }
    } else {
      size += VALUE_SIZE[format] * channels;
    }
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  let si = 0;
  for (const s of samples) {
    if (s.timestamp === undefined) {
      out[at++] = TAG_DEDUCED;
    } else {
      out[at++] = TAG_TIMESTAMP;
      view.setFloat64(at, s.timestamp, littleEndian);
      at += 8;
    }
    if (format === 'string') {
      for (let k = 0; k < channels; k++) {
        const b = strings[si++]!;
        if (b.length <= 0xff) {
          out[at++] = 1;
          out[at++] = b.length;
        } else {
          out[at++] = 4;
          view.setUint32(at, b.length, littleEndian);
          at += 4;
        }
        out.set(b, at);
        at += b.length;
      }
    } else {
      const width = VALUE_SIZE[format];
      const values = s.values as (number | bigint)[];
      for (let k = 0; k < channels; k++, at += width) writeNumber(view, at, format, values[k]!, littleEndian);
    }
  }
  return out;
}

export interface DecoderOptions {
  format: ChannelFormat;
  channels: number;
  /** Samples per second (0 = irregular): a deduced timestamp is the previous one plus 1/rate. */
  nominalSrate: number;
  littleEndian?: boolean;
  /** Flush subnormal floats to signed zero (when the outlet's response asks for it). */
  suppressSubnormals?: boolean;
  maxStringBytes?: number;
}

/** A sample whose deduced timestamp was filled in (always a number here). */
export interface DecodedSample {
  timestamp: number;
  /** True when the wire carried no timestamp (tag 1). */
  deduced: boolean;
  values: SampleValues;
}

/** Incremental reader of a byte stream; the shared piece of both feed decoders. */
class StreamBuffer {
  buf = new Uint8Array(0);
  pos = 0;
  view = new DataView(this.buf.buffer);

  push(chunk: Uint8Array): void {
    const rest = this.buf.length - this.pos;
    if (rest === 0) {
      this.buf = chunk.slice();
    } else {
      const next = new Uint8Array(rest + chunk.length);
      next.set(this.buf.subarray(this.pos));
      next.set(chunk, rest);
      this.buf = next;
    }
    this.pos = 0;
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  get buffered(): number {
    return this.buf.length - this.pos;
  }

  need(at: number, n: number): void {
    if (at + n > this.buf.length) throw NEED_MORE;
  }
}

abstract class FeedDecoder {
  protected readonly stream = new StreamBuffer();
  protected readonly format: ChannelFormat;
  protected readonly channels: number;
  protected readonly littleEndian: boolean;
  protected readonly maxStringBytes: number;
  private readonly period: number;
  private readonly suppressSubnormals: boolean;
  private lastTimestamp = 0;

  constructor(o: DecoderOptions) {
    this.format = o.format;
    this.channels = o.channels;
    this.littleEndian = o.littleEndian ?? true;
    this.maxStringBytes = o.maxStringBytes ?? MAX_STRING_BYTES;
    this.period = o.nominalSrate > 0 ? 1 / o.nominalSrate : 0;
    this.suppressSubnormals = o.suppressSubnormals ?? false;
  }

  push(chunk: Uint8Array): void {
    this.stream.push(chunk);
  }

  get buffered(): number {
    return this.stream.buffered;
  }

  /** The next whole sample, or undefined until more bytes arrive. Throws SampleError on bad bytes. */
  next(): DecodedSample | undefined {
    let s: Sample;
    try {
      const [sample, end] = this.read(this.stream.pos);
      s = sample;
      this.stream.pos = end;
    } catch (e) {
      if (e === NEED_MORE) return undefined;
      throw e;
    }
    const deduced = s.timestamp === undefined;
    const timestamp = deduced ? this.lastTimestamp + this.period : s.timestamp!;
    this.lastTimestamp = timestamp;
    if (this.suppressSubnormals && (this.format === 'float32' || this.format === 'double64')) {
      const min = this.format === 'float32' ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
      const vals = s.values as number[];
      for (let k = 0; k < vals.length; k++)
        if (vals[k] !== 0 && Math.abs(vals[k]!) < min) vals[k] = vals[k]! < 0 ? -0 : 0;
    }
    return { timestamp, deduced, values: s.values };
  }

  /** Decodes one sample at `at`; returns it and the offset after it. Throws NEED_MORE or SampleError. */
  protected abstract read(at: number): [Sample, number];
}

export class SampleDecoder110 extends FeedDecoder {
  protected read(at: number): [Sample, number] {
    const { stream, littleEndian: le } = this;
    stream.need(at, 1);
    const tag = stream.buf[at++]!;
    let timestamp: number | undefined;
    if (tag === TAG_TIMESTAMP) {
      stream.need(at, 8);
      timestamp = stream.view.getFloat64(at, le);
      at += 8;
    } else if (tag !== TAG_DEDUCED) {
      throw new SampleError(`bad sample tag ${tag}`);
    }
    if (this.format === 'string') {
      const values: string[] = [];
      for (let k = 0; k < this.channels; k++) {
        stream.need(at, 1);
        const width = stream.buf[at++]!;
        let len: number;
        stream.need(at, width);
        if (width === 1) len = stream.buf[at]!;
        else if (width === 2) len = stream.view.getUint16(at, le);
        else if (width === 4) len = stream.view.getUint32(at, le);
        else if (width === 8) {
          const big = stream.view.getBigUint64(at, le);
          if (big > BigInt(this.maxStringBytes))
            throw new SampleError(`string of ${big} bytes exceeds ${this.maxStringBytes}`);
          len = Number(big);
        } else throw new SampleError(`bad string length width ${width}`);
        at += width;
        if (len > this.maxStringBytes) throw new SampleError(`string of ${len} bytes exceeds ${this.maxStringBytes}`);
        stream.need(at, len);
        values.push(decodeUtf8(stream.buf, at, at + len));
        at += len;
      }
      return [{ timestamp, values }, at];
    }
    const width = VALUE_SIZE[this.format];
    stream.need(at, width * this.channels);
    const values = new Array<number | bigint>(this.channels);
    for (let k = 0; k < this.channels; k++, at += width) values[k] = readNumber(stream.view, at, this.format, le);
    return [{ timestamp, values: values as SampleValues }, at];
  }
}

// ---------------------------------------------------------------------------------------------
// Protocol 1.00: the portable binary archive (§4)

/** Archive magic byte, then the archive version as a portable integer (1 byte: 9). */
const ARCHIVE_HEADER = [0x7f, 0x01, 0x09];
/** Boost writes a class's tracking and version fields (both 0) before its first instance only. */
const CLASS_HEADER = [0x00, 0x00];

class ArchiveWriter {
  private bytes: number[] = [];
  raw(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]!);
  }
  /** A portable integer: a signed size byte (negative for negative values), then the low-order bytes. */
  int(v: bigint): void {
    if (v === 0n) {
      this.bytes.push(0);
      return;
    }
    let size = 0;
    let t = v;
    do {
      t >>= 8n;
      size++;
    } while (t !== 0n && t !== -1n);
    this.bytes.push((v > 0n ? size : -size) & 0xff);
    for (let i = 0; i < size; i++) this.bytes.push(Number((v >> BigInt(8 * i)) & 0xffn));
  }
  string(s: string): void {
    const b = utf8.encode(s);
    this.int(BigInt(b.length));
    this.raw(b);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const scratch = new DataView(new ArrayBuffer(8));

function floatBits(v: number, width: 4 | 8): bigint {
  // NaNs become the canonical quiet NaN, as the archive writes them.
  if (Number.isNaN(v)) return width === 4 ? 0x7fffffffn : 0x7fffffffffffffffn;
  if (width === 4) {
    scratch.setFloat32(0, v, true);
    return BigInt(scratch.getUint32(0, true));
  }
  scratch.setFloat64(0, v, true);
  return scratch.getBigUint64(0, true);
}

/** What a 1.00 feed starts with: the archive header and the short info. */
export function encodeArchiveHeader(shortInfo: string): Uint8Array {
  const w = new ArchiveWriter();
  w.raw(ARCHIVE_HEADER);
  w.string(shortInfo);
  return w.finish();
}

/** Samples in the 1.00 layout; `first` adds the class header that precedes the feed's first sample. */
export function encodeSamples100(
  format: ChannelFormat,
  channels: number,
  samples: readonly Sample[],
  first: boolean,
): Uint8Array {
  const w = new ArchiveWriter();
  samples.forEach((s, i) => {
    checkValues(format, channels, s.values);
    if (first && i === 0) w.raw(CLASS_HEADER);
    if (s.timestamp === undefined) {
      w.int(BigInt(TAG_DEDUCED));
    } else {
      w.int(BigInt(TAG_TIMESTAMP));
      w.int(floatBits(s.timestamp, 8));
    }
    for (const v of s.values) {
      if (format === 'string') w.string(v as string);
      else if (format === 'float32') w.int(floatBits(v as number, 4));
      else if (format === 'double64') w.int(floatBits(v as number, 8));
      else if (format === 'int64') w.int(v as bigint);
      else w.int(BigInt(v as number));
    }
  });
  return w.finish();
}

/** Reads a 1.00 feed after the outlet's archive header and short info (see readArchiveHeader). */
export class SampleDecoder100 extends FeedDecoder {
  private seenFirst = false;

  private int(at: number, maxBytes: number): [bigint, number] {
    const { stream } = this;
    stream.need(at, 1);
    const signedSize = (stream.buf[at++]! << 24) >> 24;
    const size = Math.abs(signedSize);
    if (size > maxBytes) throw new SampleError(`portable integer of ${size} bytes where at most ${maxBytes} fit`);
    stream.need(at, size);
    let v = signedSize < 0 ? -1n : 0n;
    for (let i = 0; i < size; i++) {
      v &= ~(0xffn << BigInt(8 * i));
      v |= BigInt(stream.buf[at + i]!) << BigInt(8 * i);
    }
    return [v, at + size];
  }

  private float(at: number, width: 4 | 8): [number, number] {
    const [bits, end] = this.int(at, width);
    if (width === 4) scratch.setUint32(0, Number(BigInt.asUintN(32, bits)), true);
    else scratch.setBigUint64(0, BigInt.asUintN(64, bits), true);
    return [width === 4 ? scratch.getFloat32(0, true) : scratch.getFloat64(0, true), end];
  }

  protected read(at: number): [Sample, number] {
    if (!this.seenFirst) {
      this.stream.need(at, 2);
      if (this.stream.buf[at] !== 0 || this.stream.buf[at + 1] !== 0) throw new SampleError('bad archive class header');
      at += 2;
    }
    let tag: bigint;
    [tag, at] = this.int(at, 1);
    let timestamp: number | undefined;
    if (tag === BigInt(TAG_TIMESTAMP)) [timestamp, at] = this.float(at, 8);
    else if (tag !== BigInt(TAG_DEDUCED)) throw new SampleError(`bad sample tag ${tag}`);
    const values: (number | bigint | string)[] = [];
    for (let k = 0; k < this.channels; k++) {
      if (this.format === 'string') {
        let len: bigint;
        [len, at] = this.int(at, 8);
        if (len < 0n || len > BigInt(this.maxStringBytes))
          throw new SampleError(`string of ${len} bytes exceeds ${this.maxStringBytes}`);
        this.stream.need(at, Number(len));
        values.push(decodeUtf8(this.stream.buf, at, at + Number(len)));
        at += Number(len);
      } else if (this.format === 'float32' || this.format === 'double64') {
        let v: number;
        [v, at] = this.float(at, VALUE_SIZE[this.format] as 4 | 8);
        values.push(v);
      } else {
        const width = VALUE_SIZE[this.format];
        let v: bigint;
        [v, at] = this.int(at, width);
        const wrapped = BigInt.asIntN(width * 8, v);
        values.push(this.format === 'int64' ? wrapped : Number(wrapped));
      }
    }
    this.seenFirst = true;
    return [{ timestamp, values: values as SampleValues }, at];
  }
}

/**
 * Reads the start of a 1.00 feed: archive header, then the short info string (bounded by `maxChars`).
 * Undefined until complete; throws SampleError on anything else.
 */
export function readArchiveHeader(
  buf: Uint8Array,
  maxChars: number,
): { shortInfo: string; consumed: number } | undefined {
  if (buf.length < 3) return undefined;
  if (buf[0] !== ARCHIVE_HEADER[0] || buf[1] !== ARCHIVE_HEADER[1] || buf[2] !== ARCHIVE_HEADER[2])
    throw new SampleError('not a portable archive header');
  if (buf.length < 4) return undefined;
  const size = buf[3]!;
  if (size > 4) throw new SampleError('short info length out of range');
  if (buf.length < 4 + size) return undefined;
  let len = 0;
  for (let i = 0; i < size; i++) len += buf[4 + i]! * 2 ** (8 * i);
  if (len > maxChars) throw new SampleError(`short info of ${len} bytes exceeds ${maxChars}`);
  const start = 4 + size;
  if (buf.length < start + len) return undefined;
  return { shortInfo: decodeUtf8(buf, start, start + len), consumed: start + len };
}
