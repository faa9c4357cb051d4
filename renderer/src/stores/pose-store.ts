/**
 * The latest poses of every device, outside React. Batches arrive at display rate; copying them into
 * long-lived objects here (instead of setState) lets the 3D view read them in useFrame without a
 * single React render per batch, and without garbage per batch beyond what unpackBatch makes.
 *
 * Two feeds: batches unpacked on this thread (Electron, and the headless fallback), or, with the link
 * in a worker, the worker's shared buffer copied in by shared-pose-mirror.ts when a frame is drawn.
 */
import { BODY_STRIDE, DETAIL_STRIDE, type BodyPose, type PosesSection } from '../../../preload/api';
import type { PoseSlotCopy } from './shared-poses';

/** The contract's pose, kept in long-lived objects here and updated in place; NaN where unknown. */
export type LiveBody = BodyPose & { meanError: number; markerCount: number };

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
  /** One MarkerFlags value per live marker, when flagsKnown (else every marker counts as labeled). */
  markerFlags: Uint16Array;
  flagsKnown: boolean;
}

/** What changed structurally in one ingest: the scene mounts/unmounts objects only on these. */
export interface IngestResult {
  device: DevicePoses;
  bodySetChanged: boolean;
  recordingChanged: boolean;
}

const devices = new Map<number, DevicePoses>();
let updates = 0;

function deviceFor(handle: number): DevicePoses {
  let device = devices.get(handle);
  if (!device) {
    device = {
      handle,
      frameNumber: null,
      hostTimeMs: 0,
      receivedAt: 0,
      recording: null,
      bodies: [],
      bodyCount: 0,
      byId: new Map(),
      markers: new Float32Array(64 * 3),
      markerCount: 0,
      markerFlags: new Uint16Array(64),
      flagsKnown: false,
    };
    devices.set(handle, device);
  }
  return device;
}

export const poseStore = {
  devices: devices as ReadonlyMap<number, DevicePoses>,

  /** Changes whenever any device's poses do: the render loop draws a new frame only then. */
  version: (): number => updates,

  /** A batch section unpacked on this thread (the main-thread link). */
  ingest(section: PosesSection, receivedAt: number): IngestResult {
    const device = deviceFor(section.handle);
    const bodies = section.bodies;
    const bodySetChanged = copyBodies(device, bodies.length, (i, to) => {
      const from = bodies[i]!;
      to.id = from.id;
      to.x = from.x;
      to.y = from.y;
      to.z = from.z;
      to.qx = from.qx;
      to.qy = from.qy;
      to.qz = from.qz;
      to.qw = from.qw;
      to.valid = from.valid;
      to.meanError = from.meanError ?? NaN;
      to.markerCount = from.markerCount ?? NaN;
    });
    copyMarkers(device, section.markers, section.markers.length / 3, section.markerFlags);
    return finishIngest(device, section, receivedAt, bodySetChanged);
  },

  /** A device's slot as copied out of the worker's shared buffer (the worker link). */
  ingestCopy(copy: PoseSlotCopy, receivedAt: number): IngestResult {
    const device = deviceFor(copy.handle);
    const b = copy.bodies;
    const bodySetChanged = copyBodies(device, copy.bodyCount, (i, to) => {
      const o = i * BODY_STRIDE;
      to.id = b[o]!;
      to.x = b[o + 1]!;
      to.y = b[o + 2]!;
      to.z = b[o + 3]!;
      to.qx = b[o + 4]!;
      to.qy = b[o + 5]!;
      to.qz = b[o + 6]!;
      to.qw = b[o + 7]!;
      to.valid = b[o + 8] === 1;
      to.meanError = copy.details[i * DETAIL_STRIDE]!;
      to.markerCount = copy.details[i * DETAIL_STRIDE + 1]!;
    });
    copyMarkers(device, copy.markers, copy.markerCount, copy.flagsKnown ? copy.markerFlags : undefined);
    return finishIngest(device, copy, receivedAt, bodySetChanged);
  },

  /** Drops a device that is gone or closed, so its last poses do not linger in the view. */
  forget(handle: number): boolean {
    if (!devices.delete(handle)) return false;
    updates++;
    return true;
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

function finishIngest(
  device: DevicePoses,
  from: Pick<PosesSection, 'frameNumber' | 'hostTimeMs' | 'recording'>,
  receivedAt: number,
  bodySetChanged: boolean,
): IngestResult {
  const recordingChanged = device.recording !== from.recording;
  device.frameNumber = from.frameNumber;
  device.hostTimeMs = from.hostTimeMs;
  device.receivedAt = receivedAt;
  device.recording = from.recording;
  updates++;
  return { device, bodySetChanged, recordingChanged };
}

/** Copies `count` bodies into the pool via `fill`; true when the set of ids changed. */
function copyBodies(device: DevicePoses, count: number, fill: (i: number, to: LiveBody) => void): boolean {
  let changed = count !== device.bodyCount;
  for (let i = 0; i < count; i++) {
    let to = device.bodies[i];
    if (!to) {
      to = { id: NaN, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: false, meanError: NaN, markerCount: NaN };
      device.bodies.push(to);
    }
    const previousId = to.id;
    fill(i, to);
    if (to.id !== previousId) changed = true;
  }
  device.bodyCount = count;
  if (changed) {
    device.byId.clear();
    for (let i = 0; i < device.bodyCount; i++) device.byId.set(device.bodies[i]!.id, device.bodies[i]!);
  }
  return changed;
}

/** `markers` holds at least markerCount × 3 values (xyz interleaved), `flags` markerCount if given. */
function copyMarkers(
  device: DevicePoses,
  markers: Float64Array | Float32Array,
  markerCount: number,
  flags: Float64Array | Uint8Array | undefined,
): void {
  const length = markerCount * 3;
  if (length > device.markers.length) {
    let size = device.markers.length;
    while (size < length) size *= 2;
    device.markers = new Float32Array(size);
    device.markerFlags = new Uint16Array(size / 3);
  }
  device.markers.set(markers.subarray(0, length));
  device.markerCount = markerCount;
  device.flagsKnown = flags !== undefined;
  // Uint16 conversion wraps anything hostile into some bits: at worst a marker drawn in the wrong style.
  if (flags) device.markerFlags.set(flags.subarray(0, markerCount));
}
