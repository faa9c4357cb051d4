/**
 * What a Pupil Companion phone reports about itself (status REST/WebSocket), and the same in the
 * contract's words (DeviceState), which the client reports through the deviceState capability.
 */
import type { DeviceState } from '../../../preload/api';

/** What a Pupil Companion phone reports about itself (status REST/WebSocket), kept current. */
export interface CompanionState {
  family: 'Neon' | 'Pupil Invisible' | null;
  phoneName: string | null;
  deviceId: string | null;
  batteryLevel: number | null;
  batteryState: string | null;
  /** Free storage, bytes. */
  storageBytes: number | null;
  storageState: string | null;
  /** DIRECT sensors: world, gaze (and imu, eye_events, eyes on Neon). */
  sensors: { name: string; connected: boolean; streamError: boolean }[];
  /** The last Recording message; `receivedAtMs` (host Unix ms) lets the UI run the timer locally. */
  recording: { id: string; action: string; durationNs: number; receivedAtMs: number; message: string | null } | null;
  lastEvent: { name: string | null; timestampNs: number; recordingId: string | null } | null;
  /** Status WebSocket up. */
  live: boolean;
}

/** The phone's state as every panel reads a device's own state. */
export function deviceStateFromCompanion(c: CompanionState): DeviceState {
  const state: DeviceState = {
    sensors: c.sensors.map((s) => ({ name: s.name, connected: s.connected, error: s.streamError })),
  };
  const name = [c.phoneName, c.family].filter((part): part is string => Boolean(part)).join(' · ');
  if (name) state.name = name;
  if (c.batteryLevel !== null) state.battery = { percent: c.batteryLevel, state: c.batteryState ?? 'OK' };
  if (c.storageBytes !== null) state.storage = { freeBytes: c.storageBytes, state: c.storageState ?? 'OK' };
  if (c.recording) {
    state.recording = {
      id: c.recording.id,
      action: c.recording.action,
      durationNs: c.recording.durationNs,
      atHostMs: c.recording.receivedAtMs,
      running: c.recording.action === 'START',
      ...(c.recording.message ? { message: c.recording.message } : {}),
    };
  }
  if (c.lastEvent) {
    state.lastEvent = {
      name: c.lastEvent.name ?? '',
      timestampNs: c.lastEvent.timestampNs,
      recordingId: c.lastEvent.recordingId,
    };
  }
  return state;
}
