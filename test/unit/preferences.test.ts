/**
 * Preferences (main/settings/preferences.ts): validated by the RPC schema, saved to settings.json,
 * and applied to the running app at once (recorder folder, alert floor, stale rule, discovery's
 * interface); a folder that cannot be made or an interface this computer lacks is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Preferences } from '../../preload/api';
import { validateRpc } from '../../preload/api-schemas';
import { StaleClock } from '../../main/hub/stale-clock';
import { broadcastOf } from '../../main/net/lab-interface';
import { ipv4Interfaces, PreferencesService, preferencesOf } from '../../main/settings/preferences';
import { SettingsStore } from '../../main/settings/settings-store';
import { DiscoveryService, lanTargets } from '../../main/devices/discovery-service';
import { BASE_PREFERENCES } from '../helpers/preferences';

const dir = mkdtempSync(join(tmpdir(), 'sightline-prefs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base: Preferences = BASE_PREFERENCES;

describe('preferences', () => {
  test('the RPC takes only valid values', () => {
    assert.ok(validateRpc('setPreferences', { preferences: base }).ok);
    for (const bad of [
      { ...base, rateFloorPercent: 120 },
      { ...base, staleFramePeriods: 1 },
      { ...base, units: 'ft' },
      { ...base, networkInterface: 'eth0' },
      { ...base, recordingFolder: '' },
      { ...base, extra: 1 },
    ]) {
      assert.equal(validateRpc('setPreferences', { preferences: bad }).ok, false, JSON.stringify(bad));
    }
  });

  test('saved to settings.json and applied at once; read back by a new store', async () => {
    const path = join(dir, 'settings.json');
    const settings = new SettingsStore(path, 0);
    const applied: string[] = [];
    const service = new PreferencesService(settings, {
      setRecordingFolder: (f) => applied.push(`folder ${f}`),
      setRateFloor: (r) => applied.push(`floor ${r}`),
      setDiscoveryInterface: (i) => applied.push(`iface ${i?.address ?? 'all'}`),
    });
    const folder = join(dir, 'new', 'recordings');
    const lo = ipv4Interfaces().find((i) => i.address === '127.0.0.1');
    const state = service.set({
      ...base,
      recordingFolder: folder,
      theme: 'light',
      units: 'mm',
      upAxis: 'z',
      demoAtStart: false,
      staleFramePeriods: 8,
      rateFloorPercent: 75,
      networkInterface: lo ? '127.0.0.1' : null,
    });
    assert.equal(state.recordingFolder.path, folder);
    assert.equal(state.recordingFolder.usable, true, 'the folder was created');
    assert.ok(state.recordingFolder.freeBytes === null || state.recordingFolder.freeBytes > 0);
    assert.deepEqual(applied, [`folder ${folder}`, 'floor 0.75', `iface ${lo ? '127.0.0.1' : 'all'}`]);
    // The stale rule: 8 periods of a 10 ms device now.
    const clock = new StaleClock({ floorMs: 0 });
    for (let t = 0; t <= 100; t += 10) clock.sample(t);
    assert.ok(Math.abs(clock.thresholdMs() - 80) < 1e-6, `${clock.thresholdMs()}`);
    settings.flush();
    await new Promise((r) => setTimeout(r, 20));
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    assert.equal(file.recordingFolder, folder);
    assert.equal(file.theme, 'light');
    assert.deepEqual(file.preferences, {
      units: 'mm',
      upAxis: 'z',
      demoAtStart: false,
      staleFramePeriods: 8,
      rateFloorPercent: 75,
    });
    // The lab interface is the settings' one networkInterface (main/net/lab-interface.ts reads it at start).
    assert.equal(file.networkInterface, lo ? '127.0.0.1' : undefined);
    const again = preferencesOf(new SettingsStore(path).get());
    assert.equal(again.rateFloorPercent, 75);
    assert.equal(again.recordingFolder, folder);
    new PreferencesService(settings).set(base); // back to the defaults for the other tests
  });

  test('refused: a folder that cannot be made, an interface this computer lacks', () => {
    const settings = new SettingsStore(join(dir, 'other.json'), 0);
    const service = new PreferencesService(settings);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    assert.throws(() => service.set({ ...base, recordingFolder: join(file, 'sub') }), /cannot use/);
    assert.throws(() => service.set({ ...base, networkInterface: '203.0.113.77' }), /no interface/);
    assert.equal(preferencesOf(settings.get()).recordingFolder, null, 'nothing saved');
  });

  test('discovery on one interface broadcasts to its subnet; the folder picker exists only in the app', async () => {
    assert.equal(broadcastOf('192.168.1.20', '255.255.255.0'), '192.168.1.255');
    assert.equal(broadcastOf('10.1.2.3', '255.255.0.0'), '10.1.255.255');
    const service = new PreferencesService(new SettingsStore(join(dir, 'p.json'), 0));
    assert.equal(service.state().canPickFolder, false);
    await assert.rejects(service.pickFolder(), /type the path/);
    const picker = new PreferencesService(new SettingsStore(join(dir, 'q.json'), 0), { pickFolder: async () => '/x' });
    assert.equal(picker.state().canPickFolder, true);
    assert.equal(await picker.pickFolder(), '/x');
    const discovery = new DiscoveryService({}, { intervalMs: 0 });
    discovery.setTargets(lanTargets({ address: '127.0.0.1', broadcast: '127.255.255.255' }));
    await discovery.close();
  });
});
