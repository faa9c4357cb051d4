/**
 * The JSON line `probe` and `decode` print for every frame. Lab operators script against it, so the
 * field names and their order are part of the CLI's documented contract (README "Command line").
 */
import type { BodyPose } from '../hub/source';

export interface FrameLineBody {
  id: number;
  name: string;
  position: [number, number, number];
  /** x, y, z, w */
  quaternion: [number, number, number, number];
  valid: boolean;
}

export interface FrameLine {
  type: 'frame';
  device: string;
  frame: number | null;
  /** Host time (Unix ns) the datagram arrived, or its capture time for `decode`. */
  hostTimeNs: number;
  /** Device time converted to host Unix ns through the clock model; null when unknown (e.g. in captures). */
  deviceTimeNs: number | null;
  /** Device recording flag (NatNet frame params bit 0); null when the protocol version has none. */
  recording: boolean | null;
  bodies: FrameLineBody[];
}

export function frameLine(
  device: string,
  frame: number | undefined,
  hostTimeNs: number,
  deviceTimeNs: number | undefined,
  recording: boolean | undefined,
  bodies: readonly BodyPose[],
  names: ReadonlyMap<number, string>,
): FrameLine {
  return {
    type: 'frame',
    device,
    frame: frame ?? null,
    hostTimeNs: Math.round(hostTimeNs),
    deviceTimeNs: deviceTimeNs === undefined ? null : Math.round(deviceTimeNs),
    recording: recording ?? null,
    bodies: bodies.map((b) => ({
      id: b.id,
      name: names.get(b.id) ?? `Body ${b.id}`,
      position: [b.x, b.y, b.z],
      quaternion: [b.qx, b.qy, b.qz, b.qw],
      valid: b.valid,
    })),
  };
}
