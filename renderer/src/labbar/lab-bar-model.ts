/**
 * What the lab bar shows, as pure functions so unit tests read them: one chip per device and the
 * summary beside it ("5/5 streaming · REC 00:12:31 · disk 9 h left"). The kind's icon and name come
 * from a small table keyed by the kind string with a generic fallback, so a new device kind shows
 * up without a change here.
 */
import {
  deviceRowState,
  isOpenAlert,
  type DeviceAlert,
  type DeviceSnapshot,
  type RateHistory,
} from '../../../preload/api';
import { formatDuration, rateAgainstExpected, ROW_STATE_LOOK } from '../panels/device-summary';
import { formatAge } from '../panels/format';

export interface KindLook {
  icon: string;
  name: string;
}

/** Glyphs every system font has (DejaVu included). Unknown kinds get the fallback. */
const KIND_LOOKS: Record<string, KindLook> = {
  natnet: { icon: '⊕', name: 'Motive' },
  pupil: { icon: '◉', name: 'Pupil Companion' },
  vrpn: { icon: '✜', name: 'VRPN' },
  teleport: { icon: '⇄', name: 'Teleport' },
  lsl: { icon: '≋', name: 'Lab Streaming Layer' },
  playback: { icon: '▶', name: 'Playback' },
};

export function kindLook(kind: string): KindLook {
  return KIND_LOOKS[kind] ?? { icon: '◇', name: kind };
}

export interface ChipModel {
  deviceId: string;
  name: string;
  kind: KindLook;
  state: (typeof ROW_STATE_LOOK)[keyof typeof ROW_STATE_LOOK] & { key: string };
  rate: string;
  /** Under the alert floor of the expected rate while streaming. */
  rateLow: boolean;
  age: string;
  recording: boolean | null;
  openAlerts: number;
  /** Everything above in words, for the chip's accessible name. */
  description: string;
}

export function chipModel(
  device: Pick<DeviceSnapshot, 'id' | 'kind' | 'label' | 'health' | 'recording'>,
  history: Pick<RateHistory, 'expectedHz'> | null,
  alerts: readonly DeviceAlert[],
  lowRateRatio = 0.9,
): ChipModel {
  const h = device.health;
  const row = deviceRowState(device.kind, h);
  const look = ROW_STATE_LOOK[row];
  const expected = history?.expectedHz ?? null;
  const rate = rateAgainstExpected(h.sampleRateHz, expected);
  const openAlerts = alerts.filter((a) => a.deviceId === device.id && isOpenAlert(a)).length;
  const kind = kindLook(device.kind);
  const age = formatAge(h.lastSampleAgeMs);
  const parts = [`${kind.name} ${device.label}`, look.text, rate, `last sample ${age} ago`];
  if (device.recording) parts.push('recording');
  if (openAlerts > 0) parts.push(`${openAlerts} open alert${openAlerts === 1 ? '' : 's'}`);
  return {
    deviceId: device.id,
    name: device.label,
    kind,
    state: { ...look, key: row },
    rate,
    rateLow: expected !== null && row === 'streaming' && h.sampleRateHz < lowRateRatio * expected,
    age,
    recording: device.recording,
    openAlerts,
    description: parts.join(', '),
  };
}

/** "9 h", "45 min", "50 s": how long the free disk space lasts at the current write rate. */
export function formatTimeLeft(seconds: number): string {
  if (!Number.isFinite(seconds)) return '∞';
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)} h`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)} min`;
  return `${Math.max(0, Math.floor(seconds))} s`;
}

export interface LabSession {
  recording: boolean;
  startedAtMs: number | null;
  /** Seconds the free disk space lasts, once the recorder reports it. */
  diskSecondsLeft?: number | null;
}

/** "5/5 streaming · REC 00:12:31 · disk 9 h left" (the disk part once the recorder reports it). */
export function labSummary(
  devices: readonly Pick<DeviceSnapshot, 'kind' | 'health'>[],
  session: LabSession | null,
  nowMs: number,
): string {
  const streaming = devices.filter((d) => deviceRowState(d.kind, d.health) === 'streaming').length;
  const parts = [`${streaming}/${devices.length} streaming`];
  if (session?.recording) {
    parts.push(session.startedAtMs === null ? 'REC' : `REC ${formatDuration(nowMs - session.startedAtMs)}`);
  }
  if (typeof session?.diskSecondsLeft === 'number') parts.push(`disk ${formatTimeLeft(session.diskSecondsLeft)} left`);
  return parts.join(' · ');
}
