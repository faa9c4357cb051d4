/**
 * The latest poses of every device, outside React. Batches arrive at display rate; copying them into
 * long-lived objects here (instead of setState) lets the 3D view read them in useFrame without a
 * single React render per batch, and without garbage per batch beyond what unpackBatch makes.
 */
import type { PosesSection } from '../../../preload/api';

export interface LiveBody {
  id: number;
  x: number;
  y: number;
  z: number;
  qx: number;
  qy: number;
  qz: number;
  qw: number;
  valid: boolean;
}

export interface DevicePoses {
  readonly handle: number;
  frameNumber: number | null;
  /** Arrival of the newest sample in main (host Unix ms). */
  hostTimeMs: number;
  /** When this renderer last received a section for the device (performance.now() ms). */
  receivedAt: number;
  recording: boolean | null;
  /** A pool; only the first bodyCount entries are live. */
  readonly bodies: LiveBody[];
  bodyCount: number;
  readonly byId: Map<number, LiveBody>;
  /** xyz interleaved; only the first markerCount × 3 values are live. */
  markers: Float32Array;
  markerCount: number;
}

/** What changed structurally in one ingest: the scene mounts/unmounts objects only on these. */
export interface IngestResult {
  device: DevicePoses;
  bodySetChanged: boolean;
  recordingChanged: boolean;
}

const devices = new Map<number, DevicePoses>();

export const poseStore = {
  devices: devices as ReadonlyMap<number, DevicePoses>,

  ingest(section: PosesSection, receivedAt: number): IngestResult {
    let device = devices.get(section.handle);
    if (!device) {
      device = {
        handle: section.handle,
        frameNumber: null,
        hostTimeMs: 0,
        receivedAt: 0,
        recording: null,
        bodies: [],
        bodyCount: 0,
        byId: new Map(),
        markers: new Float32Array(64 * 3),
        markerCount: 0,
      };
      devices.set(section.handle, device);
    }
    const bodySetChanged = copyBodies(device, section);
    copyMarkers(device, section.markers);
    const recordingChanged = device.recording !== section.recording;
    device.frameNumber = section.frameNumber;
    device.hostTimeMs = section.hostTimeMs;
    device.receivedAt = receivedAt;
    device.recording = section.recording;
    return { device, bodySetChanged, recordingChanged };
  },

  /** Drops a device that is gone or closed, so its last poses do not linger in the view. */
  forget(handle: number): boolean {
    return devices.delete(handle);
  },

  bodyIds(handle: number): number[] {
    const device = devices.get(handle);
    return device ? device.bodies.slice(0, device.bodyCount).map((b) => b.id) : [];
  },

  totalMarkers(): number {
    let total = 0;
    for (const device of devices.values()) total += device.markerCount;
    return total;
  },
};

function copyBodies(device: DevicePoses, section: PosesSection): boolean {
  const incoming = section.bodies;
  let changed = incoming.length !== device.bodyCount;
  for (let i = 0; i < incoming.length; i++) {
    const from = incoming[i]!;
    let to = device.bodies[i];
    if (!to) {
      to = { id: NaN, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: false };
      device.bodies.push(to);
    }
    if (to.id !== from.id) changed = true;
    to.id = from.id;
    to.x = from.x;
    to.y = from.y;
    to.z = from.z;
    to.qx = from.qx;
    to.qy = from.qy;
    to.qz = from.qz;
    to.qw = from.qw;
    to.valid = from.valid;
  }
  device.bodyCount = incoming.length;
  if (changed) {
    device.byId.clear();
    for (let i = 0; i < device.bodyCount; i++) device.byId.set(device.bodies[i]!.id, device.bodies[i]!);
  }
  return changed;
}

function copyMarkers(device: DevicePoses, markers: Float64Array): void {
  if (markers.length > device.markers.length) {
    let size = device.markers.length;
    while (size < markers.length) size *= 2;
    device.markers = new Float32Array(size);
  }
  device.markers.set(markers);
  device.markerCount = markers.length / 3;
}
