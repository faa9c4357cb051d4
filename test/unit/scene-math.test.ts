/**
 * The 3D view's pure arithmetic (renderer/src/panels/scene/scene-math.ts) and its saved options
 * (scene-view-options.ts): units and up axis, Euler angles, framing, picking.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  eulerXYZDegrees,
  formatLength,
  frameAll,
  multiplyQuat,
  pickNearest,
  rotateVector,
  toDisplayPosition,
  toDisplayQuaternion,
  type Quat,
} from '../../renderer/src/panels/scene/scene-math';
import { DEFAULT_SCENE_OPTIONS, readSceneOptions } from '../../renderer/src/panels/scene/scene-view-options';
import { boneKeys, bonePairs } from '../../renderer/src/panels/scene/scene-structure';

const axisAngle = (x: number, y: number, z: number, deg: number): Quat => {
  const h = (deg * Math.PI) / 360;
  return [x * Math.sin(h), y * Math.sin(h), z * Math.sin(h), Math.cos(h)];
};
const close = (a: readonly number[], b: readonly number[], eps = 1e-9, what = '') =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < eps, `${what} [${i}] ${v} ≠ ${b[i]}`));

test('positions: metres or millimetres, Y up as streamed or Z up (height becomes +Z, right-handed)', () => {
  assert.deepEqual(toDisplayPosition([1, 2, 3], 'y', 'm'), [1, 2, 3]);
  assert.deepEqual(toDisplayPosition([1, 2, 3], 'y', 'mm'), [1000, 2000, 3000]);
  assert.deepEqual(toDisplayPosition([1, 2, 3], 'z', 'mm'), [1000, -3000, 2000]);
  // The turn keeps handedness: X × Y = Z in both frames.
  const x = toDisplayPosition([1, 0, 0], 'z', 'm');
  const y = toDisplayPosition([0, 1, 0], 'z', 'm');
  const cross = [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]];
  close(cross, toDisplayPosition([0, 0, 1], 'z', 'm'));
});

test('orientations follow positions: rotating then converting equals converting then rotating', () => {
  const qs: Quat[] = [axisAngle(0, 1, 0, 90), axisAngle(1, 0, 0, -30), axisAngle(0.6, 0, 0.8, 123)];
  for (const q of qs) {
    const v = [0.3, -1.2, 0.7] as const;
    const viaScene = toDisplayPosition(rotateVector(q, v), 'z', 'm');
    const viaDisplay = rotateVector(toDisplayQuaternion(q, 'z'), toDisplayPosition(v, 'z', 'm'));
    close(viaScene, viaDisplay, 1e-12);
    assert.ok(Math.abs(Math.hypot(...toDisplayQuaternion(q, 'z')) - 1) < 1e-12);
  }
  assert.deepEqual(toDisplayQuaternion([0.1, 0.2, 0.3, 0.9], 'y'), [0.1, 0.2, 0.3, 0.9]);
  // A turn about the scene's up (Y) is a turn about the display's up (Z).
  close(toDisplayQuaternion(axisAngle(0, 1, 0, 40), 'z'), axisAngle(0, 0, 1, 40), 1e-12);
});

test('Euler XYZ in degrees: known angles come back, gimbal lock stays finite', () => {
  assert.deepEqual(
    eulerXYZDegrees([0, 0, 0, 1]).map((v) => Math.abs(v)),
    [0, 0, 0],
  );
  close(eulerXYZDegrees(axisAngle(0, 1, 0, 90)), [0, 90, 0], 1e-6);
  for (const [a, b, c] of [
    [10, 20, 30],
    [-45, 60, 170],
    [120, -10, -80],
  ] as const) {
    const q = multiplyQuat(multiplyQuat(axisAngle(1, 0, 0, a), axisAngle(0, 1, 0, b)), axisAngle(0, 0, 1, c));
    close(eulerXYZDegrees(q), [a, b, c], 1e-9, `${a},${b},${c}`);
    // A scaled quaternion is the same rotation.
    close(eulerXYZDegrees(q.map((v) => v * 3) as unknown as Quat), [a, b, c], 1e-9);
  }
  const locked = eulerXYZDegrees(multiplyQuat(axisAngle(1, 0, 0, 25), axisAngle(0, 1, 0, 90)));
  assert.ok(locked.every(Number.isFinite));
  close([locked[1]], [90], 1e-3);
});

test('framing: every point inside the narrower field of view, from the given direction; nothing → null', () => {
  const points = [0, 1, 0, 3, 1.5, -2, -1.5, 0.2, 4, 2, 0.1, 1];
  for (const aspect of [0.5, 1, 2.5]) {
    const f = frameAll(points, 50, aspect, [1, 1, 1])!;
    const axis = f.target.map((t, i) => t - f.position[i]!);
    const len = Math.hypot(...axis);
    const vfov = (50 * Math.PI) / 180;
    const half = Math.min(vfov, 2 * Math.atan(Math.tan(vfov / 2) * aspect)) / 2;
    for (let i = 0; i < points.length; i += 3) {
      const to = [points[i]! - f.position[0], points[i + 1]! - f.position[1], points[i + 2]! - f.position[2]];
      const cos = (to[0]! * axis[0]! + to[1]! * axis[1]! + to[2]! * axis[2]!) / (len * Math.hypot(...to));
      assert.ok(Math.acos(Math.min(1, cos)) < half, `point ${i / 3} in view at aspect ${aspect}`);
    }
    // Looking from (1, 1, 1): the camera sits along that diagonal.
    const d = f.position.map((p, i) => p - f.target[i]!);
    close([d[0]! - d[1]!, d[1]! - d[2]!], [0, 0], 1e-9);
  }
  assert.equal(frameAll([], 50, 1, [0, 0, 1]), null);
  assert.equal(frameAll([NaN, 0, 0], 50, 1, [0, 0, 1]), null);
  const one = frameAll([1, 1, 1, NaN, 2, 2], 50, 1, [0, 0, 1])!;
  assert.deepEqual(one.target, [1, 1, 1]);
  assert.ok(one.position[2] > 1.5, 'a single point is framed at a useful distance, not on top of it');
});

test('picking: the nearest screen point within the radius, else -1', () => {
  const screen = [100, 100, 130, 100, NaN, NaN, 400, 300];
  assert.equal(pickNearest(screen, 112, 100, 20), 0);
  assert.equal(pickNearest(screen, 118, 101, 20), 1);
  assert.equal(pickNearest(screen, 250, 200, 20), -1);
  assert.equal(pickNearest([], 0, 0, 20), -1);
});

test('saved view options: read field by field, anything odd takes its default', () => {
  assert.deepEqual(readSceneOptions(undefined), DEFAULT_SCENE_OPTIONS);
  assert.deepEqual(readSceneOptions([1, 2]), DEFAULT_SCENE_OPTIONS);
  assert.deepEqual(readSceneOptions({ units: 'mm', up: 'z', trails: true, markers: 'no', evil: {} }), {
    ...DEFAULT_SCENE_OPTIONS,
    units: 'mm',
    up: 'z',
    trails: true,
  });
  assert.deepEqual(readSceneOptions({ units: 'km', up: 'x' }), DEFAULT_SCENE_OPTIONS);
  assert.equal(formatLength(1.23456, 'm'), '1.235');
  assert.equal(formatLength(1234.56, 'mm'), '1234.6');
  assert.equal(formatLength(NaN, 'mm'), '—');
});

test('bones: one line per segment with a parent, none for hidden devices or rigid bodies', () => {
  const catalogs = {
    1: [
      { id: 1, name: 'Wand' },
      { id: 65537, name: 'Bob/Hip', kind: 'bone' as const, group: 'Bob' },
      { id: 65538, name: 'Bob/Ab', kind: 'bone' as const, parentId: 65537, group: 'Bob' },
      { id: 65539, name: 'Bob/Chest', kind: 'bone' as const, parentId: 65538, group: 'Bob' },
    ],
    2: [{ id: 65538, name: 'Other/Ab', kind: 'bone' as const, parentId: 65537 }],
  };
  assert.deepEqual(bonePairs(catalogs, {}), [
    { handle: 1, child: 65538, parent: 65537 },
    { handle: 1, child: 65539, parent: 65538 },
    { handle: 2, child: 65538, parent: 65537 },
  ]);
  assert.equal(bonePairs(catalogs, { 2: true }).length, 2);
  assert.deepEqual([...boneKeys(catalogs)], ['1:65537', '1:65538', '1:65539', '2:65538']);
});
