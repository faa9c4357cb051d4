/**
 * Companion stream payloads (protocol notes, docs/protocols/pupil.md §3): gaze (`com.pupillabs.gaze1`, one datum
 * per RTP packet, its kind told by the payload length), IMU (protobuf ImuPacket) and eye events.
 * Pure: bytes <-> typed values, both directions (the simulator encodes with the same module).
 */
import { DecodeError } from '../../net/byte-reader';

export class PupilPayloadError extends DecodeError {}

export interface EyeState {
  pupilDiameterMm: number;
  eyeballCenterMm: [number, number, number];
  opticalAxis: [number, number, number];
}

export interface Eyelid {
  angleTopRad: number;
  angleBottomRad: number;
  apertureMm: number;
}

export interface GazeDatum {
  /** Scene-camera pixels from the top-left. */
  x: number;
  y: number;
  worn: boolean;
  /** 17-byte dual-monocular format: the right eye's point (x, y above are the left eye's). */
  right?: { x: number; y: number };
  /** 25/105-byte formats: each eye's monocular gaze next to the binocular one. */
  monoLeft?: { x: number; y: number };
  monoRight?: { x: number; y: number };
  /** 65/89/105-byte formats. */
  eyes?: { left: EyeState; right: EyeState };
  /** 89/105-byte formats. */
  eyelids?: { left: Eyelid; right: Eyelid };
}

/** Every payload length the Companion is known to send (docs/protocols/pupil.md §3.1). */
export const GAZE_PAYLOAD_LENGTHS = [9, 17, 25, 65, 89, 105] as const;
export type GazePayloadLength = (typeof GAZE_PAYLOAD_LENGTHS)[number];

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function eyeState(v: DataView, at: number): EyeState {
  const f = (i: number) => v.getFloat32(at + i * 4);
  return { pupilDiameterMm: f(0), eyeballCenterMm: [f(1), f(2), f(3)], opticalAxis: [f(4), f(5), f(6)] };
}

function eyelid(v: DataView, at: number): Eyelid {
  return { angleTopRad: v.getFloat32(at), angleBottomRad: v.getFloat32(at + 4), apertureMm: v.getFloat32(at + 8) };
}

function point(v: DataView, at: number): { x: number; y: number } {
  return { x: v.getFloat32(at), y: v.getFloat32(at + 4) };
}

/** Decodes one gaze payload; throws PupilPayloadError for a length no Companion sends. */
export function decodeGaze(b: Uint8Array): GazeDatum {
  const n = b.length;
  if (!(GAZE_PAYLOAD_LENGTHS as readonly number[]).includes(n))
    throw new PupilPayloadError(`gaze payload of ${n} bytes (known: ${GAZE_PAYLOAD_LENGTHS.join(', ')})`);
  const v = dv(b);
  // The floats after the 9-byte prefix are unaligned: DataView reads them anywhere.
  const g: GazeDatum = { x: v.getFloat32(0), y: v.getFloat32(4), worn: b[8] !== 0 };
  if (n === 17) g.right = point(v, 9);
  if (n === 25) {
    g.monoLeft = point(v, 9);
    g.monoRight = point(v, 17);
  }
  if (n >= 65) g.eyes = { left: eyeState(v, 9), right: eyeState(v, 37) };
  if (n >= 89) g.eyelids = { left: eyelid(v, 65), right: eyelid(v, 77) };
  if (n === 105) {
    g.monoLeft = point(v, 89);
    g.monoRight = point(v, 97);
  }
  return g;
}

export function encodeGaze(g: GazeDatum, length: GazePayloadLength = 9): Uint8Array {
  const b = new Uint8Array(length);
  const v = dv(b);
  v.setFloat32(0, g.x);
  v.setFloat32(4, g.y);
  b[8] = g.worn ? 255 : 0;
  const put = (at: number, values: number[]) => values.forEach((x, i) => v.setFloat32(at + i * 4, x));
  const pt = (p: { x: number; y: number } | undefined) => [p?.x ?? 0, p?.y ?? 0];
  const eye = (e: EyeState | undefined) =>
    e ? [e.pupilDiameterMm, ...e.eyeballCenterMm, ...e.opticalAxis] : [0, 0, 0, 0, 0, 0, 0];
  const lid = (l: Eyelid | undefined) => (l ? [l.angleTopRad, l.angleBottomRad, l.apertureMm] : [0, 0, 0]);
  if (length === 17) put(9, pt(g.right));
  if (length === 25) put(9, [...pt(g.monoLeft), ...pt(g.monoRight)]);
  if (length >= 65) put(9, [...eye(g.eyes?.left), ...eye(g.eyes?.right)]);
  if (length >= 89) put(65, [...lid(g.eyelids?.left), ...lid(g.eyelids?.right)]);
  if (length === 105) put(89, [...pt(g.monoLeft), ...pt(g.monoRight)]);
  return b;
}

// ---- IMU (protobuf ImuPacket, docs/protocols/pupil.md §3.2) ----

export interface ImuDatum {
  /** Phone Unix ns (the packet's own tsNs, not RTP time). */
  timestampNs: number;
  accelG: [number, number, number];
  gyroDegPerS: [number, number, number];
  /** w, x, y, z as on the wire. */
  quaternion: [number, number, number, number];
}

const MAX_VARINT_BYTES = 10;

/** A minimal protobuf reader: varint, fixed32/64 and length-delimited fields, all bounded. */
class ProtoReader {
  at = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly end = b.length,
  ) {}
  done(): boolean {
    return this.at >= this.end;
  }
  varint(): bigint {
    let result = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.at >= this.end) throw new PupilPayloadError('protobuf varint runs past the payload');
      const byte = this.b[this.at++]!;
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (!(byte & 0x80)) return result;
    }
    throw new PupilPayloadError('protobuf varint too long');
  }
  need(n: number): number {
    if (n < 0 || this.at + n > this.end) throw new PupilPayloadError('protobuf field runs past the payload');
    const start = this.at;
    this.at += n;
    return start;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.need(8);
    else if (wire === 5) this.need(4);
    else if (wire === 2) this.need(Number(this.varint()));
    else throw new PupilPayloadError(`protobuf wire type ${wire} not supported`);
  }
}

function floats(b: Uint8Array, start: number, end: number, count: number): number[] {
  const out = new Array<number>(count).fill(0);
  const r = new ProtoReader(b, end);
  r.at = start;
  const v = dv(b);
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 5 && field >= 1 && field <= count) out[field - 1] = v.getFloat32(r.need(4), true);
    else r.skip(wire);
  }
  return out;
}

export function decodeImu(b: Uint8Array): ImuDatum {
  const r = new ProtoReader(b);
  const imu: ImuDatum = { timestampNs: 0, accelG: [0, 0, 0], gyroDegPerS: [0, 0, 0], quaternion: [1, 0, 0, 0] };
  let sawTime = false;
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1 && wire === 0) {
      imu.timestampNs = Number(r.varint());
      sawTime = true;
    } else if ((field === 2 || field === 3 || field === 4) && wire === 2) {
      const len = Number(r.varint());
      const start = r.need(len);
      if (field === 4) imu.quaternion = floats(b, start, start + len, 4) as ImuDatum['quaternion'];
      else if (field === 2) imu.accelG = floats(b, start, start + len, 3) as ImuDatum['accelG'];
      else imu.gyroDegPerS = floats(b, start, start + len, 3) as ImuDatum['gyroDegPerS'];
    } else {
      r.skip(wire);
    }
  }
  if (!sawTime) throw new PupilPayloadError('IMU packet without tsNs');
  return imu;
}

function varintBytes(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function floatMessage(values: readonly number[]): number[] {
  const out: number[] = [];
  const f = new DataView(new ArrayBuffer(4));
  values.forEach((x, i) => {
    out.push(((i + 1) << 3) | 5);
    f.setFloat32(0, x, true);
    out.push(...new Uint8Array(f.buffer));
  });
  return out;
}

export function encodeImu(imu: ImuDatum): Uint8Array {
  const out: number[] = [(1 << 3) | 0, ...varintBytes(BigInt(Math.round(imu.timestampNs)))];
  const sub = (field: number, body: number[]) =>
    out.push((field << 3) | 2, ...varintBytes(BigInt(body.length)), ...body);
  sub(2, floatMessage(imu.accelG));
  sub(3, floatMessage(imu.gyroDegPerS));
  sub(4, floatMessage(imu.quaternion));
  return new Uint8Array(out);
}

// ---- Eye events (docs/protocols/pupil.md §3.3) ----

export type EyeEvent =
  | {
      type: 'saccade' | 'fixation';
      startNs: number;
      endNs: number;
      start: [number, number];
      end: [number, number];
      mean: [number, number];
      amplitudePx: number;
      amplitudeDeg: number;
      meanVelocity: number;
      maxVelocity: number;
    }
  | { type: 'saccadeOnset' | 'fixationOnset'; startNs: number }
  | { type: 'blink'; startNs: number; endNs: number };

const EVENT_KEEP_ALIVE = 5;

/** Decodes one eye-event payload; null for the keep-alive (type 5), which carries nothing. */
export function decodeEyeEvent(b: Uint8Array): EyeEvent | null {
  if (b.length < 4) throw new PupilPayloadError(`eye event of ${b.length} bytes`);
  const v = dv(b);
  const type = v.getInt32(0);
  const need = (n: number) => {
    if (b.length < n) throw new PupilPayloadError(`eye event type ${type} needs ${n} bytes, got ${b.length}`);
  };
  const ns = (at: number) => Number(v.getBigInt64(at));
  switch (type) {
    case 0:
    case 1: {
      need(60);
      const f = (i: number) => v.getFloat32(20 + i * 4);
      return {
        type: type === 0 ? 'saccade' : 'fixation',
        startNs: ns(4),
        endNs: ns(12),
        start: [f(0), f(1)],
        end: [f(2), f(3)],
        mean: [f(4), f(5)],
        amplitudePx: f(6),
        amplitudeDeg: f(7),
        meanVelocity: f(8),
        maxVelocity: f(9),
      };
    }
    case 2:
    case 3:
      need(12);
      return { type: type === 2 ? 'saccadeOnset' : 'fixationOnset', startNs: ns(4) };
    case 4:
      need(20);
      return { type: 'blink', startNs: ns(4), endNs: ns(12) };
    case EVENT_KEEP_ALIVE:
      return null;
    default:
      throw new PupilPayloadError(`unknown eye event type ${type}`);
  }
}

export function encodeEyeEvent(e: EyeEvent | null): Uint8Array {
  if (!e) {
    const b = new Uint8Array(4);
    dv(b).setInt32(0, EVENT_KEEP_ALIVE);
    return b;
  }
  const code = { saccade: 0, fixation: 1, saccadeOnset: 2, fixationOnset: 3, blink: 4 }[e.type];
  const size = code <= 1 ? 60 : code === 4 ? 20 : 12;
  const b = new Uint8Array(size);
  const v = dv(b);
  v.setInt32(0, code);
  v.setBigInt64(4, BigInt(Math.round(e.startNs)));
  if ('endNs' in e) v.setBigInt64(12, BigInt(Math.round(e.endNs)));
  if (e.type === 'saccade' || e.type === 'fixation') {
    const values = [...e.start, ...e.end, ...e.mean, e.amplitudePx, e.amplitudeDeg, e.meanVelocity, e.maxVelocity];
    values.forEach((x, i) => v.setFloat32(20 + i * 4, x));
  }
  return b;
}
