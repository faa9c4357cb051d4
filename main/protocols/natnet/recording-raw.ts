/**
 * What the recorder keeps of each NatNet frame beyond the generic poses: Motive's own stamps
 * (timecode, seconds since start, the three tick stamps) so a recording can be re-timed later, and
 * the frame parts the poses do not carry (labeled markers, skeletons, force plates, devices).
 * Protobuf, float32 like the wire: at 360 Hz with hundreds of markers this is a high-rate channel.
 */
import type { RawMapping } from '../descriptor';
import { protoSchema } from '../../recording/proto-schemas';
import type { AnalogData, FrameOfData } from './types';

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

message Skeleton {
  int32 id = 1;
  repeated int32 bone_ids = 2;
  repeated bool valid = 3;
  repeated float positions = 4;
  repeated float rotations = 5;
}

message AnalogChannel {
  repeated float values = 1;
}

// A force plate or analog device: per channel, the sub-frame values of this frame
message Analog {
  int32 id = 1;
  repeated AnalogChannel channels = 2;
}

// Motive's frame stamps and the frame parts outside rigid bodies
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
}
`,
});

/** What the recorder's worker needs of a frame: its stamps and the parts poses do not carry, markers packed. */
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
  | 'skeletons'
  | 'forcePlates'
  | 'devices'
> {
  packed: { ids: Int32Array; sizes: Float32Array; params: Int32Array; residuals: Float32Array };
}

function isFrame(raw: unknown): raw is FrameOfData | HandedFrame {
  return typeof raw === 'object' && raw !== null && typeof (raw as FrameOfData).frameNumber === 'number';
}

/**
 * Runs on the sockets' thread before a frame goes to the recorder's worker: the rigid bodies are
 * already in the poses, and a thousand labeled-marker objects cost far more to copy between threads
 * than four typed arrays.
 */
export function natnetRawHandOff(raw: unknown): unknown {
  if (!isFrame(raw) || 'packed' in raw) return raw;
  const markers = raw.labeledMarkers;
  const n = markers.length;
  // Four views of one buffer: the hand-off clones one buffer instead of four.
  const store = new ArrayBuffer(n * 16);
  const packed = {
    ids: new Int32Array(store, 0, n),
    sizes: new Float32Array(store, n * 4, n),
    params: new Int32Array(store, n * 8, n),
    residuals: new Float32Array(store, n * 12, n),
  };
  for (let i = 0; i < n; i++) {
    const m = markers[i]!;
    packed.ids[i] = m.id;
    packed.sizes[i] = m.size;
    packed.params[i] = m.params ?? -1;
    packed.residuals[i] = m.residual ?? NaN;
  }
  const handed: HandedFrame = {
    frameNumber: raw.frameNumber,
    timecode: raw.timecode,
    timecodeSubframe: raw.timecodeSubframe,
    timestamp: raw.timestamp,
    cameraMidExposureTicks: raw.cameraMidExposureTicks,
    cameraDataReceivedTicks: raw.cameraDataReceivedTicks,
    transmitTicks: raw.transmitTicks,
    params: raw.params,
    skeletons: raw.skeletons,
    forcePlates: raw.forcePlates,
    devices: raw.devices,
    packed,
  };
  return handed;
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

function analog(list: AnalogData[]): object[] {
  return list.map((a) => ({ id: a.id, channels: a.channels.map((values) => ({ values })) }));
}

export const natnetRawMapping: RawMapping = (device, sample, out) => {
  if (sample.kind !== 'poses' || !isFrame(sample.raw)) return;
  const f = sample.raw;
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
    })),
    force_plates: analog(f.forcePlates),
    devices: analog(f.devices),
  };
  if (f.timestamp !== undefined) message.timestamp_s = f.timestamp;
  if (f.cameraMidExposureTicks !== undefined) message.camera_mid_exposure_ticks = f.cameraMidExposureTicks;
  if (f.cameraDataReceivedTicks !== undefined) message.camera_data_received_ticks = f.cameraDataReceivedTicks;
  if (f.transmitTicks !== undefined) message.transmit_ticks = f.transmitTicks;
  if (f.params !== undefined) message.params = f.params;
  out.write(`/${device.id}/natnet_frame`, NATNET_FRAME_SCHEMA, message);
};
