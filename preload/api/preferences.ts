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
