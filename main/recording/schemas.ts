/**
 * The message schemas a recording uses. Two encodings, chosen per channel by its rate:
 *
 * - protobuf (proto-schemas.ts) for the channels that carry nearly all the bytes: poses, transforms,
 *   scene video, NatNet frames. Binary floats and raw H.264 bytes, no text or base64; Foxglove and
 *   Lichtblick decode them from the descriptor stored in the file.
 * - JSON with `jsonschema` schemas for the small, low-rate channels (gaze, events, status, clock,
 *   catalog, operator events): readable with any tool, no descriptor needed.
 *
 * The foxglove.* schemas are what makes Foxglove's 3D and Image panels show poses and the scene
 * video with gaze drawn on it; every `sightline.*` schema below is ours and keeps what those lose
 * (validity flags, device clock readings, frame numbers), which is what playback reads.
 */
import { ImageAnnotations } from '@foxglove/schemas/jsonschema';
import {
  FOXGLOVE_COMPRESSED_VIDEO_PROTO,
  FOXGLOVE_FRAME_TRANSFORMS_PROTO,
  SIGHTLINE_POSES_PROTO,
  type ProtoSchemaSpec,
} from './proto-schemas';

export interface JsonSchemaSpec {
  name: string;
  encoding?: 'json';
  /** A JSON Schema object. */
  definition: object;
}

/** What a mapping names when it writes a message: the schema decides the message encoding. */
export type SchemaSpec = JsonSchemaSpec | ProtoSchemaSpec;

const foxglove = (definition: { title: string }): JsonSchemaSpec => ({ name: definition.title, definition });

export const FOXGLOVE_FRAME_TRANSFORMS = FOXGLOVE_FRAME_TRANSFORMS_PROTO;
export const FOXGLOVE_COMPRESSED_VIDEO = FOXGLOVE_COMPRESSED_VIDEO_PROTO;
export const FOXGLOVE_IMAGE_ANNOTATIONS = foxglove(ImageAnnotations);

const nullableNumber = { type: ['number', 'null'] };

/** Every sightline.* sample message starts with these: host receive time and the device's own time. */
const timeFields = {
  host_time_ns: { type: 'number', description: 'Host Unix ns when the sample arrived (also the log time)' },
  device_time_ns: {
    ...nullableNumber,
    description: "Device time converted to host Unix ns through the device's clock model (also the publish time)",
  },
  device_clock_ns: {
    ...nullableNumber,
    description: "The device's own clock reading for this sample, ns on its own epoch, before conversion",
  },
};

/** One of our object schemas: every message has host_time_ns. */
export function objectSchema(
  name: string,
  description: string,
  properties: Record<string, object>,
  required: string[] = [],
): JsonSchemaSpec {
  return {
    name,
    definition: {
      title: name,
      description,
      type: 'object',
      properties: { host_time_ns: { type: 'number' }, ...properties },
      required: ['host_time_ns', ...required],
    },
  };
}

/** A sample's schema: host time, device time and raw device clock, then its own fields. */
function ours(
  name: string,
  description: string,
  properties: Record<string, object>,
  required: string[],
): JsonSchemaSpec {
  return objectSchema(name, description, { ...timeFields, ...properties }, required);
}

export const SIGHTLINE_POSES = SIGHTLINE_POSES_PROTO;

export const SIGHTLINE_GAZE = ours(
  'sightline.Gaze',
  'Gaze point, normalised scene-camera coordinates (0..1 from the top-left)',
  { x: { type: 'number' }, y: { type: 'number' }, worn: { type: 'boolean' } },
  ['x', 'y', 'worn'],
);

export const SIGHTLINE_VIDEO_FRAME = ours(
  'sightline.VideoFrame',
  'What foxglove.CompressedVideo does not carry about each access unit',
  {
    key: { type: 'boolean' },
    pts_us: { type: 'number', description: 'Presentation time, µs on the device clock' },
    width: nullableNumber,
    height: nullableNumber,
    codec: { type: ['string', 'null'] },
    bytes: { type: 'integer' },
  },
  ['key', 'pts_us'],
);

export const SIGHTLINE_EVENT = ours(
  'sightline.Event',
  'A device event (VRPN button, Pupil/Teleport event)',
  {
    name: { type: 'string' },
    value: { type: ['number', 'string', 'boolean', 'null'] },
    control: {
      type: ['object', 'null'],
      description: 'The input control it comes from (VRPN button or dial)',
      properties: { device: { type: 'string' }, kind: { type: 'string' }, index: { type: 'integer' } },
    },
  },
  ['name'],
);

export const SIGHTLINE_ANALOG = ours(
  'sightline.Analog',
  'Analog channel values (VRPN analogs)',
  {
    channels: { type: 'array', items: { type: 'number' } },
    device: { type: ['string', 'null'], description: "The analog device's name, when a source has several" },
  },
  ['channels'],
);

export const SIGHTLINE_CATALOG = objectSchema(
  'sightline.Catalog',
  'What the device calls its bodies (NatNet model definitions, VRPN sensors, Teleport nodes)',
  {
    bodies: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
    },
  },
  ['bodies'],
);

export const SIGHTLINE_DEVICE_STATUS = objectSchema(
  'sightline.DeviceStatus',
  'A device connection state change, as the Hub reports it',
  {
    kind: { type: 'string', description: 'natnet, pupil, vrpn, teleport' },
    label: { type: 'string' },
    state: { type: 'string' },
    peer: { type: ['string', 'null'] },
    last_error: { type: ['string', 'null'] },
    recording: { type: ['boolean', 'null'] },
    samples: { type: 'number' },
    dropped: { type: 'number' },
    malformed: { type: 'number' },
  },
  ['state'],
);

export const SIGHTLINE_CLOCK = objectSchema(
  'sightline.ClockModel',
  "A device's clock model: host Unix ns = device ns + offset (at the model's reference), drift in ppm",
  {
    offset_ns: { type: 'number' },
    uncertainty_ns: { type: 'number' },
    drift_ppm: { type: 'number' },
    round_trips: { type: 'number' },
  },
  ['offset_ns', 'uncertainty_ns', 'drift_ppm'],
);

export const SIGHTLINE_OPERATOR_EVENT = objectSchema(
  'sightline.OperatorEvent',
  'An event the operator sent (text field or hotkey), and which devices took it',
  {
    text: { type: 'string' },
    source: { type: 'string', description: 'text field, hotkey, cli' },
    devices: { type: 'object', additionalProperties: { type: 'string' } },
  },
  ['text'],
);

export const SIGHTLINE_REMOTE_RECORDING = objectSchema(
  'sightline.RemoteRecording',
  "A device's answer to starting or stopping its own recording",
  {
    device_id: { type: 'string' },
    action: { type: 'string', enum: ['start', 'stop'] },
    outcome: { type: 'string', enum: ['started', 'stopped', 'refused', 'timed out'] },
    take_name: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'] },
    elapsed_ms: { type: 'number' },
  },
  ['device_id', 'action', 'outcome'],
);

/** Foxglove's Time: whole seconds and nanoseconds since the Unix epoch. */
export function toTime(ns: number): { sec: number; nsec: number } {
  const sec = Math.floor(ns / 1e9);
  const nsec = Math.min(999_999_999, Math.max(0, Math.round(ns - sec * 1e9)));
  return { sec, nsec };
}
