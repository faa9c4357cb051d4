/** The Preferences dialog's calls: main keeps and applies the values; the page applies its own part. */
import type { Preferences, PreferencesState } from '../../../preload/api';
import { linkBridge } from './link-bridge';

export async function loadPreferences(): Promise<PreferencesState | string> {
  const r = await linkBridge().call('getPreferences', {});
  return r.ok ? r.value : r.error;
}

export async function savePreferences(preferences: Preferences): Promise<PreferencesState | string> {
  const r = await linkBridge().call('setPreferences', { preferences });
  return r.ok ? r.value : r.error;
}

export async function pickFolder(): Promise<string | null | { error: string }> {
  const r = await linkBridge().call('pickFolder', {});
  return r.ok ? r.value : { error: r.error };
}
