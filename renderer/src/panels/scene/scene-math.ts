/**
 * The 3D view's arithmetic, pure (no three, no DOM) so that the unit tests check it directly:
 * display conversions (units, up axis), Euler angles, framing the camera on what is tracked, and
 * picking the body nearest a click.
 *
 * The scene itself is Y up, metres (Motive's convention, and three's): poses go in untransformed, and
 * only what the operator reads (the details card, the axis names) follows the chosen units and up axis.
 */
import { multiplyQuat, rotateVector, type Quat, type Vec3 } from '../../../../preload/shared/quaternion';

export type Units = 'm' | 'mm';
export type UpAxis = 'y' | 'z';
export type { Quat, Vec3 };
export { multiplyQuat, rotateVector };

export function unitScale(units: Units): number {
  return units === 'mm' ? 1000 : 1;
}

/**
 * A scene point as the operator reads it. Z up is the scene turned +90° about X, (x, y, z) → (x, −z, y):
 * height becomes +Z and the frame stays right-handed.
 */
export function toDisplayPosition(p: Vec3, up: UpAxis, units: Units): [number, number, number] {
  const s = unitScale(units);
  return up === 'z' ? [p[0] * s, -p[2] * s, p[1] * s] : [p[0] * s, p[1] * s, p[2] * s];
}

const HALF = Math.SQRT1_2;

/** An orientation in the display frame: c ⊗ q ⊗ c⁻¹, c the same +90° turn about X as positions get. */
export function toDisplayQuaternion(q: Quat, up: UpAxis): [number, number, number, number] {
  if (up === 'y') return [q[0], q[1], q[2], q[3]];
  return multiplyQuat(multiplyQuat([HALF, 0, 0, HALF], q), [-HALF, 0, 0, HALF]);
}

const DEG = 180 / Math.PI;

/**
 * Euler angles in degrees, order XYZ (R = Rx · Ry · Rz, as Motive's default and three's 'XYZ'). At
 * gimbal lock (|Y| = 90°) Z is reported as 0 and X carries the rest. A non-unit quaternion is normalised.
 */
export function eulerXYZDegrees(q: Quat): [number, number, number] {
  const n = Math.hypot(q[0], q[1], q[2], q[3]) || 1;
  const x = q[0] / n;
  const y = q[1] / n;
  const z = q[2] / n;
  const w = q[3] / n;
  const m11 = 1 - 2 * (y * y + z * z);
  const m12 = 2 * (x * y - w * z);
  const m13 = 2 * (x * z + w * y);
  const m22 = 1 - 2 * (x * x + z * z);
  const m23 = 2 * (y * z - w * x);
  const m32 = 2 * (y * z + w * x);
  const m33 = 1 - 2 * (x * x + y * y);
  const ry = Math.asin(Math.max(-1, Math.min(1, m13)));
  if (Math.abs(m13) < 0.9999999) return [Math.atan2(-m23, m33) * DEG, ry * DEG, Math.atan2(-m12, m11) * DEG];
  return [Math.atan2(m32, m22) * DEG, ry * DEG, 0];
}

export interface Framing {
  target: [number, number, number];
  position: [number, number, number];
}

/** Never frame tighter than this radius (m): a single body should not fill the view. */
const MIN_RADIUS = 0.75;

/**
 * A camera looking at everything in `points` (xyz interleaved) from `direction` (from the target
 * towards the camera): the bounding sphere fits the narrower of the two fields of view, with `margin`
 * to spare. Non-finite points are ignored; with none left, null.
 */
export function frameAll(
  points: ArrayLike<number>,
  fovDeg: number,
  aspect: number,
  direction: Vec3,
  margin = 1.15,
): Framing | null {
  let minX = Infinity;
  let minY = Infinity;
  let minZ = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let maxZ = -Infinity;
  let count = 0;
  for (let i = 0; i + 2 < points.length; i += 3) {
    const x = points[i]!;
    const y = points[i + 1]!;
    const z = points[i + 2]!;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    count++;
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    minZ = Math.min(minZ, z);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
    maxZ = Math.max(maxZ, z);
  }
  if (count === 0) return null;
  const target: [number, number, number] = [(minX + maxX) / 2, (minY + maxY) / 2, (minZ + maxZ) / 2];
  let radius = 0;
  for (let i = 0; i + 2 < points.length; i += 3) {
    const d = Math.hypot(points[i]! - target[0], points[i + 1]! - target[1], points[i + 2]! - target[2]);
    if (Number.isFinite(d)) radius = Math.max(radius, d);
  }
  radius = Math.max(MIN_RADIUS, radius);
  const vfov = (fovDeg * Math.PI) / 180;
  const hfov = 2 * Math.atan(Math.tan(vfov / 2) * Math.max(1e-3, aspect));
  const distance = (radius * margin) / Math.sin(Math.min(vfov, hfov) / 2);
  const len = Math.hypot(direction[0], direction[1], direction[2]) || 1;
  return {
    target,
    position: [
      target[0] + (direction[0] / len) * distance,
      target[1] + (direction[1] / len) * distance,
      target[2] + (direction[2] / len) * distance,
    ],
  };
}

/** Index of the screen point (xy interleaved, CSS px) nearest (x, y) within maxPx, or -1. NaN points never match. */
export function pickNearest(screen: ArrayLike<number>, x: number, y: number, maxPx: number): number {
  let best = -1;
  let bestDistance = maxPx;
  for (let i = 0; i * 2 + 1 < screen.length; i++) {
    const d = Math.hypot(screen[i * 2]! - x, screen[i * 2 + 1]! - y);
    if (d <= bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return best;
}

/** A length for the card: metres with 3 decimals, millimetres with 1. */
export function formatLength(value: number, units: Units): string {
  return Number.isFinite(value) ? value.toFixed(units === 'mm' ? 1 : 3) : '—';
}
