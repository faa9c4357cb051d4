/**
 * The per-device transform from a VRPN server's room into the scene's (Y up, metres, right-handed,
 * as Motive and three.js). VRPN rooms are often Z up (protocol notes, docs/protocols/vrpn.md §14 item 4); the
 * operator says which in the device file (`transform`) or in the VRPN panel.
 */
import type { BodyPose, PoseTransform } from '../../hub/source';

export type { PoseTransform };

export const IDENTITY_TRANSFORM: PoseTransform = { up: 'y' };

/**
 * Writes the transformed pose into `out`. A change of basis: positions rotate, and orientations are
 * conjugated (r q r⁻¹), so a body's own axes stay the same physical axes in the new frame. For Z up →
 * Y up that is (x, y, z) → (x, z, −y) for both the position and the quaternion's vector part.
 */
export function applyTransform(
  t: PoseTransform,
  position: readonly number[],
  quaternion: readonly number[],
  out: BodyPose,
): BodyPose {
  const s = t.scale ?? 1;
  const [x, y, z] = position as [number, number, number];
  const [qx, qy, qz, qw] = quaternion as [number, number, number, number];
  if (t.up === 'z') {
    out.x = x * s;
    out.y = z * s;
    out.z = -y * s;
    out.qx = qx;
    out.qy = qz;
    out.qz = -qy;
  } else {
    out.x = x * s;
    out.y = y * s;
    out.z = z * s;
    out.qx = qx;
    out.qy = qy;
    out.qz = qz;
  }
  out.qw = qw;
  if (t.offset) {
    out.x += t.offset[0];
    out.y += t.offset[1];
    out.z += t.offset[2];
  }
  return out;
}

export function describeTransform(t: PoseTransform): string {
  const parts = [t.up === 'z' ? 'Z up → Y up' : 'Y up (as sent)'];
  if (t.scale !== undefined && t.scale !== 1) parts.push(`× ${t.scale}`);
  if (t.offset) parts.push(`+ (${t.offset.join(', ')}) m`);
  return parts.join(' ');
}
