/**
 * What the recorder keeps of each NatNet frame beyond the generic poses: Motive's own stamps
 * (timecode, seconds since start, the three tick stamps) so a recording can be re-timed later, and
 * the frame parts the poses do not carry (the rigid bodies' mean error and params, labeled markers,
 * skeletons with their bones' mean error and params, force plates, devices).
 * Protobuf, float32 like the wire: at 360 Hz with hundreds of markers this is a high-rate channel.
 */
import type { RawMapping } from '../descriptor';
import { protoSchema } from '../../recording/proto-schemas';
import { ByteReader } from '../../net/byte-reader';
import type { AnalogData, FrameOfData, RigidBodyData } from './types';

export const NATNET_FRAME_SCHEMA = protoSchema('sightline.natnet.Frame', {
  'sightline/natnet/Frame.proto': `syntax = "proto3";
package sightline.natnet;

// Per labeled marker, in the order of the poses' markers (whose x,y,z they share)
message LabeledMarkers {
  // model id << 16 | marker index
  repeated int32 ids = 1;
  // metres
  repeated float sizes = 2;
  // param bits; -1 when absent
  repeated sint32 params = 3;
  // metres per ray; NaN when absent
  repeated float residuals = 4;
}

// Per rigid body, in the order of the poses' bodies (whose positions, rotations and valid flags
// they complement). Absent in recordings made before it existed.
message RigidBodies {
  repeated int32 ids = 1;
  // metres (mean marker error); NaN when the version has none (NatNet < 2.0)
  repeated float mean_errors = 2;
  // i16 param bits (bit 0 = tracking valid); -1 when the version has none (NatNet < 2.6)
  repeated sint32 params = 3;
}

message Skeleton {
  int32 id = 1;
  repeated int32 bone_ids = 2;
  repeated bool valid = 3;
  repeated float positions = 4;
  repeated float rotations = 5;
  // per bone, as for rigid bodies: metres, NaN when absent; param bits, -1 when absent
  repeated float mean_errors = 6;
  repeated sint32 params = 7;
}

message AnalogChannel {
  repeated float values = 1;
}

// A force plate or analog device: per channel, the sub-frame values of this frame
message Analog {
  int32 id = 1;
  repeated AnalogChannel channels = 2;
}

// Motive's frame stamps and the frame parts the poses do not carry
message Frame {
  int64 host_time_ns = 1;
  int64 frame_number = 2;
  uint32 timecode = 3;
  uint32 timecode_subframe = 4;
  // seconds since Motive started
  optional double timestamp_s = 5;
  optional uint64 camera_mid_exposure_ticks = 6;
  optional uint64 camera_data_received_ticks = 7;
  optional uint64 transmit_ticks = 8;
  optional int32 params = 9;
  LabeledMarkers labeled_markers = 10;
  repeated Skeleton skeletons = 11;
  repeated Analog force_plates = 12;
  repeated Analog devices = 13;
  RigidBodies rigid_bodies = 14;
}
`,
});

/** What the recorder's worker needs of a frame: its stamps and the parts poses do not carry, per-body and per-marker values packed. */
interface HandedFrame extends Pick<
  FrameOfData,
  | 'frameNumber'
  | 'timecode'
  | 'timecodeSubframe'
  | 'timestamp'
  | 'cameraMidExposureTicks'
  | 'cameraDataReceivedTicks'
  | 'transmitTicks'
  | 'params'
  | 'forcePlates'
  | 'devices'
> {
  skeletons: {
    id: number;
    bones: Pick<RigidBodyData, 'id' | 'x' | 'y' | 'z' | 'qx' | 'qy' | 'qz' | 'qw' | 'valid' | 'meanError' | 'params'>[];
  }[];
  packed: { ids: Int32Array; sizes: Float32Array; params: Int32Array; residuals: Float32Array };
  packedBodies: { ids: Int32Array; meanErrors: Float32Array; params: Int32Array };
}

function isFrame(raw: unknown): raw is FrameOfData {
  return typeof raw === 'object' && raw !== null && typeof (raw as FrameOfData).frameNumber === 'number';
}

const HAS_TIMESTAMP = 1;
const HAS_MID_EXPOSURE = 2;
const HAS_DATA_RECEIVED = 4;
const HAS_TRANSMIT = 8;
const HAS_PARAMS = 16;

/**
 * Runs on the sockets' thread before a frame goes to the recorder's worker: the frame's parts the
 * poses do not carry, as bytes (copied once into the hand-off batch; a thousand labeled-marker
 * objects, or even one object of typed arrays, cost far more to clone between threads). Numbers are
 * float64, so every value arrives exactly as decoded, except the sizes, residuals and mean errors
 * (float32, as on the wire and in the message) and the params (int32; i16 on the wire). Read back
 * by `handedFrame`.
 */
export function natnetRawHandOff(raw: unknown): unknown {
  if (!isFrame(raw)) return raw;
  const markers = raw.labeledMarkers;
  const n = markers.length;
  const bodies = raw.rigidBodies;
  const nb = bodies.length;
  // In the order of the HAS_* bits below.
  const optional = [
    raw.timestamp,
    raw.cameraMidExposureTicks,
    raw.cameraDataReceivedTicks,
    raw.transmitTicks,
    raw.params,
  ];
  let flags = 0;
  let size = 8 + 4 + 4 + 1 + 4 + n * 16 + 4 + nb * 12 + 4 + 4 + 4;
  optional.forEach((v, i) => {
    if (v === undefined) return;
    flags |= 1 << i;
    size += 8;
  });
  for (const s of raw.skeletons) size += 8 + s.bones.length * 73;
  for (const list of [raw.forcePlates, raw.devices]) {
    for (const a of list) {
      size += 8;
      for (const c of a.channels) size += 4 + c.length * 8;
    }
  }
  // Exactly sized, written through one DataView: hundreds of markers per frame make this hot.
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let p = 0;
  const u8 = (v: number): void => view.setUint8(p++, v);
  const u32 = (v: number): void => {
    view.setUint32(p, v, true);
    p += 4;
  };
  const i32 = (v: number): void => {
    view.setInt32(p, v, true);
    p += 4;
  };
  const f64 = (v: number): void => {
    view.setFloat64(p, v, true);
    p += 8;
  };
  f64(raw.frameNumber);
  u32(raw.timecode >>> 0);
  u32(raw.timecodeSubframe >>> 0);
  u8(flags);
  for (const v of optional) if (v !== undefined) f64(v);
  u32(n);
  for (let i = 0; i < n; i++) {
    const m = markers[i]!;
    view.setInt32(p + i * 4, m.id, true);
    view.setFloat32(p + (n + i) * 4, m.size, true);
    view.setInt32(p + (2 * n + i) * 4, m.params ?? -1, true);
    view.setFloat32(p + (3 * n + i) * 4, m.residual ?? NaN, true);
  }
  p += n * 16;
  u32(nb);
  for (let i = 0; i < nb; i++) {
    const b = bodies[i]!;
    view.setInt32(p + i * 4, b.id, true);
    view.setFloat32(p + (nb + i) * 4, b.meanError ?? NaN, true);
    view.setInt32(p + (2 * nb + i) * 4, b.params ?? -1, true);
  }
  p += nb * 12;
  u32(raw.skeletons.length);
  for (const s of raw.skeletons) {
    i32(s.id);
    u32(s.bones.length);
    for (const b of s.bones) {
      for (const v of [b.id, b.x, b.y, b.z, b.qx, b.qy, b.qz, b.qw]) f64(v);
      u8(b.valid ? 1 : 0);
      view.setFloat32(p, b.meanError ?? NaN, true);
      view.setInt32(p + 4, b.params ?? -1, true);
      p += 8;
    }
  }
  for (const list of [raw.forcePlates, raw.devices]) {
    u32(list.length);
    for (const a of list) {
      i32(a.id);
      u32(a.channels.length);
      for (const c of a.channels) {
        u32(c.length);
        for (const v of c) f64(v);
      }
    }
  }
  return bytes;
}

/** n int32 written by natnetRawHandOff from byte `at` (the batch puts them at any alignment). */
function int32s(view: DataView, at: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt32(at + i * 4, true);
  return out;
}

function float32s(view: DataView, at: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + i * 4, true);
  return out;
}

/** The worker's side of natnetRawHandOff. */
function handedFrame(bytes: Uint8Array): HandedFrame {
  const r = new ByteReader(bytes);
  const frameNumber = r.f64();
  const timecode = r.u32();
  const timecodeSubframe = r.u32();
  const flags = r.u8();
  const optional = (bit: number): number | undefined => (flags & bit ? r.f64() : undefined);
  const timestamp = optional(HAS_TIMESTAMP);
  const cameraMidExposureTicks = optional(HAS_MID_EXPOSURE);
  const cameraDataReceivedTicks = optional(HAS_DATA_RECEIVED);
  const transmitTicks = optional(HAS_TRANSMIT);
  const params = optional(HAS_PARAMS);
  const n = r.u32();
  const view = r.view;
  const at = r.take(n * 16, 'labeled markers');
  const packed = {
    ids: int32s(view, at, n),
    sizes: float32s(view, at + n * 4, n),
    params: int32s(view, at + n * 8, n),
    residuals: float32s(view, at + n * 12, n),
  };
  const nb = r.u32();
  const bodiesAt = r.take(nb * 12, 'rigid bodies');
  const packedBodies = {
    ids: int32s(view, bodiesAt, nb),
    meanErrors: float32s(view, bodiesAt + nb * 4, nb),
    params: int32s(view, bodiesAt + nb * 8, nb),
  };
  const skeletons: HandedFrame['skeletons'] = [];
  for (let s = r.u32(); s > 0; s--) {
    const id = r.i32();
    const bones: HandedFrame['skeletons'][number]['bones'] = [];
    for (let b = r.u32(); b > 0; b--) {
      bones.push({
        id: r.f64(),
        x: r.f64(),
        y: r.f64(),
        z: r.f64(),
        qx: r.f64(),
        qy: r.f64(),
        qz: r.f64(),
        qw: r.f64(),
        valid: r.u8() === 1,
        meanError: r.f32(),
        params: r.i32(),
      });
    }
    skeletons.push({ id, bones });
  }
  const analogList = (): AnalogData[] => {
    const list: AnalogData[] = [];
    for (let a = r.u32(); a > 0; a--) {
      const id = r.i32();
      const channels: number[][] = [];
      for (let c = r.u32(); c > 0; c--) {
        const values: number[] = [];
        for (let v = r.u32(); v > 0; v--) values.push(r.f64());
        channels.push(values);
      }
      list.push({ id, channels });
    }
    return list;
  };
  const forcePlates = analogList();
  const devices = analogList();
  return {
    frameNumber,
    timecode,
    timecodeSubframe,
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(cameraMidExposureTicks === undefined ? {} : { cameraMidExposureTicks }),
    ...(cameraDataReceivedTicks === undefined ? {} : { cameraDataReceivedTicks }),
    ...(transmitTicks === undefined ? {} : { transmitTicks }),
    ...(params === undefined ? {} : { params }),
    skeletons,
    forcePlates,
    devices,
    packed,
    packedBodies,
  };
}

function labeledMarkers(f: FrameOfData | HandedFrame): object {
  if ('packed' in f) return f.packed;
  return {
    ids: f.labeledMarkers.map((m) => m.id),
    sizes: f.labeledMarkers.map((m) => m.size),
    params: f.labeledMarkers.map((m) => m.params ?? -1),
    residuals: f.labeledMarkers.map((m) => m.residual ?? NaN),
  };
}

function rigidBodies(f: FrameOfData | HandedFrame): object {
  if ('packedBodies' in f) {
    const { ids, meanErrors, params } = f.packedBodies;
    return { ids, mean_errors: meanErrors, params };
  }
  return {
    ids: f.rigidBodies.map((b) => b.id),
    mean_errors: f.rigidBodies.map((b) => b.meanError ?? NaN),
    params: f.rigidBodies.map((b) => b.params ?? -1),
  };
}

function analog(list: AnalogData[]): object[] {
  return list.map((a) => ({ id: a.id, channels: a.channels.map((values) => ({ values })) }));
}

export const natnetRawMapping: RawMapping = (device, sample, out) => {
  if (sample.kind !== 'poses') return;
  const raw = sample.raw;
  const f = raw instanceof Uint8Array ? handedFrame(raw) : isFrame(raw) ? raw : undefined;
  if (!f) return;
  const message: Record<string, unknown> = {
    host_time_ns: sample.hostTimeNs,
    frame_number: f.frameNumber,
    timecode: f.timecode >>> 0,
    timecode_subframe: f.timecodeSubframe >>> 0,
    labeled_markers: labeledMarkers(f),
    skeletons: f.skeletons.map((s) => ({
      id: s.id,
      bone_ids: s.bones.map((b) => b.id),
      valid: s.bones.map((b) => b.valid),
      positions: s.bones.flatMap((b) => [b.x, b.y, b.z]),
      rotations: s.bones.flatMap((b) => [b.qx, b.qy, b.qz, b.qw]),
      mean_errors: s.bones.map((b) => b.meanError ?? NaN),
      params: s.bones.map((b) => b.params ?? -1),
    })),
    force_plates: analog(f.forcePlates),
    devices: analog(f.devices),
    rigid_bodies: rigidBodies(f),
  };
  if (f.timestamp !== undefined) message.timestamp_s = f.timestamp;
  if (f.cameraMidExposureTicks !== undefined) message.camera_mid_exposure_ticks = f.cameraMidExposureTicks;
  if (f.cameraDataReceivedTicks !== undefined) message.camera_data_received_ticks = f.cameraDataReceivedTicks;
  if (f.transmitTicks !== undefined) message.transmit_ticks = f.transmitTicks;
  if (f.params !== undefined) message.params = f.params;
  out.write(`/${device.id}/natnet_frame`, NATNET_FRAME_SCHEMA, message);
};
