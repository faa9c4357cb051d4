import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceRef } from '../../main/hub/hub';
import type { PosesSample } from '../../main/hub/source';
import type { FrameOfData } from '../../main/protocols/natnet/types';
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
