import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { DeviceRef } from '../../main/hub/hub';
import type { PosesSample } from '../../main/hub/source';
import { decodeMessage, encodeMessage } from '../../main/protocols/natnet/codec';
import type { FrameOfData, Version4 } from '../../main/protocols/natnet/types';
import { NATNET_FRAME_SCHEMA, natnetRawHandOff, natnetRawMapping } from '../../main/protocols/natnet/recording-raw';
import { SamplePacker, unpackSamples } from '../../main/recording/handoff-codec';
import type { SchemaSpec } from '../../main/recording/schemas';

const device: DeviceRef = { id: 'm', handle: 1, kind: 'natnet', label: 'Motive', simulated: true };

function frame(): FrameOfData {
  return {
    frameNumber: 42,
    markerSets: [],
    legacyMarkers: [],
    rigidBodies: [],
    skeletons: [{ id: 3, bones: [{ id: 1, x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1, valid: true } as never] }],
    assets: [],
    labeledMarkers: [
      { id: 0x10002, modelId: 1, markerId: 2, x: 0, y: 0, z: 0, size: 0.014, params: 6, residual: 0.0002 },
      { id: 7, modelId: 0, markerId: 7, x: 0, y: 0, z: 0, size: 0.02 },
    ],
    forcePlates: [{ id: 1, channels: [[0.5, 0.25]] }],
    devices: [],
    timecode: 0x01020304,
    timecodeSubframe: 0,
    timestamp: 12.5,
    cameraMidExposureTicks: 123_456_789,
    params: 1,
  };
}

function encode(raw: unknown): { schema: SchemaSpec; bytes: Uint8Array } {
  let out: { schema: SchemaSpec; bytes: Uint8Array } | undefined;
  const sample: PosesSample = { kind: 'poses', hostTimeNs: 1.7e18, bodies: [], raw };
  natnetRawMapping(device, sample, {
    write: (_topic, schema, message) => {
      out = { schema, bytes: schema.encoding === 'protobuf' ? schema.encode(message) : new Uint8Array() };
    },
  });
  assert.ok(out, 'a natnet_frame message');
  return out;
}

test('a NatNet frame handed to the worker packed encodes to the same bytes as the decoded frame', () => {
  const direct = encode(frame());
  const handed = natnetRawHandOff(frame());
  assert.ok(!('rigidBodies' in (handed as object)), 'the rigid bodies stay behind (the poses carry them)');
  const viaWorker = encode(structuredClone(handed));
  assert.equal(direct.schema.name, NATNET_FRAME_SCHEMA.name);
  assert.deepEqual([...viaWorker.bytes], [...direct.bytes]);
  assert.equal(natnetRawHandOff(handed), handed, 'handing over twice changes nothing');
});

test('through the hand-off batch: a frame without the optional stamps, with skeletons and analog devices, encodes the same', () => {
  const f: FrameOfData = {
    ...frame(),
    timecode: 0xfffffffe,
    skeletons: [
      { id: 1, bones: [] },
      {
        id: 2,
        bones: [
          { id: 0x20001, x: 0.1, y: -0.2, z: 0.3, qx: 0.5, qy: 0.5, qz: 0.5, qw: 0.5, valid: true },
          { id: 0x20002, x: 1e-9, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1, valid: false },
        ],
      },
    ],
    forcePlates: [],
    devices: [
      { id: 9, channels: [[1.5], [], [-2.25, 3.125]] },
      { id: 10, channels: [] },
    ],
  };
  delete f.timestamp;
  delete f.cameraMidExposureTicks;
  delete (f as { params?: number }).params;
  f.transmitTicks = 2 ** 52 + 1;
  const direct = encode(f);
  const packer = new SamplePacker();
  // Another sample first, so the frame's bytes sit at an unaligned offset in the batch.
  packer.add(0, { kind: 'gaze', hostTimeNs: 1, x: 0, y: 0, worn: true });
  packer.add(0, { kind: 'poses', hostTimeNs: 1.7e18, bodies: [] }, natnetRawHandOff(f));
  const batch = packer.take();
  assert.equal(batch.extras.length, 0, 'the frame travels in the buffer, not as a clone');
  let raw: unknown;
  unpackSamples(batch, (_i, s) => {
    if (s.kind === 'poses') raw = s.raw;
  });
  assert.deepEqual([...encode(raw).bytes], [...direct.bytes]);
});

/** protobufjs' reading of the schema as the recorder stores it in the file (the FileDescriptorSet; protobufjs names its fields in camelCase). */
function storedFrameType(): protobuf.Type {
  const set = (
    descriptor as unknown as { FileDescriptorSet: { decode(b: Uint8Array): protobuf.Message } }
  ).FileDescriptorSet.decode(NATNET_FRAME_SCHEMA.data());
  const root = (protobuf.Root as unknown as { fromDescriptor(s: unknown): protobuf.Root }).fromDescriptor(set);
  return root.lookupType(NATNET_FRAME_SCHEMA.name);
}

interface DecodedFrame {
  frameNumber: number;
  rigidBodies?: { ids?: number[]; meanErrors?: number[]; params?: number[] };
  labeledMarkers?: { ids?: number[] };
  skeletons?: { meanErrors?: number[]; params?: number[] }[];
}

function decodeStored(bytes: Uint8Array, type = storedFrameType()): DecodedFrame {
  return type.toObject(type.decode(bytes), { longs: Number }) as DecodedFrame;
}

/** The frame through the packed hand-off batch (at an unaligned offset), as the worker gets it. */
function throughBatch(f: FrameOfData): unknown {
  const packer = new SamplePacker();
  packer.add(0, { kind: 'gaze', hostTimeNs: 1, x: 0, y: 0, worn: true });
  packer.add(0, { kind: 'poses', hostTimeNs: 1.7e18, bodies: [] }, natnetRawHandOff(f));
  let raw: unknown;
  unpackSamples(packer.take(), (_i, s) => {
    if (s.kind === 'poses') raw = s.raw;
  });
  return raw;
}

test("the rigid bodies' and bones' mean error and params go through the hand-off into the message, in the poses' order, float32 like the wire", () => {
  const body = { x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1 };
  const f: FrameOfData = {
    ...frame(),
    rigidBodies: [
      { id: 7, ...body, meanError: Math.fround(0.00025), params: 1, valid: true },
      { id: 3, ...body, meanError: 0, params: 0, valid: false },
      // An i16 with its top bit set is negative as decoded; it must stay so.
      { id: 65536, ...body, meanError: Math.fround(0.0123), params: -32767, valid: true },
    ],
  };
  f.skeletons = [
    {
      id: 2,
      bones: [
        { id: 0x20001, ...body, meanError: Math.fround(0.002), params: 1, valid: true },
        { id: 0x20002, ...body, valid: true },
      ],
    },
  ];
  const direct = encode(f);
  const viaWorker = encode(throughBatch(f));
  assert.deepEqual([...viaWorker.bytes], [...direct.bytes]);
  const decoded = decodeStored(viaWorker.bytes);
  const bones = decoded.skeletons?.[0];
  assert.deepEqual(bones?.meanErrors?.[0], Math.fround(0.002));
  assert.ok(Number.isNaN(bones?.meanErrors?.[1]), 'a bone without a mean error: NaN');
  assert.deepEqual(bones?.params, [1, -1]);
  assert.deepEqual(decoded.rigidBodies, {
    ids: [7, 3, 65536],
    meanErrors: [Math.fround(0.00025), 0, Math.fround(0.0123)],
    params: [1, 0, -32767],
  });
  assert.equal(decoded.frameNumber, 42);
  assert.equal(decoded.labeledMarkers?.ids?.length, 2, 'the other parts are still there');

  // A value that is not a float32 (a hand-made frame) is rounded once, the same way on both paths.
  f.rigidBodies[0]!.meanError = 0.1;
  assert.deepEqual([...encode(throughBatch(f)).bytes], [...encode(f).bytes]);
  assert.equal(decodeStored(encode(f).bytes).rigidBodies?.meanErrors?.[0], Math.fround(0.1));
});

function fixtureFrame(rel: string, bitstream: Version4): FrameOfData {
  const bytes = new Uint8Array(readFileSync(path.join(__dirname, '../fixtures/natnet', rel)));
  const m = decodeMessage(bytes, bitstream);
  assert.equal(m.type, 'frameOfData');
  return m.frame;
}

test('frames from old NatNet versions: NaN mean error before 2.0, params -1 before 2.6', () => {
  // Motive 1.5 streams NatNet 2.5: a mean error per body, no params yet.
  const v25 = fixtureFrame('motive-1.x-natnet-2.x/frame-motive-1.5.0-001.bin', [2, 5, 0, 0]);
  assert.ok(v25.rigidBodies.length > 0, 'the fixture has rigid bodies');
  assert.ok(v25.rigidBodies.every((b) => b.meanError !== undefined && b.params === undefined));
  let decoded = decodeStored(encode(throughBatch(v25)).bytes);
  assert.deepEqual(
    decoded.rigidBodies?.ids,
    v25.rigidBodies.map((b) => b.id),
  );
  assert.deepEqual(
    decoded.rigidBodies?.meanErrors,
    v25.rigidBodies.map((b) => b.meanError),
  );
  assert.deepEqual(
    decoded.rigidBodies?.params,
    v25.rigidBodies.map(() => -1),
  );

  // The same bodies as a NatNet 1.4 server sends them: neither field on the wire.
  const old: Version4 = [1, 4, 0, 0];
  const bytes = encodeMessage({ type: 'frameOfData', frame: { ...v25, skeletons: [], labeledMarkers: [] } }, old);
  const m = decodeMessage(bytes, old);
  assert.equal(m.type, 'frameOfData');
  const v14 = m.frame;
  assert.ok(v14.rigidBodies.every((b) => b.meanError === undefined && b.params === undefined));
  decoded = decodeStored(encode(throughBatch(v14)).bytes);
  assert.deepEqual(
    decoded.rigidBodies?.ids,
    v25.rigidBodies.map((b) => b.id),
  );
  assert.ok(decoded.rigidBodies?.meanErrors?.every(Number.isNaN), 'NaN: no mean error on the wire');
  assert.deepEqual(
    decoded.rigidBodies?.params,
    v14.rigidBodies.map(() => -1),
  );
  assert.deepEqual([...encode(throughBatch(v14)).bytes], [...encode(v14).bytes]);
});

test('a frame without rigid bodies has an empty rigid_bodies part', () => {
  const decoded = decodeStored(encode(throughBatch(frame())).bytes);
  assert.deepEqual(decoded.rigidBodies, {});
});

test("files written before rigid_bodies and the bones' mean errors existed still decode (the fields absent), and their readers skip them", () => {
  const current = storedFrameType();
  // The schema as it was: the same Frame without field 14, its Skeleton without fields 6 and 7.
  const before = storedFrameType();
  before.remove(before.fields.rigidBodies!);
  assert.equal(before.fieldsById[14], undefined);
  const skeletonBefore = before.lookupType('Skeleton');
  skeletonBefore.remove(skeletonBefore.fields.meanErrors!);
  skeletonBefore.remove(skeletonBefore.fields.params!);
  const body = { x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1, meanError: 0.5, params: 1, valid: true };
  const bytes = encode({ ...frame(), rigidBodies: [{ id: 1, ...body }] }).bytes;
  const asBefore = decodeStored(bytes, before);
  assert.equal(asBefore.rigidBodies, undefined);
  assert.equal(asBefore.frameNumber, 42);
  const oldFile = before.encode(before.fromObject(asBefore)).finish();
  const read = decodeStored(oldFile, current);
  assert.equal(read.rigidBodies, undefined, 'absent, not an empty part');
  assert.equal(read.skeletons?.length, 1);
  assert.equal(read.skeletons[0]!.meanErrors, undefined);
  assert.equal(asBefore.skeletons?.[0]?.meanErrors, undefined, 'an old reader skips the new fields');
  assert.deepEqual(read, asBefore);
});
