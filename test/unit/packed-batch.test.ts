import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import {
  BATCH_HEADER_LENGTH,
  BatchFormatError,
  binaryMessageKind,
  GAZE_STRIDE,
  packBatch,
  packVideoAccessUnit,
  unpackBatch,
  unpackVideoAccessUnit,
  VIDEO_HEADER_LENGTH,
} from '../../preload/api';
import { validateRpc } from '../../preload/api-schemas';

const body = (id: number) => ({ id, x: id, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1, valid: id % 2 === 0 });

test('a packed batch survives structured clone and unpacks to the same values', () => {
  const packed = packBatch(7, 1234.5, [
    {
      handle: 3,
      frameNumber: 99,
      hostTimeMs: 1000.25,
      recording: true,
      samples: 4,
      bodies: [body(1), body(2)],
      markers: [1, 2, 3, 4, 5, 6],
    },
    { handle: 4, hostTimeMs: 1001, samples: 1, bodies: [] },
  ]);
  const cloned = deserialize(serialize(packed)) as Float64Array;
  const batch = unpackBatch(cloned);
  assert.equal(batch.seq, 7);
  assert.equal(batch.sentAtMs, 1234.5);
  assert.equal(batch.poses.length, 2);
  const [a, b] = batch.poses;
  assert.equal(a!.handle, 3);
  assert.equal(a!.frameNumber, 99);
  assert.equal(a!.recording, true);
  assert.deepEqual(a!.bodies, [body(1), body(2)]);
  assert.deepEqual(Array.from(a!.markers), [1, 2, 3, 4, 5, 6]);
  assert.equal(b!.frameNumber, null);
  assert.equal(b!.recording, null);
  assert.equal(b!.deviceTimeMs, null);
});

test('unpackBatch rejects hostile counts and lengths before allocating', () => {
  const packed = packBatch(1, 0, [{ handle: 1, hostTimeMs: 0, samples: 1, bodies: [body(1)] }]);
  const hostile = packed.slice();
  hostile[4 + 7] = 2 ** 31; // body count
  assert.throws(() => unpackBatch(hostile), BatchFormatError);
  const wrongLength = packed.slice();
  wrongLength[4 + 2] = 1e9;
  assert.throws(() => unpackBatch(wrongLength), BatchFormatError);
  assert.throws(() => unpackBatch(new Float64Array([1, 2, 3])), BatchFormatError);
});

test('validateRpc accepts known calls and rejects unknown methods, extra keys and commas in take names', () => {
  assert.equal(validateRpc('startRecording', { deviceId: 'motive', takeName: 'take_1' }).ok, true);
  assert.equal(validateRpc('rm -rf', {}).ok, false);
  assert.equal(validateRpc('__proto__', {}).ok, false);
  assert.equal(validateRpc('stopRecording', { deviceId: 'x', evil: 1 }).ok, false);
  const r = validateRpc('startRecording', { deviceId: 'm', takeName: 'a,b' });
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /commas/);
});

test('gaze sections carry every sample since the last batch, in order, beside poses', () => {
  const samples = Array.from({ length: 4 }, (_, i) => ({
    hostTimeMs: 1000 + i * 5,
    deviceTimeMs: i === 0 ? undefined : 999 + i * 5,
    x: 0.1 * i,
    y: 0.5,
    worn: i !== 2,
  }));
  const packed = packBatch(
    9,
    5,
    [{ handle: 1, hostTimeMs: 1, samples: 1, bodies: [body(3)] }],
    [{ handle: 2, samples }],
  );
  const batch = unpackBatch(deserialize(serialize(packed)) as Float64Array);
  assert.equal(batch.poses.length, 1);
  assert.equal(batch.gaze.length, 1);
  const g = batch.gaze[0]!;
  assert.equal(g.handle, 2);
  assert.equal(g.count, 4);
  const row = (i: number) => Array.from(g.samples.subarray(i * GAZE_STRIDE, (i + 1) * GAZE_STRIDE));
  assert.deepEqual(row(0), [1000, NaN, 0, 0.5, 1]);
  assert.deepEqual(row(2), [1010, 1009, 0.2, 0.5, 0]);
  const hostile = packed.slice();
  const gazeAt = BATCH_HEADER_LENGTH + 10 + 9; // after the poses section with one body
  hostile[gazeAt + 3] = 1e6;
  assert.throws(() => unpackBatch(hostile), BatchFormatError);
});

test('a video access unit message round-trips, is told apart from a batch, and hostile sizes are refused', () => {
  const data = new Uint8Array([0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x65, 0x88]);
  const message = packVideoAccessUnit({
    handle: 5,
    key: true,
    ptsUs: 33_333,
    hostTimeMs: 1.7e12,
    deviceTimeMs: null,
    width: 1088,
    height: 1080,
    data,
  });
  assert.equal(message.byteOffset, 0);
  assert.equal(message.buffer.byteLength, message.byteLength, 'owns its buffer whole');
  const buffer = message.buffer as ArrayBuffer;
  assert.equal(binaryMessageKind(buffer), 'video');
  assert.equal(binaryMessageKind(packBatch(1, 0, []).buffer as ArrayBuffer), 'batch');
  assert.equal(binaryMessageKind(new ArrayBuffer(4)), 'unknown');
  const au = unpackVideoAccessUnit(buffer);
  assert.equal(au.handle, 5);
  assert.equal(au.key, true);
  assert.equal(au.ptsUs, 33_333);
  assert.equal(au.deviceTimeMs, null);
  assert.equal(au.width, 1088);
  assert.deepEqual(Array.from(au.data), Array.from(data));
  assert.throws(() => unpackVideoAccessUnit(buffer.slice(0, VIDEO_HEADER_LENGTH * 8)), BatchFormatError);
  const badWidth = buffer.slice(0);
  new Float64Array(badWidth, 0, VIDEO_HEADER_LENGTH)[6] = -1;
  assert.throws(() => unpackVideoAccessUnit(badWidth), BatchFormatError);
  assert.throws(() => unpackVideoAccessUnit(packBatch(1, 0, []).buffer as ArrayBuffer), BatchFormatError);
});
