/**
 * The device's own state for its snapshot: the source's deviceState capability when it has one, else
 * what its status carries (Pupil Companion: `status().companion`, converted here), else nothing.
 * Never throws: a source failing to report is shown as reporting nothing.
 */
import type { DeviceState } from '../../preload/api';
import type { CompanionState, Source, SourceStatus } from './source';

export function deviceStateOf(source: Source, status: SourceStatus): DeviceState | null {
  try {
    const reported = source.capabilities.deviceState?.current();
    if (reported) return reported;
  } catch {
    return null;
  }
  return status.companion ? fromCompanion(status.companion) : null;
}

export function fromCompanion(c: CompanionState): DeviceState {
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
