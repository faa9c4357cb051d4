/**
 * The state of every input device (VRPN buttons, analogs, dials) built from the Hub's samples, so the
 * renderer gets a small InputsEvent on change (~10 Hz at most) instead of every sample.
 */
import { InputLimits, type InputDeviceState, type InputsEvent } from '../../preload/api';
import type { Sample } from '../hub/source';

interface HandleState {
  devices: Map<string, InputDeviceState>;
  dirty: boolean;
}

export class InputStates {
  private readonly handles = new Map<number, HandleState>();

  /** Folds one sample in; true when it changed something a panel shows. Other kinds are ignored. */
  onSample(handle: number, sample: Sample): boolean {
    if (sample.kind === 'analog') {
      if (!sample.device) return false;
      const d = this.device(handle, sample.device);
      if (!d) return false;
      d.analog = sample.channels.slice(0, InputLimits.maxAnalog);
      return this.touch(handle);
    }
    if (sample.kind !== 'event' || !sample.control || typeof sample.value !== 'number') return false;
    const { device, kind, index } = sample.control;
    const d = this.device(handle, device);
    if (!d || index < 0) return false;
    if (kind === 'button') {
      if (index >= InputLimits.maxButtons) return false;
      fill(d.buttons, index);
      fill(d.presses, index);
      const pressed = sample.value ? 1 : 0;
      if (pressed && !d.buttons[index]) d.presses[index]!++;
      d.buttons[index] = pressed;
    } else {
      if (index >= InputLimits.maxDials) return false;
      fill(d.dials, index);
      d.dials[index]! += sample.value;
    }
    return this.touch(handle);
  }

  /** Events for the handles that changed since the last call. */
  takeChanged(): InputsEvent[] {
    const out: InputsEvent[] = [];
    for (const [handle, h] of this.handles) {
      if (!h.dirty) continue;
      h.dirty = false;
      out.push(this.eventOf(handle, h));
    }
    return out;
  }

  /** Every handle's state (a renderer that just connected). */
  all(): InputsEvent[] {
    return [...this.handles].map(([handle, h]) => this.eventOf(handle, h));
  }

  private eventOf(handle: number, h: HandleState): InputsEvent {
    const devices = [...h.devices.values()].map((d) => ({
      name: d.name,
      buttons: [...d.buttons],
      presses: [...d.presses],
      analog: [...d.analog],
      dials: [...d.dials],
    }));
    return { type: 'inputs', handle, devices };
  }

  private device(handle: number, name: string): InputDeviceState | null {
    let h = this.handles.get(handle);
    if (!h) {
      h = { devices: new Map(), dirty: false };
      this.handles.set(handle, h);
    }
    let d = h.devices.get(name);
    if (!d) {
      if (h.devices.size >= InputLimits.maxDevices || name.length > InputLimits.maxName) return null;
      d = { name, buttons: [], presses: [], analog: [], dials: [] };
      h.devices.set(name, d);
    }
    return d;
  }

  private touch(handle: number): true {
    this.handles.get(handle)!.dirty = true;
    return true;
  }
}

function fill(list: number[], index: number): void {
  while (list.length <= index) list.push(0);
}
