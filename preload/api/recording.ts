/** The lab-wide recording session and the recording played back, as main reports them. */

/** A device's answer to the Record button's remote start/stop. */
export interface RemoteRecordingAnswer {
  deviceId: string;
  action: 'start' | 'stop';
  outcome: 'started' | 'stopped' | 'refused' | 'timed out';
  takeName: string | null;
  /** The device's reason when it refused or did not answer. */
  reason: string | null;
  elapsedMs: number;
}

/** Samples lost while recording, by where they were lost (per device, and summed). */
export interface LossCounters {
  /** Frame numbers the device skipped (lost before they reached this computer). */
  frameGaps: number;
  /** Datagrams the OS dropped on the device's UDP sockets; null where the OS does not say (not Linux, no UDP). */
  kernelDrops: number | null;
  /** Samples dropped because the recorder's worker or the disk could not keep up. */
  handoffOverflows: number;
  /** Samples the recorder could not encode or write. */
  recorderLosses: number;
}

/** The recording disk: free space and how long it lasts at the current write rate. */
export interface RecordingDisk {
  freeBytes: number | null;
  bytesPerSecond: number;
  /** null before a write rate is known. */
  secondsLeft: number | null;
  /** Less than 10 minutes left. */
  low: boolean;
}

/** The lab-wide recording session (local MCAP + device-side recordings). */
export interface SessionState {
  active: boolean;
  name: string | null;
  /** The session folder (MCAP + session.json). */
  folder: string | null;
  startedAtMs: number | null;
  messages: number;
  /** Bytes on disk. */
  bytes: number;
  /** Samples lost, all four counters together (target 0). */
  lost: number;
  /** The four loss counters, summed over the devices and per device. */
  losses: LossCounters;
  deviceLosses: Record<string, LossCounters>;
  /** null when not recording. */
  disk: RecordingDisk | null;
  /** Why the recording stopped on its own (disk full, permission). */
  error: string | null;
  remote: RemoteRecordingAnswer[];
  lastEvent: { text: string; atMs: number; answers: { deviceId: string; result: string }[] } | null;
}

/** A recording being played back (its devices appear as 'playback' devices). */
export interface PlaybackState {
  file: string;
  playing: boolean;
  /** Reached the end (play starts again from the beginning). */
  ended: boolean;
  speed: number;
  /** Recorded host time (Unix ns) now playing, and the recording's span. */
  positionNs: number;
  startNs: number;
  endNs: number;
  /** The playback devices' ids. */
  devices: string[];
  /** Why the file is incomplete or damaged, when it is (it plays what is readable). */
  problem: string | null;
}
