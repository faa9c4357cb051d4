/** The Events panel's model (pure, for the unit test): which rows show, newest first, and how times read. */
import type { DeviceEventRow } from '../../../preload/api';

/** A device the filter offers: its key (the device id, or the source for the operator and the recording). */
export interface EventDeviceOption {
  key: string;
  name: string;
}

export function deviceKey(row: Pick<DeviceEventRow, 'deviceId' | 'source'>): string {
  return row.deviceId ?? `(${row.source})`;
}

/** Every device that has a row, by its latest name, in the order they first appear. */
export function eventDevices(rows: readonly DeviceEventRow[]): EventDeviceOption[] {
  const names = new Map<string, string>();
  for (const r of rows) names.set(deviceKey(r), r.device);
  return [...names].map(([key, name]) => ({ key, name }));
}

export interface EventFilter {
  /** A deviceKey, or '' for every device. */
  device: string;
  /** Case-insensitive, in the device's name, the event's text or its value. */
  text: string;
}

/** The rows to show, newest first. */
export function visibleEvents(rows: readonly DeviceEventRow[], filter: EventFilter): DeviceEventRow[] {
  const text = filter.text.trim().toLowerCase();
  const out: DeviceEventRow[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i]!;
    if (filter.device && deviceKey(r) !== filter.device) continue;
    if (text && !`${r.device}\u0000${r.text}\u0000${r.value ?? ''}`.toLowerCase().includes(text)) continue;
    out.push(r);
  }
  return out;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local wall-clock time to the millisecond, as an operator compares it with a lab notebook. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The device's time against the host's arrival, in ms (negative: the device stamped it before it arrived). */
export function deviceLag(row: Pick<DeviceEventRow, 'atMs' | 'deviceTimeMs'>): string | null {
  if (row.deviceTimeMs === null) return null;
  const d = row.deviceTimeMs - row.atMs;
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} ms`;
}
