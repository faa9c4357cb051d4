/**
 * Sample → MCAP messages, one mapping per Sample kind (the Source contract), so that any device
 * kind that emits the contract's samples is recorded without recorder changes:
 *
 *   poses  → /ID/poses  sightline.Poses (lossless: validity, frame number, markers)
 *            /ID/tf     foxglove.FrameTransforms (Foxglove/Lichtblick 3D panel)
 *   gaze   → /ID/gaze   sightline.Gaze
 *            /ID/gaze_annotations  foxglove.ImageAnnotations (drawn on the scene video, same timeline)
 *   video  → /ID/video  foxglove.CompressedVideo (h264, Annex B, one access unit per message)
 *            /ID/video_frames  sightline.VideoFrame (key flag, device pts, size)
 *   event  → /ID/events sightline.Event
 *   analog → /ID/analog sightline.Analog
 *
 * A protocol's own decoded message (`sample.raw`) is added by its raw mapping (its descriptor's recording.raw, main/protocols/<kind>/index.ts).
 */
import type { DeviceRef } from '../hub/hub';
import { fine } from './compact-numbers';
import { toTimestamp } from './proto-schemas';
import type { AnalogSample, EventSample, GazeSample, PosesSample, Sample, VideoSample } from '../hub/source';
import {
  FOXGLOVE_COMPRESSED_VIDEO,
  FOXGLOVE_FRAME_TRANSFORMS,
  FOXGLOVE_IMAGE_ANNOTATIONS,
  SIGHTLINE_ANALOG,
  SIGHTLINE_EVENT,
  SIGHTLINE_GAZE,
  SIGHTLINE_POSES,
  SIGHTLINE_VIDEO_FRAME,
  toTime,
  type SchemaSpec,
} from './schemas';

/**
 * Where mappings put messages; log and publish times come from the sample. The message is a plain
 * object with the schema's field names (snake_case); the schema's encoding decides how it is written.
 */
export interface MessageOut {
  write(topic: string, schema: SchemaSpec, message: object): void;
}

/** What mappings need to know beyond the sample itself. */
export interface MappingContext {
  /** The device's name for a body (its catalog), or a stable fallback. */
  bodyName(device: DeviceRef, bodyId: number): string;
  /**
   * Whether this poses sample also goes to the Foxglove 3D channel (/ID/tf). That channel is a view:
   * it is thinned to a display rate, while /ID/poses keeps every sample.
   */
  showFrame(device: DeviceRef, sample: PosesSample): boolean;
  /** The newest scene-video size of the device, to place gaze in pixels. */
  videoSize(device: DeviceRef): { width: number; height: number };
}

/** When a gaze sample comes before any video told its size: Pupil Neon's scene camera. */
export const DEFAULT_SCENE_SIZE = { width: 1600, height: 1200 };

/** The frame poses are expressed in (Foxglove's fixed frame for the 3D panel). */
export const WORLD_FRAME = 'world';

export function topicOf(device: DeviceRef, stream: string): string {
  return `/${device.id}/${stream}`;
}

function times(sample: Sample): {
  host_time_ns: number;
  device_time_ns: number | null;
  device_clock_ns: number | null;
} {
  return {
    host_time_ns: sample.hostTimeNs,
    device_time_ns: sample.deviceTimeNs ?? null,
    device_clock_ns: sample.deviceClockNs ?? null,
  };
}

/** The instant the sample describes, on the host time line: device time when known, else arrival. */
export function sampleInstantNs(sample: Sample): number {
  return sample.deviceTimeNs ?? sample.hostTimeNs;
}

function mapPoses(device: DeviceRef, sample: PosesSample, out: MessageOut, context: MappingContext): void {
  const n = sample.bodies.length;
  const ids = new Int32Array(n);
  const valid = new Array<boolean>(n);
  // float32: the resolution the trackers send (NatNet) or resolve (about 1 µm at 10 m).
  const positions = new Float32Array(n * 3);
  const rotations = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const b = sample.bodies[i]!;
    ids[i] = b.id;
    valid[i] = b.valid;
    positions[i * 3] = b.x;
    positions[i * 3 + 1] = b.y;
    positions[i * 3 + 2] = b.z;
    rotations[i * 4] = b.qx;
    rotations[i * 4 + 1] = b.qy;
    rotations[i * 4 + 2] = b.qz;
    rotations[i * 4 + 3] = b.qw;
  }
  const message: Record<string, unknown> = {
    host_time_ns: sample.hostTimeNs,
    ids,
    valid,
    positions,
    rotations,
    markers: sample.markers ?? [],
  };
  if (sample.deviceTimeNs !== undefined) message.device_time_ns = sample.deviceTimeNs;
  if (sample.deviceClockNs !== undefined) message.device_clock_ns = sample.deviceClockNs;
  if (sample.frameNumber !== undefined) message.frame_number = sample.frameNumber;
  if (sample.recording !== undefined) message.recording = sample.recording;
  out.write(topicOf(device, 'poses'), SIGHTLINE_POSES, message);
  if (!context.showFrame(device, sample)) return;
  const timestamp = toTimestamp(sampleInstantNs(sample));
  const transforms: object[] = [];
  for (let i = 0; i < n; i++) {
    // An untracked body has no pose to show; Foxglove keeps drawing its last one.
    if (!valid[i]) continue;
    const b = sample.bodies[i]!;
    transforms.push({
      timestamp,
      parent_frame_id: WORLD_FRAME,
      child_frame_id: `${device.id}/${context.bodyName(device, b.id)}`,
      translation: { x: positions[i * 3], y: positions[i * 3 + 1], z: positions[i * 3 + 2] },
      rotation: { x: rotations[i * 4], y: rotations[i * 4 + 1], z: rotations[i * 4 + 2], w: rotations[i * 4 + 3] },
    });
  }
  if (transforms.length > 0) out.write(topicOf(device, 'tf'), FOXGLOVE_FRAME_TRANSFORMS, { transforms });
}

const GAZE_RED = { r: 1, g: 0.2, b: 0.2, a: 0.9 };
const TRANSPARENT = { r: 0, g: 0, b: 0, a: 0 };

function mapGaze(device: DeviceRef, sample: GazeSample, out: MessageOut, context: MappingContext): void {
  out.write(topicOf(device, 'gaze'), SIGHTLINE_GAZE, {
    ...times(sample),
    x: fine(sample.x),
    y: fine(sample.y),
    worn: sample.worn,
  });
  const size = context.videoSize(device);
  const timestamp = toTime(sampleInstantNs(sample));
  out.write(topicOf(device, 'gaze_annotations'), FOXGLOVE_IMAGE_ANNOTATIONS, {
    circles: sample.worn
      ? [
          {
            timestamp,
            position: { x: sample.x * size.width, y: sample.y * size.height },
            diameter: 40,
            thickness: 4,
            fill_color: TRANSPARENT,
            outline_color: GAZE_RED,
          },
        ]
      : [],
    points: [],
    texts: [],
  });
}

function mapVideo(device: DeviceRef, sample: VideoSample, out: MessageOut): void {
  out.write(topicOf(device, 'video'), FOXGLOVE_COMPRESSED_VIDEO, {
    timestamp: toTimestamp(sampleInstantNs(sample)),
    frame_id: `${device.id}/scene_camera`,
    data: sample.data,
    format: sample.codec === 'h265' ? 'h265' : 'h264',
  });
  out.write(topicOf(device, 'video_frames'), SIGHTLINE_VIDEO_FRAME, {
    ...times(sample),
    key: sample.key,
    pts_us: sample.ptsUs,
    width: sample.width ?? null,
    height: sample.height ?? null,
    codec: sample.codec ?? null,
    bytes: sample.data.byteLength,
  });
}

function mapEvent(device: DeviceRef, sample: EventSample, out: MessageOut): void {
  out.write(topicOf(device, 'events'), SIGHTLINE_EVENT, {
    ...times(sample),
    name: sample.name,
    value: sample.value ?? null,
    control: sample.control ?? null,
  });
}

function mapAnalog(device: DeviceRef, sample: AnalogSample, out: MessageOut): void {
  out.write(topicOf(device, 'analog'), SIGHTLINE_ANALOG, {
    ...times(sample),
    channels: sample.channels,
    device: sample.device ?? null,
  });
}

/** Maps one sample of any kind. */
export function mapSample(device: DeviceRef, sample: Sample, out: MessageOut, context: MappingContext): void {
  switch (sample.kind) {
    case 'poses':
      return mapPoses(device, sample, out, context);
    case 'gaze':
      return mapGaze(device, sample, out, context);
    case 'video':
      return mapVideo(device, sample, out);
    case 'event':
      return mapEvent(device, sample, out);
    case 'analog':
      return mapAnalog(device, sample, out);
  }
}
