/** Unpacking a batch (renderer side), bounds-checked against the layout batch.ts describes. */
import {
  BATCH_HEADER_LENGTH,
  BATCH_MAGIC,
  BatchLimits,
  BODY_STRIDE,
  DETAIL_STRIDE,
  DETAILS_FIXED_LENGTH,
  GAZE_FIXED_LENGTH,
  GAZE_STRIDE,
  MARKER_STRIDE,
  POSES_FIXED_LENGTH,
  PosesFlags,
  SECTION_HEADER_LENGTH,
  SectionType,
  type GazeSection,
  type PackedBody,
  type PosesSection,
  type UnpackedBatch,
} from './batch';
import { BatchFormatError, count } from './bounds';

/** Unpacks and bounds-checks a batch. Renderer side; throws BatchFormatError on anything inconsistent. */
export function unpackBatch(buffer: ArrayBuffer | Float64Array): UnpackedBatch {
  const a = buffer instanceof Float64Array ? buffer : new Float64Array(buffer, 0, Math.floor(buffer.byteLength / 8));
  if (a.length < BATCH_HEADER_LENGTH || a[0] !== BATCH_MAGIC) throw new BatchFormatError('not a Sightline batch');
  // Each device's poses may come with a details section.
  const sections = count(a[3], 2 * BatchLimits.maxSections, 'section count');
  const poses: PosesSection[] = [];
  const gaze: GazeSection[] = [];
  let o = BATCH_HEADER_LENGTH;
  for (let s = 0; s < sections; s++) {
    if (o + SECTION_HEADER_LENGTH > a.length) throw new BatchFormatError('section header past end');
    const type = a[o]!;
    const len = count(a[o + 2], a.length - o, 'section length');
    if (len < SECTION_HEADER_LENGTH) throw new BatchFormatError('section too short');
    if (type === SectionType.Poses) {
      if (len < POSES_FIXED_LENGTH) throw new BatchFormatError('poses section too short');
      const bodyCount = count(a[o + 7], BatchLimits.maxBodies, 'body count');
      const markerCount = count(a[o + 8], BatchLimits.maxMarkers, 'marker count');
      if (POSES_FIXED_LENGTH + bodyCount * BODY_STRIDE + markerCount * MARKER_STRIDE !== len) {
        throw new BatchFormatError('poses section length does not match its counts');
      }
      const bodies: PackedBody[] = new Array<PackedBody>(bodyCount);
      let b = o + POSES_FIXED_LENGTH;
      for (let i = 0; i < bodyCount; i++, b += BODY_STRIDE) {
        bodies[i] = {
          id: a[b]!,
          x: a[b + 1]!,
          y: a[b + 2]!,
          z: a[b + 3]!,
          qx: a[b + 4]!,
          qy: a[b + 5]!,
          qz: a[b + 6]!,
          qw: a[b + 7]!,
          valid: a[b + 8] === 1,
        };
      }
      const flags = a[o + 6]!;
      const frameNumber = a[o + 3]!;
      const deviceTime = a[o + 5]!;
      poses.push({
        type: 'poses',
        handle: a[o + 1]!,
        frameNumber: Number.isNaN(frameNumber) ? null : frameNumber,
        hostTimeMs: a[o + 4]!,
        deviceTimeMs: Number.isNaN(deviceTime) ? null : deviceTime,
        recording: flags & PosesFlags.RecordingKnown ? (flags & PosesFlags.Recording) !== 0 : null,
        samples: a[o + 9]!,
        bodies,
        markers: a.subarray(b, b + markerCount * MARKER_STRIDE),
      });
    } else if (type === SectionType.PoseDetails) {
      unpackDetails(a, o, len, poses.at(-1));
    } else if (type === SectionType.Gaze) {
      if (len < GAZE_FIXED_LENGTH) throw new BatchFormatError('gaze section too short');
      const n = count(a[o + 3], BatchLimits.maxGaze, 'gaze sample count');
      if (GAZE_FIXED_LENGTH + n * GAZE_STRIDE !== len)
        throw new BatchFormatError('gaze section length does not match its count');
      const start = o + GAZE_FIXED_LENGTH;
      gaze.push({ type: 'gaze', handle: a[o + 1]!, count: n, samples: a.subarray(start, start + n * GAZE_STRIDE) });
    }
    o += len;
  }
  return { seq: a[1]!, sentAtMs: a[2]!, poses, gaze };
}

/** Attaches a POSE DETAILS section to the POSES section just before it, which must be its device's. */
function unpackDetails(a: Float64Array, o: number, len: number, poses: PosesSection | undefined): void {
  if (len < DETAILS_FIXED_LENGTH) throw new BatchFormatError('details section too short');
  const bodyCount = count(a[o + 3], BatchLimits.maxBodies, 'details body count');
  const markerCount = count(a[o + 4], BatchLimits.maxMarkers, 'details marker count');
  if (DETAILS_FIXED_LENGTH + bodyCount * DETAIL_STRIDE + markerCount !== len) {
    throw new BatchFormatError('details section length does not match its counts');
  }
  if (!poses || poses.handle !== a[o + 1] || poses.markerFlags !== undefined) {
    throw new BatchFormatError('details section without its poses section');
  }
  if (poses.bodies.length !== bodyCount || poses.markers.length !== markerCount * MARKER_STRIDE) {
    throw new BatchFormatError('details section counts differ from its poses section');
  }
  let d = o + DETAILS_FIXED_LENGTH;
  for (const body of poses.bodies) {
    const meanError = a[d]!;
    const markers = a[d + 1]!;
    if (!Number.isNaN(meanError)) body.meanError = meanError;
    if (Number.isInteger(markers) && markers >= 0) body.markerCount = markers;
    d += DETAIL_STRIDE;
  }
  poses.markerFlags = a.subarray(d, d + markerCount);
}
