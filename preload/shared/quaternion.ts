/**
 * Unit-quaternion arithmetic, (x, y, z, w) order as NatNet, VRPN and three.js carry it: the 3D view's
 * display conversions and the simulators' generated motion use this one module. Pure and Node-free.
 */
export type Vec3 = readonly [number, number, number];
/** x, y, z, w */
export type Quat = readonly [number, number, number, number];

/** Hamilton product a ⊗ b (b applied first, then a). */
export function multiplyQuat(a: Quat, b: Quat): [number, number, number, number] {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

/**
 * The rotation by `angle` radians about the unit `axis`. Components on the axis's zero coordinates
 * are +0, never −0 (`+ 0`): a simulator's idle axes then go on the wire as plain zeros.
 */
export function axisAngleQuat(axis: Vec3, angle: number): [number, number, number, number] {
  const s = Math.sin(angle / 2);
  return [axis[0] * s + 0, axis[1] * s + 0, axis[2] * s + 0, Math.cos(angle / 2)];
}

/**
 * Rotates v by the unit quaternion q: v + 2w(u × v) + 2u × (u × v), u = (x, y, z). Writes into `out`
 * when given (a simulator's per-marker loop then allocates nothing); `out` may be `v` itself.
 */
export function rotateVector(q: Quat, v: Vec3, out: [number, number, number] = [0, 0, 0]): [number, number, number] {
  const [qx, qy, qz, qw] = q;
  const [vx, vy, vz] = v;
  const cx = qy * vz - qz * vy;
  const cy = qz * vx - qx * vz;
  const cz = qx * vy - qy * vx;
  out[0] = vx + 2 * (qw * cx + qy * cz - qz * cy);
  out[1] = vy + 2 * (qw * cy + qz * cx - qx * cz);
  out[2] = vz + 2 * (qw * cz + qx * cy - qy * cx);
  return out;
}
