import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceRef } from '../../main/hub/hub';
import type { PosesSample } from '../../main/hub/source';
import type { FrameOfData } from '../../main/protocols/natnet/types';
import { NATNET_FRAME_SCHEMA, natnetRawHandOff, natnetRawMapping } from '../../main/protocols/natnet/recording-raw';
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
