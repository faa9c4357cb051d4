/**
 * The Events panel's rows: timestamped events of every device (LSL string markers, VRPN buttons and
 * dials, Pupil eye events, a recording's events played back), the operator's events and the lab
 * recording's start and stop. Main batches them (main/link/event-feed.ts): at most a batch every
 * 100 ms, each bounded, so a 1 kHz marker stream cannot flood the link; what it leaves out is counted.
 */

export type DeviceEventSource = 'device' | 'operator' | 'recording';

export interface DeviceEventRow {
  /** Increasing for the process: the page keys rows by it and knows what is new. */
  id: number;
  /** Host Unix ms when the event arrived (or the operator sent it). */
  atMs: number;
  /** The event's device time mapped to host Unix ms through the device's clock model, when known. */
  deviceTimeMs: number | null;
  source: DeviceEventSource;
  /** The device's id (null for the operator and the recording). */
  deviceId: string | null;
  /** Who the event is from, in the operator's words: the device's name, "Operator", "Recording". */
  device: string;
  /** The marker's text, the button's name, the event's name. */
  text: string;
  /** What it says beyond its name ("pressed", "+0.25 rev", a duration), or null. */
  value: string | null;
}

export interface DeviceEventsEvent {
  type: 'device-events';
  /** Oldest first. */
  rows: DeviceEventRow[];
  /** Events main left out since it started because they came faster than the link takes them. */
  dropped: number;
  /** true: these rows are main's whole recent history (a page that (re)connected), not new ones. */
  replace: boolean;
}

export const DeviceEventLimits = {
  /** Rows per batch and in main's history (what a page gets when it connects). */
  maxRows: 1000,
  maxText: 500,
  maxValue: 100,
  maxDevice: 200,
  maxId: 128,
} as const;

const SOURCES: readonly string[] = ['device', 'operator', 'recording'];

function boundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function finiteOrNull(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/** Checks a device-events event from main before the page trusts it (no zod in the renderer). */
export function readDeviceEventsEvent(event: unknown): DeviceEventsEvent | null {
  const e = event as Partial<DeviceEventsEvent> | null;
  if (!e || e.type !== 'device-events' || !Array.isArray(e.rows) || e.rows.length > DeviceEventLimits.maxRows) {
    return null;
  }
  if (!Number.isSafeInteger(e.dropped) || e.dropped! < 0 || typeof e.replace !== 'boolean') return null;
  const rows: DeviceEventRow[] = [];
  for (const r of e.rows as unknown[]) {
    const x = r as Partial<DeviceEventRow> | null;
    if (!x || !Number.isSafeInteger(x.id) || typeof x.atMs !== 'number' || !Number.isFinite(x.atMs)) return null;
    if (!finiteOrNull(x.deviceTimeMs) || typeof x.source !== 'string' || !SOURCES.includes(x.source)) return null;
    if (x.deviceId !== null && !boundedString(x.deviceId, DeviceEventLimits.maxId)) return null;
    if (!boundedString(x.device, DeviceEventLimits.maxDevice) || !boundedString(x.text, DeviceEventLimits.maxText)) {
      return null;
    }
    if (x.value !== null && !boundedString(x.value, DeviceEventLimits.maxValue)) return null;
    rows.push({
      id: x.id!,
      atMs: x.atMs,
      deviceTimeMs: x.deviceTimeMs!,
      source: x.source as DeviceEventSource,
      deviceId: x.deviceId ?? null,
      device: x.device,
      text: x.text,
      value: x.value ?? null,
    });
  }
  return { type: 'device-events', rows, dropped: e.dropped!, replace: e.replace };
}
