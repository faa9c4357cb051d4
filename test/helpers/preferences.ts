/** A complete, valid set of preferences for tests: the defaults, with the parts kept apart in the settings file. */
import { DEFAULT_PREFERENCES } from '../../main/settings/preferences';
import type { Preferences } from '../../preload/api';

export const BASE_PREFERENCES: Preferences = {
  ...DEFAULT_PREFERENCES,
  recordingFolder: null,
  theme: 'system',
  networkInterface: null,
  lslScope: 'site',
  lslKnownPeers: [],
  demoLsl: false,
};
