/**
 * The quaternion module main's simulators and the renderer's 3D view share
 * (preload/shared/quaternion.ts): axis-angle construction, composition and rotating a vector.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { axisAngleQuat, multiplyQuat, rotateVector, type Vec3 } from '../../preload/shared/quaternion';

const close = (a: readonly number[], b: readonly number[], eps = 1e-12) =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < eps, `[${i}] ${v} ≠ ${b[i]}`));

test('a quarter turn about each axis moves the next axis onto the one after (right-handed)', () => {
  close(rotateVector(axisAngleQuat([0, 0, 1], Math.PI / 2), [1, 0, 0]), [0, 1, 0]);
  close(rotateVector(axisAngleQuat([1, 0, 0], Math.PI / 2), [0, 1, 0]), [0, 0, 1]);
  close(rotateVector(axisAngleQuat([0, 1, 0], Math.PI / 2), [0, 0, 1]), [1, 0, 0]);
});

test('rotating in place: the result may overwrite the vector it was computed from', () => {
  const q = axisAngleQuat([0.6, 0, 0.8], 1.1);
  const v: [number, number, number] = [0.3, -1.2, 0.7];
  const expected = rotateVector(q, v);
  assert.equal(rotateVector(q, v, v), v);
  assert.deepEqual(v, expected);
});

test('idle axes are +0 whatever the sign of the turn (they go on the wire as plain zeros)', () => {
  for (const angle of [-2, -0.5, 0.5, 3]) {
    const q = axisAngleQuat([0, 1, 0], angle);
    assert.ok(Object.is(q[0], 0) && Object.is(q[2], 0), `${angle}: ${q.join(', ')}`);
    assert.equal(q[1], Math.sin(angle / 2));
    assert.equal(q[3], Math.cos(angle / 2));
  }
});

test('composition: rotating by a ⊗ b is rotating by b, then by a; lengths are kept', () => {
  const axis = fc
    .tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }))
    .map(([a, b]): Vec3 => {
      const n = Math.hypot(a, b, 0.5);
      return [a / n, b / n, 0.5 / n];
    });
  const angle = fc.double({ min: -Math.PI, max: Math.PI, noNaN: true });
  const coord = fc.double({ min: -10, max: 10, noNaN: true });
  fc.assert(
    fc.property(axis, angle, axis, angle, fc.tuple(coord, coord, coord), (axA, angA, axB, angB, v) => {
      const a = axisAngleQuat(axA, angA);
      const b = axisAngleQuat(axB, angB);
      const composed = rotateVector(multiplyQuat(a, b), v);
      close(composed, rotateVector(a, rotateVector(b, v)), 1e-9);
      assert.ok(Math.abs(Math.hypot(...composed) - Math.hypot(...v)) < 1e-9);
      assert.ok(Math.abs(Math.hypot(...multiplyQuat(a, b)) - 1) < 1e-12);
    }),
    { numRuns: 300 },
  );
});
