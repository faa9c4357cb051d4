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
  /** Samples the recorder could not keep (target 0). */
  lost: number;
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
