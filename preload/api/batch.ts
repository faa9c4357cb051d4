// Packed batch layout: one Float64Array per display frame, whatever the input rate.
//
//   header (BATCH_HEADER_LENGTH):
//     [0] BATCH_MAGIC  [1] seq  [2] sentAtMs (host Unix ms)  [3] sectionCount
//   then sectionCount sections, each starting with:
//     [0] section type  [1] device handle  [2] section length in f64s, header included
//   POSES section (type 1), after its 3-slot header:
//     [3] frameNumber (NaN if none)  [4] hostTimeMs of the newest sample (arrival, Unix ms)
//     [5] deviceTimeMs (NaN if unknown)  [6] flags (bit 0: device recording, bit 1: recording known)
//     [7] bodyCount  [8] markerCount  [9] samplesSinceLastBatch
//     then bodyCount × BODY_STRIDE: id, x, y, z, qx, qy, qz, qw, valid(0|1)
//     then markerCount × 3: x, y, z
//   GAZE section (type 2, Pupil): [3] count, then count × GAZE_STRIDE: hostTimeMs, deviceTimeMs, x, y, worn
//     (every gaze sample since the last batch, not just the newest: the video panel matches them to frames)
//   POSE DETAILS section (type 4, optional, right after the POSES section of the same device, NatNet):
//     [3] bodyCount  [4] markerCount (both equal to that POSES section's)
//     then bodyCount × DETAIL_STRIDE: meanErrorM, markerCount (NaN where unknown), body order as there
//     then markerCount flags (MarkerFlags bits; 0 when unknown), marker order as there
//   ANALOG section (type 3): reserved. VRPN buttons, analogs and dials reach the renderer as low-rate
//     'inputs' events instead (state on change, ~10 Hz at most): a panel needs values, not every sample.
// Sections of an unknown type are skipped by their length.

export const BATCH_MAGIC = 0x51_6e_4c_01; // "SLn" + layout version 1
export const BATCH_HEADER_LENGTH = 4;
export const SECTION_HEADER_LENGTH = 3;
export const SectionType = { Poses: 1, Gaze: 2, Analog: 3, PoseDetails: 4 } as const;
export const POSES_FIXED_LENGTH = 10;
export const BODY_STRIDE = 9;
export const MARKER_STRIDE = 3;
export const GAZE_STRIDE = 5;
export const GAZE_FIXED_LENGTH = 4;
/** Bounds the renderer enforces before trusting counts. */
export const BatchLimits = { maxSections: 64, maxBodies: 2000, maxMarkers: 10000, maxGaze: 1000 } as const;

export const PosesFlags = { Recording: 1, RecordingKnown: 2 } as const;

export const DETAILS_FIXED_LENGTH = 5;
export const DETAIL_STRIDE = 2;
/**
 * Per-marker bits, NatNet's labeled-marker params as sent (docs/protocols/natnet.md §5, labeled-marker record):
 * a source without them sends no flags and its markers count as labeled.
 */
export const MarkerFlags = {
  Occluded: 0x01,
  PointCloudSolved: 0x02,
  ModelSolved: 0x04,
  HasModel: 0x08,
  Unlabeled: 0x10,
  Active: 0x20,
} as const;

/** One tracked body's pose, flat for speed: metres, quaternion (qx, qy, qz, qw). Sources emit it, batches carry it. */
export interface BodyPose {
  id: number;
  x: number;
  y: number;
  z: number;
  qx: number;
  qy: number;
  qz: number;
  qw: number;
  valid: boolean;
  /** Mean marker error in metres (NatNet), when the source knows it. */
  meanError?: number;
  /** Markers tracked on the body this frame, when the source knows it. */
  markerCount?: number;
}

export type PackedBody = BodyPose;

export interface PosesSection {
  type: 'poses';
  handle: number;
  frameNumber: number | null;
  hostTimeMs: number;
  deviceTimeMs: number | null;
  recording: boolean | null;
  samples: number;
  bodies: PackedBody[];
  /** xyz interleaved; a view into the batch, not a copy. */
  markers: Float64Array;
  /** One MarkerFlags value per marker, absent when the source sends none. A view. */
  markerFlags?: Float64Array;
}

/** Gaze samples since the previous batch (Pupil, ~200 Hz): all of them, for matching to video frames by time. */
export interface GazeSection {
  type: 'gaze';
  handle: number;
  count: number;
  /** count × GAZE_STRIDE: hostTimeMs, deviceTimeMs (NaN if unknown), x, y (normalised 0..1), worn (0|1). A view. */
  samples: Float64Array;
}

export interface GazeInput {
  handle: number;
  samples: readonly { hostTimeMs: number; deviceTimeMs?: number; x: number; y: number; worn: boolean }[];
}

export interface UnpackedBatch {
  seq: number;
  sentAtMs: number;
  poses: PosesSection[];
  gaze: GazeSection[];
}

export interface PosesInput {
  handle: number;
  frameNumber?: number;
  hostTimeMs: number;
  deviceTimeMs?: number;
  recording?: boolean;
  samples: number;
  bodies: readonly PackedBody[];
  /** xyz interleaved */
  markers?: ArrayLike<number>;
  /** One MarkerFlags value per marker (extra values are ignored, missing ones are 0). */
  markerFlags?: ArrayLike<number>;
}
