/**
 * Recorded messages → Samples again (the inverse of sample-mapping.ts), for playback. Reads only the
 * lossless sightline.* channels; the foxglove.* ones are views of the same samples, except the video
 * bytes, which a VideoFrame message is paired with (both are written for one sample, same log time).
 * A message that does not decode is skipped (counted by the caller), never thrown.
 */
import type { AnalogSample, BodyPose, EventSample, GazeSample, PosesSample, Sample, VideoSample } from '../hub/source';
import { unpackF32 } from './compact-numbers';
import { decodeJsonMessage, type ScannedMessage } from './mcap-reader';

/** What a recorded device stream says about itself (from its topic and its status messages). */
export interface RecordedDevice {
  id: string;
  kind: string;
  label: string;
}

export type Decoded =
  | { type: 'sample'; deviceId: string; sample: Sample }
  | { type: 'catalog'; deviceId: string; bodies: { id: number; name: string }[] }
  | { type: 'device'; device: RecordedDevice }
  | { type: 'skip' }
  | { type: 'bad' };

/** The device id in a /ID/stream topic. */
export function deviceOfTopic(topic: string): string | undefined {
  const match = /^\/([^/]+)\/[^/]+$/.exec(topic);
  return match?.[1];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function numbers(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

function times(
  json: Record<string, unknown>,
  message: ScannedMessage,
): Pick<Sample, 'hostTimeNs' | 'deviceTimeNs' | 'deviceClockNs'> {
  const out: Pick<Sample, 'hostTimeNs' | 'deviceTimeNs' | 'deviceClockNs'> = {
    hostTimeNs: num(json.host_time_ns) ?? Number(message.logTimeNs),
  };
  const device = num(json.device_time_ns);
  if (device !== undefined) out.deviceTimeNs = device;
  const clock = num(json.device_clock_ns);
  if (clock !== undefined) out.deviceClockNs = clock;
  return out;
}

function decodePoses(json: Record<string, unknown>, message: ScannedMessage): PosesSample | undefined {
  const ids = numbers(json.ids);
  const positions = numbers(json.positions);
  const rotations = numbers(json.rotations);
  const valid = Array.isArray(json.valid) ? (json.valid as unknown[]) : undefined;
  if (!ids || !positions || !rotations || !valid) return undefined;
  if (positions.length !== ids.length * 3 || rotations.length !== ids.length * 4 || valid.length !== ids.length) {
    return undefined;
  }
  const bodies: BodyPose[] = ids.map((id, i) => ({
    id,
    x: positions[i * 3]!,
    y: positions[i * 3 + 1]!,
    z: positions[i * 3 + 2]!,
    qx: rotations[i * 4]!,
    qy: rotations[i * 4 + 1]!,
    qz: rotations[i * 4 + 2]!,
    qw: rotations[i * 4 + 3]!,
    valid: valid[i] === true,
  }));
  const sample: PosesSample = { kind: 'poses', ...times(json, message), bodies };
  const frame = num(json.frame_number);
  if (frame !== undefined) sample.frameNumber = frame;
  // markers: protobuf float array; markers_f32: base64 float32 in recordings made before protobuf.
  const markers = numbers(json.markers) ? Float32Array.from(json.markers as number[]) : unpackF32(json.markers_f32);
  if (markers.length > 0) sample.markers = markers;
  if (typeof json.recording === 'boolean') sample.recording = json.recording;
  return sample;
}

function decodeGaze(json: Record<string, unknown>, message: ScannedMessage): GazeSample | undefined {
  const x = num(json.x);
  const y = num(json.y);
  if (x === undefined || y === undefined) return undefined;
  return { kind: 'gaze', ...times(json, message), x, y, worn: json.worn === true };
}

function decodeEvent(json: Record<string, unknown>, message: ScannedMessage): EventSample | undefined {
  if (typeof json.name !== 'string') return undefined;
  const sample: EventSample = { kind: 'event', ...times(json, message), name: json.name };
  const v = json.value;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') sample.value = v;
  const c = json.control as { device?: unknown; kind?: unknown; index?: unknown } | null | undefined;
  if (c && typeof c.device === 'string' && (c.kind === 'button' || c.kind === 'dial') && typeof c.index === 'number') {
    sample.control = { device: c.device, kind: c.kind, index: c.index };
  }
  return sample;
}

function decodeAnalog(json: Record<string, unknown>, message: ScannedMessage): AnalogSample | undefined {
  const channels = numbers(json.channels);
  if (!channels) return undefined;
  const sample: AnalogSample = { kind: 'analog', ...times(json, message), channels };
  if (typeof json.device === 'string') sample.device = json.device;
  return sample;
}

/** Decodes messages one by one; keeps the video bytes until their VideoFrame arrives. */
export class SampleDecoder {
  private readonly videoData = new Map<string, { logTimeNs: bigint; data: Uint8Array }>();
  private readonly videoFrames = new Map<string, { json: Record<string, unknown>; message: ScannedMessage }>();

  decode(message: ScannedMessage): Decoded {
    const deviceId = deviceOfTopic(message.channel.topic);
    if (!deviceId) return { type: 'skip' };
    const schema = message.channel.schemaName;
    if (schema === 'foxglove.CompressedVideo') {
      const json = decodeJsonMessage(message);
      // Raw bytes (protobuf), or base64 in recordings made before protobuf.
      const data =
        json?.data instanceof Uint8Array
          ? new Uint8Array(json.data)
          : typeof json?.data === 'string'
            ? new Uint8Array(Buffer.from(json.data, 'base64'))
            : undefined;
      if (!data) return { type: 'bad' };
      // Its VideoFrame has the same log time; an index may hand either of the two over first.
      const frame = this.videoFrames.get(deviceId);
      if (frame && frame.message.logTimeNs === message.logTimeNs) {
        this.videoFrames.delete(deviceId);
        const sample = videoSample(frame.json, frame.message, data);
        return sample ? { type: 'sample', deviceId, sample } : { type: 'bad' };
      }
      this.videoData.set(deviceId, { logTimeNs: message.logTimeNs, data });
      return { type: 'skip' };
    }
    if (!schema.startsWith('sightline.')) return { type: 'skip' };
    const json = decodeJsonMessage(message);
    if (!json) return { type: 'bad' };
    let sample: Sample | undefined;
    switch (schema) {
      case 'sightline.Poses':
        sample = decodePoses(json, message);
        break;
      case 'sightline.Gaze':
        sample = decodeGaze(json, message);
        break;
      case 'sightline.Event':
        sample = decodeEvent(json, message);
        break;
      case 'sightline.Analog':
        sample = decodeAnalog(json, message);
        break;
      case 'sightline.VideoFrame': {
        const data = this.videoData.get(deviceId);
        if (!data || data.logTimeNs !== message.logTimeNs) {
          this.videoFrames.set(deviceId, { json, message });
          return { type: 'skip' };
        }
        this.videoData.delete(deviceId);
        sample = videoSample(json, message, data.data);
        break;
      }
      case 'sightline.Catalog': {
        const bodies = Array.isArray(json.bodies)
          ? (json.bodies as { id?: unknown; name?: unknown }[])
              .filter((b) => typeof b.id === 'number' && typeof b.name === 'string')
              .map((b) => ({ id: b.id as number, name: b.name as string }))
          : [];
        return { type: 'catalog', deviceId, bodies };
      }
      case 'sightline.DeviceStatus':
        return typeof json.kind === 'string'
          ? {
              type: 'device',
              device: { id: deviceId, kind: json.kind, label: typeof json.label === 'string' ? json.label : deviceId },
            }
          : { type: 'skip' };
      default:
        return { type: 'skip' };
    }
    return sample ? { type: 'sample', deviceId, sample } : { type: 'bad' };
  }
}

function videoSample(
  json: Record<string, unknown>,
  message: ScannedMessage,
  data: Uint8Array,
): VideoSample | undefined {
  const pts = num(json.pts_us);
  if (pts === undefined) return undefined;
  const sample: VideoSample = { kind: 'video', ...times(json, message), key: json.key === true, ptsUs: pts, data };
  const width = num(json.width);
  const height = num(json.height);
  if (width !== undefined) sample.width = width;
  if (height !== undefined) sample.height = height;
  if (typeof json.codec === 'string') sample.codec = json.codec;
  return sample;
}
