/**
 * The Preferences dialog's values: kept in settings.json (the settings file's `preferences` block,
 * plus its existing recordingFolder, theme, networkInterface, lsl and demoLsl) and applied to the running
 * app at once: the recorder's folder, the alert floor, the stale rule, discovery's interface, LSL's
 * scope and known peers, the demo LSL streams. What the page applies itself
 * (theme, units, up axis) it takes from the answer. Demo mode at start applies at the next start.
 */
import { mkdirSync, statfsSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import type { Preferences, PreferencesState } from '../../preload/api';
import { setDefaultStalePeriods } from '../hub/stale-clock';
import { broadcastOf } from '../net/lab-interface';
import { DEFAULT_LSL_SETTINGS, type LslSettings } from '../protocols/lsl/settings';
import { defaultRecordingFolder, type AppSettings } from './app-settings';

/** The preferences kept elsewhere in the settings file than its `preferences` block. */
type KeptApart = 'recordingFolder' | 'theme' | 'networkInterface' | 'lslScope' | 'lslKnownPeers' | 'demoLsl';

export const DEFAULT_PREFERENCES: Omit<Preferences, KeptApart> = {
  units: 'm',
  upAxis: 'y',
  demoAtStart: true,
  staleFramePeriods: 5,
  rateFloorPercent: 90,
};

export interface SettingsKeeper {
  get(): AppSettings;
  update(next: AppSettings): void;
}

/** What applying a preference reaches; each part is optional (the CLI has no recorder, tests no discovery). */
export interface PreferenceTargets {
  /** The recording session's folder for the next recording. */
  setRecordingFolder?(folder: string): void;
  /** The alert floor, as a share (0.9). */
  setRateFloor?(ratio: number): void;
  /** Discovery's interface (its address and broadcast), or null for every interface. */
  setDiscoveryInterface?(iface: { address: string; broadcast: string } | null): void;
  /**
   * LSL's scope and known peers, and whether demo mode runs the simulated LSL streams, as now in the
   * settings file: discovery asks the new peers at its next scan, outlets reopen on the new scope's
   * groups, the demo streams start or stop.
   */
  setLsl?(lsl: LslSettings, demoLsl: boolean): void;
  /** The app's folder picker; absent in headless mode. */
  pickFolder?(): Promise<string | null>;
}

/** The settings file's values, with defaults for what is not there yet. */
export function preferencesOf(settings: AppSettings): Preferences {
  const stored = settings.preferences ?? {};
  return {
    ...DEFAULT_PREFERENCES,
    ...stored,
    recordingFolder: settings.recordingFolder ?? null,
    theme: settings.theme,
    // The lab interface is the settings' own networkInterface (main/net/lab-interface.ts), not a second copy.
    networkInterface: settings.networkInterface ?? null,
    // LSL's block is the one LSL discovery and the outlets read (main/protocols/lsl/settings.ts).
    lslScope: settings.lsl?.scope ?? DEFAULT_LSL_SETTINGS.scope,
    lslKnownPeers: [...(settings.lsl?.knownPeers ?? DEFAULT_LSL_SETTINGS.knownPeers)],
    demoLsl: settings.demoLsl ?? false,
  };
}

/** IPv4 interfaces with their subnet broadcast (for NatNet and Teleport discovery on that network). */
export function ipv4Interfaces(): { name: string; address: string; broadcast: string }[] {
  const out: { name: string; address: string; broadcast: string }[] = [];
  for (const [name, list] of Object.entries(networkInterfaces())) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4') continue;
      out.push({ name, address: i.address, broadcast: broadcastOf(i.address, i.netmask) });
    }
  }
  return out;
}

/** Free bytes on the disk the folder is (or would be, once made) on: its nearest existing ancestor's. */
function freeBytes(folder: string): number | null {
  for (let dir = folder, i = 0; i < 64; i++) {
    try {
      const s = statfsSync(dir);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  }
  return null;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export class PreferencesService {
  constructor(
    private readonly settings: SettingsKeeper,
    private readonly targets: PreferenceTargets = {},
  ) {}

  /** Applies what the settings file holds (at start). */
  applyStored(): void {
    this.apply(preferencesOf(this.settings.get()));
  }

  state(): PreferencesState {
    const preferences = preferencesOf(this.settings.get());
    const path = preferences.recordingFolder ?? defaultRecordingFolder();
    return {
      preferences,
      recordingFolder: {
        path,
        freeBytes: freeBytes(isFolder(path) ? path : defaultRecordingFolder()),
        usable: isFolder(path),
      },
      interfaces: ipv4Interfaces().map(({ name, address }) => ({ name, address })),
      canPickFolder: this.targets.pickFolder !== undefined,
    };
  }

  /**
   * Checks, saves and applies. The folder must exist or be creatable (it is created); the interface
   * must be one this computer has. (The call's schema checked the rest, known peers included.)
   */
  set(next: Preferences): PreferencesState {
    if (next.recordingFolder !== null) {
      try {
        mkdirSync(next.recordingFolder, { recursive: true });
      } catch (error) {
        throw new Error(`cannot use ${next.recordingFolder} for recordings: ${(error as Error).message}`);
      }
      if (!isFolder(next.recordingFolder)) throw new Error(`${next.recordingFolder} is not a folder`);
    }
    if (next.networkInterface !== null && !ipv4Interfaces().some((i) => i.address === next.networkInterface)) {
      throw new Error(`this computer has no interface with the address ${next.networkInterface}`);
    }
    const { recordingFolder, theme, networkInterface, lslScope, lslKnownPeers, demoLsl, ...rest } = next;
    const current = this.settings.get();
    const { recordingFolder: _old, networkInterface: _oldInterface, demoLsl: _oldDemo, ...without } = current;
    this.settings.update({
      ...without,
      ...(recordingFolder !== null ? { recordingFolder } : {}),
      ...(networkInterface !== null ? { networkInterface } : {}),
      theme,
      preferences: rest,
      lsl: { scope: lslScope, knownPeers: [...lslKnownPeers] },
      ...(demoLsl ? { demoLsl } : {}),
    });
    this.apply(next);
    return this.state();
  }

  pickFolder(): Promise<string | null> {
    if (!this.targets.pickFolder) return Promise.reject(new Error('no folder picker here: type the path'));
    return this.targets.pickFolder();
  }

  private apply(p: Preferences): void {
    this.targets.setRecordingFolder?.(p.recordingFolder ?? defaultRecordingFolder());
    this.targets.setRateFloor?.(p.rateFloorPercent / 100);
    setDefaultStalePeriods(p.staleFramePeriods);
    const iface = p.networkInterface === null ? null : ipv4Interfaces().find((i) => i.address === p.networkInterface);
    this.targets.setDiscoveryInterface?.(iface ? { address: iface.address, broadcast: iface.broadcast } : null);
    this.targets.setLsl?.({ scope: p.lslScope, knownPeers: [...p.lslKnownPeers] }, p.demoLsl);
  }
}
