/** Packing a batch (main side), in the layout batch.ts describes. */
import {
  BATCH_HEADER_LENGTH,
  BATCH_MAGIC,
  BODY_STRIDE,
  DETAIL_STRIDE,
  DETAILS_FIXED_LENGTH,
  GAZE_FIXED_LENGTH,
  GAZE_STRIDE,
  MARKER_STRIDE,
  POSES_FIXED_LENGTH,
  PosesFlags,
  SectionType,
  type GazeInput,
  type PosesInput,
} from './batch';

/** Whether a section carries details: a body's error or marker count, or marker flags. */
function hasDetails(p: PosesInput): boolean {
  return p.markerFlags !== undefined || p.bodies.some((b) => b.meanError !== undefined || b.markerCount !== undefined);
}

function detailsLength(p: PosesInput, markerCount: number): number {
  return hasDetails(p) ? DETAILS_FIXED_LENGTH + p.bodies.length * DETAIL_STRIDE + markerCount : 0;
}

/** Packs one batch. Main side; the result's buffer is owned whole (safe to transfer or send). */
export function packBatch(
  seq: number,
  sentAtMs: number,
  poses: readonly PosesInput[],
  gaze: readonly GazeInput[] = [],
): Float64Array {
  let length = BATCH_HEADER_LENGTH;
  let sections = poses.length + gaze.length;
  for (const p of poses) {
    const markerCount = p.markers ? Math.floor(p.markers.length / 3) : 0;
    length += POSES_FIXED_LENGTH + p.bodies.length * BODY_STRIDE + markerCount * MARKER_STRIDE;
    const details = detailsLength(p, markerCount);
    length += details;
    if (details > 0) sections++;
  }
  for (const g of gaze) length += GAZE_FIXED_LENGTH + g.samples.length * GAZE_STRIDE;
  const out = new Float64Array(length);
  out[0] = BATCH_MAGIC;
  out[1] = seq;
  out[2] = sentAtMs;
  out[3] = sections;
  let o = BATCH_HEADER_LENGTH;
  for (const p of poses) {
    const markerCount = p.markers ? Math.floor(p.markers.length / 3) : 0;
    const sectionLength = POSES_FIXED_LENGTH + p.bodies.length * BODY_STRIDE + markerCount * MARKER_STRIDE;
    out[o] = SectionType.Poses;
    out[o + 1] = p.handle;
    out[o + 2] = sectionLength;
    out[o + 3] = p.frameNumber ?? NaN;
    out[o + 4] = p.hostTimeMs;
    out[o + 5] = p.deviceTimeMs ?? NaN;
    out[o + 6] = p.recording === undefined ? 0 : PosesFlags.RecordingKnown | (p.recording ? PosesFlags.Recording : 0);
    out[o + 7] = p.bodies.length;
    out[o + 8] = markerCount;
    out[o + 9] = p.samples;
    let b = o + POSES_FIXED_LENGTH;
    for (const body of p.bodies) {
      out[b] = body.id;
      out[b + 1] = body.x;
      out[b + 2] = body.y;
      out[b + 3] = body.z;
      out[b + 4] = body.qx;
      out[b + 5] = body.qy;
      out[b + 6] = body.qz;
      out[b + 7] = body.qw;
      out[b + 8] = body.valid ? 1 : 0;
      b += BODY_STRIDE;
    }
    if (p.markers) for (let i = 0; i < markerCount * 3; i++) out[b + i] = p.markers[i]!;
    o += sectionLength;
    o += packDetails(out, o, p, markerCount);
  }
  for (const g of gaze) {
    const sectionLength = GAZE_FIXED_LENGTH + g.samples.length * GAZE_STRIDE;
    out[o] = SectionType.Gaze;
    out[o + 1] = g.handle;
    out[o + 2] = sectionLength;
    out[o + 3] = g.samples.length;
    let at = o + GAZE_FIXED_LENGTH;
    for (const sample of g.samples) {
      out[at] = sample.hostTimeMs;
      out[at + 1] = sample.deviceTimeMs ?? NaN;
      out[at + 2] = sample.x;
      out[at + 3] = sample.y;
      out[at + 4] = sample.worn ? 1 : 0;
      at += GAZE_STRIDE;
    }
    o += sectionLength;
  }
  return out;
}

/** Writes the POSE DETAILS section of `p` at `o` if it has details; returns its length. */
function packDetails(out: Float64Array, o: number, p: PosesInput, markerCount: number): number {
  const length = detailsLength(p, markerCount);
  if (length === 0) return 0;
  out[o] = SectionType.PoseDetails;
  out[o + 1] = p.handle;
  out[o + 2] = length;
  out[o + 3] = p.bodies.length;
  out[o + 4] = markerCount;
  let d = o + DETAILS_FIXED_LENGTH;
  for (const body of p.bodies) {
    out[d] = body.meanError ?? NaN;
    out[d + 1] = body.markerCount ?? NaN;
    d += DETAIL_STRIDE;
  }
  const flags = p.markerFlags;
  for (let i = 0; i < markerCount; i++) out[d + i] = flags && i < flags.length ? flags[i]! : 0;
  return length;
}
