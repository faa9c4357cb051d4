/**
 * Input devices of a source (VRPN buttons, analogs, dials), as state, at most ~10 times a second and
 * only on change: a panel shows the current values, never every sample (the recorder gets those).
 */
export interface InputDeviceState {
  /** The input device's own name (a VRPN sender name). */
  name: string;
  /** 0/1 per button. */
  buttons: number[];
  /** Presses (0 → 1) per button since the source connected: a press shorter than an update still shows. */
  presses: number[];
  analog: number[];
  /** Per dial: revolutions accumulated from the reported changes. */
  dials: number[];
}

export interface InputsEvent {
  type: 'inputs';
  handle: number;
  devices: InputDeviceState[];
}

export const InputLimits = { maxDevices: 64, maxButtons: 256, maxAnalog: 128, maxDials: 64, maxName: 95 } as const;

function numberList(value: unknown, max: number): number[] | null {
  if (!Array.isArray(value) || value.length > max) return null;
  return value.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (value as number[]) : null;
}

/** Checks an inputs event from main before the renderer trusts its counts (no zod in the renderer). */
export function readInputsEvent(event: unknown): InputsEvent | null {
  const e = event as Partial<InputsEvent> | null;
  if (!e || e.type !== 'inputs' || !Number.isInteger(e.handle) || !Array.isArray(e.devices)) return null;
  if (e.devices.length > InputLimits.maxDevices) return null;
  const devices: InputDeviceState[] = [];
  for (const d of e.devices as unknown[]) {
    const x = d as Partial<InputDeviceState> | null;
    if (!x || typeof x.name !== 'string' || x.name.length > InputLimits.maxName) return null;
    const buttons = numberList(x.buttons, InputLimits.maxButtons);
    const presses = numberList(x.presses, InputLimits.maxButtons);
    const analog = numberList(x.analog, InputLimits.maxAnalog);
    const dials = numberList(x.dials, InputLimits.maxDials);
    if (!buttons || !presses || !analog || !dials) return null;
    devices.push({ name: x.name, buttons, presses, analog, dials });
  }
  return { type: 'inputs', handle: e.handle!, devices };
}
