/**
 * What the Channels panel shows: each device that reports analog channels and has no panel of its own
 * for them (an LSL stream; VRPN's analogs are in its own panel), with the channels' current values and
 * names. Names come from the device's detail `labels` (an LSL stream's channel labels) when they are a
 * list of strings; `ch N` otherwise. Pure, for its unit test.
 */
import type { DeviceSnapshot, InputDeviceState } from '../../../preload/api';

/** Kinds whose own panel shows their analog channels. */
export const KINDS_WITH_INPUT_PANEL: ReadonlySet<string> = new Set(['vrpn']);

export interface ChannelRow {
  label: string;
  value: number;
}

export interface ChannelDevice {
  deviceId: string;
  label: string;
  channels: ChannelRow[];
  /** The largest |value| now, for bars drawn to one scale per device (EEG microvolts are not ±1). */
  scale: number;
}

function labelsOf(detail: unknown): string[] | null {
  const labels = (detail as { labels?: unknown } | null | undefined)?.labels;
  return Array.isArray(labels) && labels.every((l) => typeof l === 'string') ? (labels as string[]) : null;
}

export function channelDevices(
  devices: readonly DeviceSnapshot[],
  inputs: Readonly<Record<number, InputDeviceState[] | undefined>>,
): ChannelDevice[] {
  return devices.flatMap((device) => {
    if (KINDS_WITH_INPUT_PANEL.has(device.kind)) return [];
    const analog = (inputs[device.handle] ?? []).flatMap((input) => input.analog);
    if (analog.length === 0) return [];
    const labels = labelsOf(device.detail);
    const channels = analog.map((value, i) => ({ label: labels?.[i] || `ch ${i}`, value }));
    const scale = Math.max(0, ...analog.map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
    return [{ deviceId: device.id, label: device.label, channels, scale }];
  });
}
