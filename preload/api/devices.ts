/**
 * Device snapshots: what every device looks like to the page (low rate: on change and ~2 Hz for health).
 */
import type { DeviceState } from './device-state';

/** A registered device kind (main/protocols/registry.ts, described to the window by DeviceKindInfo) or 'playback'. */
export type DeviceKindName = string;

export const CONNECTION_STATES = [
  'idle',
  'connecting',
  'connected',
  'streaming',
  'stale',
  'reconnecting',
  'closed',
] as const;

export interface DeviceHealth {
  state: (typeof CONNECTION_STATES)[number];
  /** Samples per second over the last ~second. */
  sampleRateHz: number;
  /** ms since the last sample, or null before the first one. */
  lastSampleAgeMs: number | null;
  samples: number;
  packets: number;
  malformed: number;
  dropped: number;
  reconnects: number;
  lastError: string | null;
  /** ms until the next connection attempt, while reconnecting. */
  nextRetryMs: number | null;
  clockOffsetMs: number | null;
  clockUncertaintyMs: number | null;
  /** Device clock rate relative to the host's, parts per million (positive: the device runs fast). */
  clockDriftPpm: number | null;
  /** Seconds of round trips the drift was fitted over (0: not fitted yet). */
  clockDriftBaselineS: number | null;
  latency: { systemMs?: number; softwareMs?: number; transitMs?: number } | null;
}

export interface DeviceSnapshot {
  /** Small integer the packed batches use to name this device. Stable for the Hub's lifetime. */
  handle: number;
  id: string;
  kind: DeviceKindName;
  label: string;
  /** e.g. "Motive 3.1.0.0 · NatNet 4.1 · unicast". */
  peer: string | null;
  /** Is this one of the demo simulators? */
  simulated: boolean;
  capabilities: {
    recording: boolean;
    events: boolean;
    /** Stop and discard a recording (Pupil recording:cancel). Absent: not offered. */
    cancelRecording?: boolean;
    /** The device's current room → scene transform, when the operator can change it (VRPN). */
    transform?: PoseTransform;
  };
  /** Device-side recording state, when known. */
  recording: boolean | null;
  health: DeviceHealth;
  /**
   * What only this kind's panel shows (the kind's client sets it; e.g. TeleportStatus for a Teleport
   * server's session, ENet link and node table). Absent when the kind has none.
   */
  detail?: unknown;
  /** What the device reports about itself (Pupil: the phone's status), when it reports anything. */
  deviceState?: DeviceState;
}

/**
 * From a device's room into the scene (Y up, metres). VRPN rooms are often Z up: `up: 'z'` rotates
 * −90° about X. `scale` multiplies positions (0.001 for millimetres); `offset` is added after, in metres.
 */
export interface PoseTransform {
  up: 'y' | 'z';
  scale?: number;
  offset?: [number, number, number];
}
