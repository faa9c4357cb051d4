/**
 * The contract's additions for the 3D scene (preload/api/batch.ts): the POSE DETAILS section (mean error,
 * marker counts, marker flags) and the catalog's bone fields, with hostile sizes; and what the NatNet
 * client makes of a frame and its model definitions (main/protocols/natnet/scene-data.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BATCH_HEADER_LENGTH,
  BatchFormatError,
  BODY_STRIDE,
  CatalogLimits,
  DETAILS_FIXED_LENGTH,
  MarkerFlags,
  POSES_FIXED_LENGTH,
  SectionType,
  packBatch,
  readCatalogEvent,
  unpackBatch,
  type BodyPose,
} from '../../preload/api';
import { bonePoses, catalogFromModels, markerArrays, rigidBodyPoses } from '../../main/protocols/natnet/scene-data';
import type { FrameOfData } from '../../main/protocols/natnet/types';

const body = (id: number, extra: Partial<BodyPose> = {}): BodyPose => ({
  id,
  x: id,
  y: 2,
  z: 3,
  qx: 0,
  qy: 0,
  qz: 0,
  qw: 1,
  valid: true,
  ...extra,
});

function detailed(): Float64Array {
  return packBatch(1, 0, [
    {
      handle: 2,
      hostTimeMs: 0,
      samples: 1,
      bodies: [body(1, { meanError: 0.0004, markerCount: 4 }), body(65537)],
      markers: [0, 1, 2, 3, 4, 5],
      markerFlags: [MarkerFlags.HasModel, MarkerFlags.Unlabeled | MarkerFlags.PointCloudSolved],
    },
    { handle: 3, hostTimeMs: 0, samples: 1, bodies: [body(7)] },
  ]);
}

/** Index of the details section in detailed(): right after the first poses section. */
const DETAILS_AT = BATCH_HEADER_LENGTH + POSES_FIXED_LENGTH + 2 * BODY_STRIDE + 6;

test('details ride in their own section: error, marker count and flags arrive; a plain section has none', () => {
  const packed = detailed();
  assert.equal(packed[3], 3, 'two poses sections and one details section');
  assert.equal(packed[DETAILS_AT], SectionType.PoseDetails);
  const [a, b] = unpackBatch(packed).poses;
  assert.deepEqual(a!.bodies[0], body(1, { meanError: 0.0004, markerCount: 4 }));
  assert.deepEqual(a!.bodies[1], body(65537), 'unknown values stay absent');
  assert.deepEqual(Array.from(a!.markerFlags!), [
    MarkerFlags.HasModel,
    MarkerFlags.Unlabeled | MarkerFlags.PointCloudSolved,
  ]);
  assert.equal(b!.markerFlags, undefined);
  assert.deepEqual(b!.bodies, [body(7)]);
});

test('a reader that does not know details skips them by length (the layout is additive)', () => {
  const packed = detailed();
  // What an older reader does: walk sections by their length and read only poses.
  let o = BATCH_HEADER_LENGTH;
  const types: number[] = [];
  for (let s = 0; s < packed[3]!; s++) {
    types.push(packed[o]!);
    o += packed[o + 2]!;
  }
  assert.deepEqual(types, [SectionType.Poses, SectionType.PoseDetails, SectionType.Poses]);
  assert.equal(o, packed.length);
});

test('hostile details sections are refused before anything is allocated from their counts', () => {
  const cases: [string, (a: Float64Array) => void][] = [
    ['huge body count', (a) => (a[DETAILS_AT + 3] = 2 ** 31)],
    ['huge marker count', (a) => (a[DETAILS_AT + 4] = 1e12)],
    ['negative count', (a) => (a[DETAILS_AT + 4] = -1)],
    ['fractional count', (a) => (a[DETAILS_AT + 3] = 1.5)],
    ['length past the end', (a) => (a[DETAILS_AT + 2] = 1e9)],
    ['length too short', (a) => (a[DETAILS_AT + 2] = DETAILS_FIXED_LENGTH - 1)],
    ['counts that differ from the poses section', (a) => (a[DETAILS_AT + 3] = 1)],
    ['another device', (a) => (a[DETAILS_AT + 1] = 9)],
  ];
  for (const [what, spoil] of cases) {
    const a = detailed();
    spoil(a);
    assert.throws(() => unpackBatch(a), BatchFormatError, what);
  }
  // A details section first, with no poses section before it.
  const orphan = detailed();
  orphan[BATCH_HEADER_LENGTH] = SectionType.PoseDetails;
  assert.throws(() => unpackBatch(orphan), BatchFormatError);
});

test('catalog events are checked: bone fields kept, anything malformed or oversized refused', () => {
  const ok = readCatalogEvent({
    type: 'catalog',
    handle: 1,
    bodies: [
      { id: 1, name: 'Wand' },
      { id: 65537, name: 'Walker/Hip', kind: 'bone', group: 'Walker' },
      { id: 65538, name: 'Walker/Ab', kind: 'bone', parentId: 65537, group: 'Walker' },
    ],
  });
  assert.equal(ok?.bodies[2]!.parentId, 65537);
  assert.equal(ok?.bodies[0]!.kind, undefined);
  const bad: unknown[] = [
    null,
    { type: 'catalog', handle: 1.5, bodies: [] },
    { type: 'catalog', handle: 1, bodies: [{ id: 1, name: 'x', kind: 'ghost' }] },
    { type: 'catalog', handle: 1, bodies: [{ id: 1, name: 'x', parentId: 'root' }] },
    { type: 'catalog', handle: 1, bodies: [{ id: 1, name: 'x'.repeat(CatalogLimits.maxName + 1) }] },
    { type: 'catalog', handle: 1, bodies: [{ id: 1, name: 'x', group: 7 }] },
    { type: 'catalog', handle: 1, bodies: new Array(CatalogLimits.maxBodies + 1).fill({ id: 1, name: 'x' }) },
  ];
  for (const e of bad) assert.equal(readCatalogEvent(e), null, JSON.stringify(e)?.slice(0, 80));
});

function frame(): FrameOfData {
  const rb = (id: number) => ({ id, x: 0, y: 1, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: true, meanError: 0.0002 });
  const marker = (modelId: number, markerId: number, params: number) => ({
    id: ((modelId << 16) | markerId) >>> 0,
    modelId,
    markerId,
    x: markerId,
    y: 0,
    z: 0,
    size: 0.01,
    params,
  });
  return {
    frameNumber: 1,
    markerSets: [],
    legacyMarkers: [],
    rigidBodies: [rb(1), rb(2)],
    skeletons: [{ id: 3, bones: [{ ...rb((3 << 16) | 1) }, { ...rb((3 << 16) | 2) }] }],
    assets: [],
    labeledMarkers: [marker(1, 1, 0x0a), marker(1, 2, 0x0b), marker(2, 1, 0x0a), marker(0, 50007, 0x12)],
    forcePlates: [],
    devices: [],
    timecode: 0,
    timecodeSubframe: 0,
  };
}

test('NatNet: marker counts leave occluded markers out, unlabeled markers are flagged, bones are bodies', () => {
  const f = frame();
  assert.deepEqual(
    rigidBodyPoses(f).map((b) => [b.id, b.markerCount, b.meanError]),
    [
      [1, 1, 0.0002],
      [2, 1, 0.0002],
    ],
  );
  assert.deepEqual(
    bonePoses(f).map((b) => b.id),
    [196609, 196610],
  );
  const { xyz, flags } = markerArrays(f);
  assert.equal(xyz.length, 12);
  assert.deepEqual(
    Array.from(flags).map((x) => (x & MarkerFlags.Unlabeled ? 'u' : x & MarkerFlags.Occluded ? 'o' : 'l')),
    ['l', 'o', 'l', 'u'],
  );
  // Before NatNet 2.6 there are no params: model 0 alone says unlabeled.
  f.labeledMarkers = f.labeledMarkers.map(({ params: _, ...m }) => m);
  assert.deepEqual(Array.from(markerArrays(f).flags), [0, 0, 0, MarkerFlags.Unlabeled]);
});

test('NatNet: the catalog names bones under their skeleton and links each to its parent', () => {
  const bone = (id: number, name: string, parentId: number) => ({
    type: 'rigidBody' as const,
    name,
    id,
    parentId,
    offset: { x: 0, y: 0, z: 0 },
    markers: [],
  });
  const { bodies, bones } = catalogFromModels([
    { ...bone(5, 'Wand', -1) },
    { type: 'skeleton', name: 'Bob', id: 3, bones: [bone(1, 'Hip', 0), bone(2, 'Ab', 1), bone(3, 'Stray', 42)] },
  ]);
  assert.deepEqual(bodies, [{ id: 5, name: 'Wand' }]);
  assert.deepEqual(bones, [
    { id: 196609, name: 'Bob/Hip', kind: 'bone', group: 'Bob' },
    { id: 196610, name: 'Bob/Ab', kind: 'bone', group: 'Bob', parentId: 196609 },
    { id: 196611, name: 'Bob/Stray', kind: 'bone', group: 'Bob' },
  ]);
});
