/**
 * sightline.Poses (proto-schemas.ts) encoded by hand: the recorder's busiest message (VRPN sends one
 * per tracker update, Motive one per frame). protobufjs writes packed floats one call per value;
 * here a packed float field is the Float32Array's own bytes. The output is byte for byte what
 * protobufjs writes for the same message (fields in id order, present fields only, empty repeated
 * fields left out, int64 from a JS number as protobufjs converts it), which the unit test checks.
 */

export interface PosesMessage {
  host_time_ns?: number;
  device_time_ns?: number;
  device_clock_ns?: number;
  frame_number?: number;
  ids?: ArrayLike<number>;
  valid?: ArrayLike<boolean>;
  positions?: ArrayLike<number>;
  rotations?: ArrayLike<number>;
  markers?: ArrayLike<number>;
  recording?: boolean;
}

const TWO_32 = 4294967296;
/** Float32Array bytes are the host's order; protobuf's are little-endian. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An int64 from a JS number, as protobufjs' LongBits.fromNumber splits it (two's complement when negative). */
function int64Bits(value: number): [number, number] {
  if (value === 0) return [0, 0];
  const sign = value < 0;
  if (sign) value = -value;
  let lo = value >>> 0;
  let hi = ((value - lo) / TWO_32) >>> 0;
  if (sign) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
    if (++lo > 0xffffffff) {
      lo = 0;
      if (++hi > 0xffffffff) hi = 0;
    }
  }
  return [lo, hi];
}

class Out {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  varint(v: number): void {
    while (v > 127) {
      this.bytes[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.bytes[this.pos++] = v;
  }

  int64(value: number): void {
    let [lo, hi] = int64Bits(value);
    while (hi) {
      this.bytes[this.pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.varint(lo);
  }
}

function varintSize(v: number): number {
  return v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
}

function zigzag(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

export function encodePoses(m: PosesMessage): Uint8Array {
  const ids = m.ids ?? [];
  const valid = m.valid ?? [];
  const floats = [m.positions ?? [], m.rotations ?? [], m.markers ?? []];
  let idBytes = 0;
  for (let i = 0; i < ids.length; i++) idBytes += varintSize(zigzag(ids[i]!));
  let capacity = 4 * 11 + 2 + (5 + idBytes) + (5 + valid.length);
  for (const f of floats) capacity += 5 + f.length * 4;
  const out = new Out(capacity);
  const time = (tag: number, v: number | undefined): void => {
    if (v === undefined || v === null) return;
    out.varint(tag);
    out.int64(v);
  };
  // A proto3 field without `optional`: protobufjs leaves its default (0) out.
  if (m.host_time_ns !== 0) time(8, m.host_time_ns);
  time(16, m.device_time_ns);
  time(24, m.device_clock_ns);
  time(32, m.frame_number);
  if (ids.length > 0) {
    out.varint(42);
    out.varint(idBytes);
    for (let i = 0; i < ids.length; i++) out.varint(zigzag(ids[i]!));
  }
  if (valid.length > 0) {
    out.varint(50);
    out.varint(valid.length);
    for (let i = 0; i < valid.length; i++) out.bytes[out.pos++] = valid[i] ? 1 : 0;
  }
  floats.forEach((values, k) => {
    if (values.length === 0) return;
    out.varint(58 + k * 8);
    out.varint(values.length * 4);
    if (values instanceof Float32Array && LITTLE_ENDIAN_HOST) {
      out.bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), out.pos);
      out.pos += values.byteLength;
    } else {
      for (let i = 0; i < values.length; i++) {
        out.view.setFloat32(out.pos, values[i]!, true);
        out.pos += 4;
      }
    }
  });
  if (m.recording !== undefined && m.recording !== null) {
    out.varint(80);
    out.varint(m.recording ? 1 : 0);
  }
  return out.bytes.subarray(0, out.pos);
}
