/**
 * What a device reports about itself beyond its link: the Companion phone's battery, storage, sensors,
 * recording and last event (its status WebSocket). Every part is optional: show what is known.
 */
export interface DeviceState {
  /** e.g. "OnePlus8 · Pupil Invisible" */
  name?: string;
  battery?: { percent: number; state: string };
  storage?: { freeBytes: number; state: string };
  /** e.g. "Neon module 841684" */
  hardware?: string;
  sensors?: DeviceSensorState[];
  recording?: DeviceRecordingState;
  lastEvent?: { name: string; timestampNs: number; recordingId: string | null };
  /** The recording template, read-only (Pupil template_def + template_data). */
  template?: { name: string; items: { label: string; answer: string; required: boolean }[] };
}

export interface DeviceSensorState {
  /** e.g. "world", "gaze", "imu" (one entry per sensor, not per connection type). */
  name: string;
  connected: boolean;
  /** The device says the stream failed (Pupil stream_error). */
  error: boolean;
}

export interface DeviceRecordingState {
  id: string | null;
  /** The device's last recording message, e.g. START, STOP, SAVE, DISCARD, ERROR. */
  action: string;
  /** Recording duration the device reported, in ns. */
  durationNs: number;
  /** Host Unix ms at which durationNs was true: while recording, the UI counts on from here. */
  atHostMs: number;
  running: boolean;
  /** The device's error text (action ERROR). */
  message?: string;
}

/** What a device answered to a command, in words the operator can read (Pupil: the REST reply). */
export interface DeviceAnswer {
  message: string;
}
