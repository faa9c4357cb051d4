/** The Preferences dialog (main/settings/preferences.ts): the values, kept in settings.json and applied at once. */

/** The operator's preferences. */
export interface Preferences {
  /** Where recordings go; null: the default folder. */
  recordingFolder: string | null;
  theme: 'system' | 'dark' | 'light';
  units: 'm' | 'mm';
  upAxis: 'y' | 'z';
  /** Start the simulators when no device is configured (applies at the next start). */
  demoAtStart: boolean;
  /** A device is stale after this many of its own frame periods without a sample. */
  staleFramePeriods: number;
  /** Alert when a device runs under this share of its expected rate, in percent. */
  rateFloorPercent: number;
  /**
   * The lab interface (the settings' networkInterface): the IPv4 address discovery and multicast use;
   * null: the system's choice. Discovery follows a change at once, devices at their next connection.
   */
  networkInterface: string | null;
  /**
   * LSL's resolve scope (the settings' lsl.scope): where discovery asks and which multicast groups
   * Sightline's outlets answer on. Demo mode and tests stay on this computer whatever it says.
   */
  lslScope: LslScope;
  /** LSL's known peers (the settings' lsl.knownPeers): PCs asked directly, host names or IPv4 addresses. */
  lslKnownPeers: string[];
  /** Demo mode also runs the simulated LSL streams (the settings' demoLsl); they start and stop at once. */
  demoLsl: boolean;
}

export const LSL_SCOPES = ['machine', 'link', 'site'] as const;
export type LslScope = (typeof LSL_SCOPES)[number];
/** As many known peers as the settings file keeps. */
export const MAX_KNOWN_PEERS = 64;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * What is wrong with a known peer, in the operator's words, or null: an IPv4 address, or a host name
 * (letters, digits and hyphens, dot-separated labels of at most 63, 253 in all). Shared by the
 * dialog (a message per line) and main's check of the call.
 */
export function knownPeerProblem(peer: string): string | null {
  if (peer.length === 0) return 'a known peer cannot be empty';
  if (peer.length > 253) return `"${peer.slice(0, 40)}…" is longer than a host name can be`;
  if (peer.includes(':')) return `"${peer}": IPv6 addresses are not supported here (LSL discovery runs on IPv4)`;
  if (/^[\d.]+$/.test(peer)) return IPV4.test(peer) ? null : `"${peer}" is not a valid IPv4 address`;
  const labels = peer.split('.');
  if (!labels.every((l) => LABEL.test(l))) {
    return `"${peer}" is not a host name or IPv4 address (letters, digits, hyphens and dots only)`;
  }
  return null;
}

/** The dialog's text (one peer per line, or separated by commas or spaces) as a list, or the first problem. */
export function parseKnownPeers(text: string): { peers: string[] } | { error: string } {
  const peers = [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((p) => p.trim())
        .filter((p) => p.length > 0),
    ),
  ];
  for (const peer of peers) {
    const problem = knownPeerProblem(peer);
    if (problem) return { error: problem };
  }
  if (peers.length > MAX_KNOWN_PEERS) return { error: `at most ${MAX_KNOWN_PEERS} known peers` };
  return { peers };
}

/** What the dialog shows besides the values: the folder's free space, the interfaces, the picker. */
export interface PreferencesState {
  preferences: Preferences;
  /** The folder recordings go to now, its free bytes (null if unknown) and whether it is usable. */
  recordingFolder: { path: string; freeBytes: number | null; usable: boolean };
  interfaces: { name: string; address: string }[];
  /** The app can show a folder picker (pickFolder); headless mode takes a typed path. */
  canPickFolder: boolean;
}
