/**
 * The one list of device kinds. Everything that serves every kind (Hub set-up, device file, device
 * manager, discovery, demo mode, CLI, recorder, the window's device form) reads it, so adding a kind
 * is a folder with its descriptor (see descriptor.ts) and one entry here (an import and its name in KINDS).
 */
import { setDeviceKinds, type DeviceKindInfo } from '../../preload/api';
import type { KindDescriptor } from './descriptor';
import { lsl } from './lsl';
import { natnet } from './natnet';
import { pupil } from './pupil';
import { teleport } from './teleport';
import { vrpn } from './vrpn';

export const KINDS = [natnet, pupil, vrpn, teleport, lsl] as const;

/** Every registered descriptor, in registry order. */
export type RegisteredKind = (typeof KINDS)[number];

/**
 * A list of kinds to serve. The app uses KINDS; a test can make one with a kind of its own
 * (the same code paths then serve it without other edits).
 */
export class KindRegistry {
  private readonly byKind = new Map<string, KindDescriptor>();

  constructor(readonly all: readonly KindDescriptor[]) {
    for (const d of all) {
      if (this.byKind.has(d.kind)) throw new Error(`device kind "${d.kind}" is registered twice`);
      this.byKind.set(d.kind, d);
    }
  }

  get(kind: string): KindDescriptor | undefined {
    return this.byKind.get(kind);
  }

  names(): string[] {
    return this.all.map((d) => d.kind);
  }

  /** What the window needs to know about each kind (sent over the link). */
  infos(): DeviceKindInfo[] {
    return this.all.map((d) => ({
      kind: d.kind,
      name: d.name,
      label: d.label,
      addable: true,
      searchesFirst: d.panel?.searchesFirst === true,
      form: d.form.address,
    }));
  }
}

let active = new KindRegistry(KINDS as readonly KindDescriptor[]);
setDeviceKinds(active.infos());

/** The kinds this process serves. */
export function kinds(): KindRegistry {
  return active;
}

/**
 * Serves another list of kinds (tests: a fake kind next to the real ones) until the returned function
 * restores the previous one.
 */
export function useKinds(registry: KindRegistry): () => void {
  const previous = active;
  active = registry;
  setDeviceKinds(registry.infos());
  return () => {
    active = previous;
    setDeviceKinds(previous.infos());
  };
}
