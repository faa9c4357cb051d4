/**
 * Protobuf message schemas for the high-rate channels (poses, transforms, video, NatNet frames).
 *
 * Each schema is stored in the recording as a binary FileDescriptorSet (MCAP's "protobuf" schema
 * encoding), which Foxglove, Lichtblick and any protobuf runtime decode without our code. The
 * foxglove.* messages come from @foxglove/schemas' own .proto generator, so their names and fields
 * are exactly Foxglove's; ours are written below (and in a protocol's folder for its raw frame).
 * Built lazily: the parse costs a few ms and only the process that writes or reads pays it.
 */
import { foxgloveMessageSchemas, generateProto } from '@foxglove/schemas/internal';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { encodePoses, type PosesMessage } from './poses-encoder';

export interface ProtoSchemaSpec {
  name: string;
  encoding: 'protobuf';
  /** The FileDescriptorSet (with every dependency) stored as the MCAP schema's data. */
  data(): Uint8Array;
  encode(message: object): Uint8Array;
}

/** google.protobuf.Timestamp, as Foxglove's .proto files import it (a well-known type). */
const TIMESTAMP_PROTO = `syntax = "proto3";
package google.protobuf;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`;

interface DescriptorFile {
  name: string;
  dependency: string[];
  messageType: { name: string; field: { typeName?: string }[] }[];
  package?: string;
}

/** A protobuf schema from .proto sources: `files` maps a file name to its text. */
export function protoSchema(name: string, files: Record<string, string>): ProtoSchemaSpec {
  let built: { data: Uint8Array; type: protobuf.Type } | undefined;
  const build = (): { data: Uint8Array; type: protobuf.Type } => {
    if (built) return built;
    const root = new protobuf.Root();
    // protobufjs writes one descriptor file per package: the file names given here only document.
    for (const text of Object.values(files)) protobuf.parse(text, root, { keepCase: true });
    root.resolveAll();
    const set = (root as unknown as { toDescriptor(syntax: string): { file: DescriptorFile[] } }).toDescriptor(
      'proto3',
    );
    qualify(set.file);
    const data = (descriptor as unknown as DescriptorCodec).FileDescriptorSet.encode(set).finish();
    built = { data, type: root.lookupType(name) };
    return built;
  };
  return {
    name,
    encoding: 'protobuf',
    data: () => build().data,
    encode: (message) => {
      const { type } = build();
      return type.encode(message).finish();
    },
  };
}

interface DescriptorCodec {
  FileDescriptorSet: { encode(set: unknown): { finish(): Uint8Array } };
}

/**
 * toDescriptor() leaves `dependency` empty and field type names relative; strict runtimes (Python's
 * descriptor pool) want fully qualified names and each file's imports: fill both in.
 */
function qualify(files: DescriptorFile[]): void {
  const fileOfType = new Map<string, string>();
  for (const f of files) {
    for (const m of f.messageType) fileOfType.set(`${f.package ? `${f.package}.` : ''}${m.name}`, f.name);
  }
  for (const f of files) {
    const deps = new Set<string>();
    for (const m of f.messageType) {
      for (const field of m.field) {
        if (!field.typeName || field.typeName.startsWith('.')) continue;
        const local = `${f.package ? `${f.package}.` : ''}${field.typeName}`;
        const full = fileOfType.has(local) ? local : field.typeName;
        const from = fileOfType.get(full);
        if (!from) continue;
        field.typeName = `.${full}`;
        if (from !== f.name) deps.add(from);
      }
    }
    f.dependency = [...deps];
  }
}

function foxgloveFiles(...names: (keyof typeof foxgloveMessageSchemas)[]): Record<string, string> {
  const files: Record<string, string> = { 'google/protobuf/timestamp.proto': TIMESTAMP_PROTO };
  for (const n of names) files[`foxglove/${n}.proto`] = generateProto(foxgloveMessageSchemas[n], []);
  return files;
}

export const FOXGLOVE_FRAME_TRANSFORMS_PROTO = protoSchema(
  'foxglove.FrameTransforms',
  foxgloveFiles('FrameTransforms', 'FrameTransform', 'Vector3', 'Quaternion'),
);

export const FOXGLOVE_COMPRESSED_VIDEO_PROTO = protoSchema(
  'foxglove.CompressedVideo',
  foxgloveFiles('CompressedVideo'),
);

/** sightline.Poses as protobufjs builds it from the .proto (tests compare the hand encoder with it). */
export const SIGHTLINE_POSES_REFERENCE = protoSchema('sightline.Poses', {
  'sightline/Poses.proto': `syntax = "proto3";
package sightline;

// Rigid bodies of one device frame, flat arrays: metres and unit quaternions as float32 (the
// resolution NatNet sends; about 1 um at 10 m). Host Unix ns; device time through its clock model.
message Poses {
  int64 host_time_ns = 1;
  optional int64 device_time_ns = 2;
  optional int64 device_clock_ns = 3;
  optional int64 frame_number = 4;
  repeated sint32 ids = 5;
  repeated bool valid = 6;
  // x,y,z per body
  repeated float positions = 7;
  // qx,qy,qz,qw per body
  repeated float rotations = 8;
  // x,y,z per marker
  repeated float markers = 9;
  optional bool recording = 10;
}
`,
});

/** The busiest channel's messages, encoded by hand (poses-encoder.ts); the schema stored is the same. */
export const SIGHTLINE_POSES_PROTO: ProtoSchemaSpec = {
  ...SIGHTLINE_POSES_REFERENCE,
  encode: (message) => encodePoses(message as PosesMessage),
};

/** Foxglove's protobuf Time (google.protobuf.Timestamp) from Unix ns. */
export function toTimestamp(ns: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ns / 1e9);
  const nanos = Math.min(999_999_999, Math.max(0, Math.round(ns - seconds * 1e9)));
  return { seconds, nanos };
}
