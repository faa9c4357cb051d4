/**
 * The operator's dashboard (main/devices/): found devices, rate history, alerts, the device file's
 * list. ~1 Hz and on change.
 */
import { deviceKindInfo } from '../device-kinds';
import type { DeviceHealth, DeviceKindName } from './devices';

export {
  deviceKindInfo,
  deviceKinds,
  setDeviceKinds,
  type DeviceKindInfo,
  type KindAddressForm,
} from '../device-kinds';

/** A device that answered discovery and is not in the device list yet ("found, not added"). */
export interface FoundDevice {
  kind: DeviceKindName;
  /** What the device calls itself (Motive's app name, the phone's name), or the kind's name. */
  name: string;
  /** What the add form's address field takes for this kind, e.g. "127.0.0.1:1510". */
  address: string;
  /** e.g. "Motive 3.1.0.0, NatNet 4.1". */
  detail: string;
}

export const ALERT_RULES = ['lost', 'stale', 'low-rate', 'clock-jump'] as const;
export const ALERT_HISTORY_LENGTH = 100;
export type AlertRule = (typeof ALERT_RULES)[number];

export interface DeviceAlert {
  /** Unique for the process; the renderer uses it to dismiss and to notify once. */
  id: number;
  deviceId: string;
  rule: AlertRule;
  message: string;
  /** Host Unix ms when the condition began. */
  atMs: number;
  /**
   * Host Unix ms when the operator acknowledged it: it stays active while its condition lasts (the
   * device row shows it) but no longer counts as open (banner, lab bar).
   */
  acknowledgedAtMs?: number;
}

/** One alert in the history: when it began, whether and when it was acknowledged, when it ended. */
export interface AlertRecord extends DeviceAlert {
  /** Host Unix ms when its condition ended, null while it lasts. */
  endedAtMs: number | null;
  /** How it ended: the condition cleared, or the operator accepted the new rate. */
  ending?: 'cleared' | 'accepted';
}

/** An alert still counts as open until the operator acknowledges it. */
export function isOpenAlert(alert: DeviceAlert): boolean {
  return alert.acknowledgedAtMs === undefined;
}

/** One device's health over the last minute: what the sparkline draws. */
export interface RateHistory {
  deviceId: string;
  /** The rate the device should run at (device file's expectedRateHz, else learned), null while unknown. */
  expectedHz: number | null;
  /** Host Unix ms of the newest point; points are one second apart, oldest first, at most 60. */
  endMs: number;
  ratesHz: number[];
}

/**
 * What a device row says, in the operator's words (issue: searching, connecting, streaming, stale, lost,
 * error with its reason), from the Hub's connection state. Shared by main's alert rules and the panel.
 */
export const ROW_STATES = ['searching', 'connecting', 'streaming', 'stale', 'lost', 'error', 'disconnected'] as const;
export type RowState = (typeof ROW_STATES)[number];

/** A stale device silent this long is lost to the operator, though the Hub has not given up on it. */
export const LOST_AFTER_MS = 1000;

export function deviceRowState(
  kind: DeviceKindName,
  health: Pick<DeviceHealth, 'state' | 'lastSampleAgeMs' | 'samples' | 'lastError'>,
): RowState {
  switch (health.state) {
    case 'idle':
    case 'closed':
      return 'disconnected';
    case 'connecting':
    case 'connected':
      // The Hub retrying after a failure (lastError kept): the outage goes on through its attempts.
      if (health.lastError !== null) return health.samples > 0 ? 'lost' : 'error';
      // Some clients' first step is finding their server (Teleport: UDP discovery); their kind says so.
      return deviceKindInfo(kind)?.searchesFirst && health.state === 'connecting' ? 'searching' : 'connecting';
    case 'streaming':
      return 'streaming';
    case 'stale':
      return health.lastSampleAgeMs !== null && health.lastSampleAgeMs > LOST_AFTER_MS ? 'lost' : 'stale';
    case 'reconnecting':
      // Streamed before: it dropped. Never streamed: it cannot be reached, and lastError says why.
      return health.samples > 0 ? 'lost' : 'error';
  }
}

/** A device file entry as the add/edit form shows it. */
export interface SavedDevice {
  deviceId: string;
  kind: DeviceKindName;
  /** The form's address (Device@host[:port] for VRPN). */
  address: string;
  name: string | null;
  expectedRateHz: number | null;
  /** false: the operator disconnected it; it is not connected at start. */
  enabled: boolean;
}

export interface DashboardEvent {
  type: 'dashboard';
  found: FoundDevice[];
  /** Discovery running right now (the "searching" indicator). */
  searching: boolean;
  history: RateHistory[];
  /** Active alerts, oldest first. */
  alerts: DeviceAlert[];
  /** The last alerts (active and ended), newest first, at most ALERT_HISTORY_LENGTH. */
  alertHistory: AlertRecord[];
  /** The devices written in the device file (the others are demo devices, not saved). */
  saved: SavedDevice[];
  /** The device file the app writes. */
  deviceFile: string | null;
  /** The lab-wide recording session, when a recorder is attached (hook: null until one is). */
  session: { recording: boolean; startedAtMs: number | null } | null;
}
