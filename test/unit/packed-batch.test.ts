import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { BatchFormatError, packBatch, unpackBatch, validateRpc } from '../../preload/api';

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
