/**
 * The scene's details (mean error, marker counts, marker flags) through the link worker's shared
 * pose buffer and into the pose store, as the headless page gets them; growth keeps them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarkerFlags, packBatch, unpackBatch, type BodyPose } from '../../preload/api';
import { poseStore } from '../../renderer/src/stores/pose-store';
import { SharedPoseReader, SharedPoseWriter, createPoseSlotCopy } from '../../renderer/src/stores/shared-poses';

const body = (id: number, extra: Partial<BodyPose> = {}): BodyPose => ({
  id,
  x: id,
  y: 1,
  z: 0,
  qx: 0,
  qy: 0,
  qz: 0,
  qw: 1,
  valid: true,
  ...extra,
});

function section(handle: number, bodies: BodyPose[], markerCount: number, flags: boolean) {
  const markers = Array.from({ length: markerCount * 3 }, (_, i) => i);
  const markerFlags = Array.from({ length: markerCount }, (_, i) => (i % 2 ? MarkerFlags.Unlabeled : 0));
  const [poses] = unpackBatch(
    packBatch(1, 0, [{ handle, hostTimeMs: 0, samples: 1, bodies, markers, ...(flags ? { markerFlags } : {}) }]),
  ).poses;
  return poses!;
}

test('details and marker flags cross the shared buffer, also after it grows', () => {
  const writer = new SharedPoseWriter({ allocate: (n) => new ArrayBuffer(n), capacity: { bodies: 2, markers: 4 } });
  writer.write(section(5, [body(1, { meanError: 0.0005, markerCount: 3 }), body(2)], 3, true), 0);
  let reader = new SharedPoseReader(writer.buffer);
  const copy = createPoseSlotCopy();
  assert.equal(reader.read(0, copy), 'ok');
  assert.equal(copy.flagsKnown, true);
  assert.deepEqual(Array.from(copy.markerFlags.subarray(0, 3)), [0, MarkerFlags.Unlabeled, 0]);
  assert.deepEqual(Array.from(copy.details.subarray(0, 4)), [0.0005, 3, NaN, NaN]);

  // A second device that needs more room: the first one's details are carried over.
  const grown = writer.write(section(6, [body(1), body(2), body(3)], 9, false), 0);
  assert.equal(grown.status === 'stored' && grown.reallocated, true);
  reader = new SharedPoseReader(writer.buffer);
  assert.equal(reader.read(0, copy), 'ok');
  assert.deepEqual(Array.from(copy.details.subarray(0, 2)), [0.0005, 3]);
  assert.deepEqual(Array.from(copy.markerFlags.subarray(0, 3)), [0, MarkerFlags.Unlabeled, 0]);
  assert.equal(reader.read(1, copy), 'ok');
  assert.equal(copy.flagsKnown, false);

  poseStore.ingestCopy(copy, 0);
  const device = poseStore.devices.get(6)!;
  assert.equal(device.flagsKnown, false);
  assert.ok(Number.isNaN(device.bodies[0]!.meanError));
});

test('the main-thread path stores the same details in the pose store', () => {
  poseStore.ingest(section(7, [body(4, { meanError: 0.001, markerCount: 5 })], 2, true), 0);
  const device = poseStore.devices.get(7)!;
  assert.equal(device.byId.get(4)!.meanError, 0.001);
  assert.equal(device.byId.get(4)!.markerCount, 5);
  assert.equal(device.flagsKnown, true);
  assert.deepEqual(Array.from(device.markerFlags.subarray(0, 2)), [0, MarkerFlags.Unlabeled]);
  // A later section without flags turns them off again.
  poseStore.ingest(section(7, [body(4)], 2, false), 0);
  assert.equal(device.flagsKnown, false);
  assert.ok(Number.isNaN(device.byId.get(4)!.markerCount));
});
