/**
 * The settings file: a corrupted file, one from a future version and a missing recording folder each
 * give a clear message and defaults, and the operator's file is kept as a backup, never overwritten.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeTransport } from '../helpers/fake-transport';
import { Hub } from '../../main/hub/hub';
import { RendererLink } from '../../main/link/renderer-link';
import {
  defaultRecordingFolder,
  loadAppSettings,
  logsFolder,
  resolveRecordingFolder,
  saveAppSettings,
  settingsPath,
} from '../../main/settings/app-settings';
import { SettingsStore } from '../../main/settings/settings-store';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-settings-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function fresh(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return join(d, 'settings.json');
}

test('no file yet: defaults, nothing to report', () => {
  const loaded = loadAppSettings(fresh('absent'));
  assert.equal(loaded.outcome, 'absent');
  assert.equal(loaded.message, undefined);
  assert.deepEqual(loaded.value, { version: 1, theme: 'system' });
});

test('a saved file reads back the same', () => {
  const path = fresh('roundtrip');
  const settings = {
    version: 1 as const,
    theme: 'dark' as const,
    recordingFolder: '/data/recordings',
    window: { x: 10, y: 20, width: 1200, height: 800, maximized: true, fullScreen: false },
    layout: { version: 1, hidden: ['health'] },
  };
  saveAppSettings(settings, path);
  const loaded = loadAppSettings(path);
  assert.equal(loaded.outcome, 'loaded');
  assert.deepEqual(loaded.value, settings);
  assert.deepEqual(readdirSync(join(dir, 'roundtrip')), ['settings.json'], 'no temporary file left behind');
});

test('a corrupted file: clear message, defaults, and the file kept byte for byte as a backup', () => {
  const path = fresh('corrupt');
  const garbage = '{"version": 1, "theme": "dark", "window": {"width": 12';
  writeFileSync(path, garbage);
  const loaded = loadAppSettings(path);
  assert.equal(loaded.outcome, 'replaced');
  assert.deepEqual(loaded.value, { version: 1, theme: 'system' });
  assert.ok(loaded.backupPath && existsSync(loaded.backupPath));
  assert.equal(readFileSync(loaded.backupPath, 'utf8'), garbage);
  assert.match(loaded.message!, /not valid JSON/);
  assert.ok(loaded.message!.includes(path) && loaded.message!.includes(loaded.backupPath));
  assert.equal(loaded.mayOverwrite, true);
});

test('a file that is JSON but not valid settings is reported field by field and backed up', () => {
  const path = fresh('invalid');
  writeFileSync(path, JSON.stringify({ version: 1, theme: 'purple', window: { width: -5, height: 800 } }));
  const loaded = loadAppSettings(path);
  assert.equal(loaded.outcome, 'replaced');
  assert.match(loaded.message!, /theme/);
  assert.match(loaded.message!, /window\.width/);
  assert.ok(existsSync(loaded.backupPath!));
});

test('a file from a newer Sightline is kept as a backup and named as such; defaults meanwhile', () => {
  const path = fresh('future');
  const future = JSON.stringify({ version: 7, somethingNew: { a: 1 } });
  writeFileSync(path, future);
  const loaded = loadAppSettings(path);
  assert.equal(loaded.outcome, 'replaced');
  assert.match(loaded.message!, /newer Sightline \(file version 7; this version reads up to 1\)/);
  assert.match(loaded.backupPath!, /settings\.v7-.*\.json$/);
  assert.equal(readFileSync(loaded.backupPath!, 'utf8'), future);
});

test('a settings file that cannot be read is never overwritten by this session', async () => {
  const path = fresh('unreadable');
  mkdirSync(path); // a folder where the file should be: readable by nobody as a file
  const store = new SettingsStore(path, 1);
  assert.equal(store.loaded.mayOverwrite, false);
  assert.match(store.loaded.message!, /cannot be read/);
  store.setLayout({ version: 1, hidden: [] });
  store.flush();
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(readdirSync(path), [], 'the folder in its place was left alone');
});

test('the store saves changes shortly after they happen, and validates them first', async () => {
  const path = fresh('store');
  const store = new SettingsStore(path, 5);
  store.setWindow({ x: 1, y: 2, width: 900, height: 700, maximized: false, fullScreen: false });
  assert.throws(() => store.setWindow({ width: 5, height: 5, maximized: false, fullScreen: false }));
  const deadline = Date.now() + 2000;
  while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(loadAppSettings(path).value.window?.width, 900);
});

test('a recording folder that has gone is reported and the default used, the setting kept', () => {
  const home = join(dir, 'home');
  const missing = join(dir, 'unplugged-drive', 'recordings');
  const settings = { version: 1 as const, theme: 'system' as const, recordingFolder: missing };
  const resolved = resolveRecordingFolder(settings, home);
  assert.equal(resolved.folder, defaultRecordingFolder(home));
  assert.match(resolved.message!, /does not exist/);
  assert.ok(resolved.message!.includes(missing));
  assert.equal(settings.recordingFolder, missing);
  const present = join(dir, 'present');
  mkdirSync(present);
  assert.deepEqual(resolveRecordingFolder({ ...settings, recordingFolder: present }, home), { folder: present });
});

test('settings and logs live beside the device file on each platform', () => {
  const env = { XDG_CONFIG_HOME: '/cfg', APPDATA: 'C:\\Users\\op\\AppData\\Roaming' };
  assert.equal(settingsPath(env, 'linux'), '/cfg/sightline/settings.json');
  assert.equal(logsFolder(env, 'linux'), '/cfg/sightline/logs');
  assert.match(logsFolder(env, 'darwin'), /Library\/Logs\/Sightline$/);
  assert.match(settingsPath(env, 'darwin'), /Library\/Application Support\/Sightline\/settings\.json$/);
});

test('the page saves its panel layout through the link and gets it back after a restart', async () => {
  const path = fresh('layout');
  const hub = new Hub();
  const first = new FakeTransport();
  const store = new SettingsStore(path, 1);
  const link = new RendererLink(hub, first, { layouts: store });
  assert.deepEqual(await first.call('getLayout', {}), { ok: true, value: null });
  const layout = { version: 1, hidden: ['health', 'recording'] };
  assert.deepEqual(await first.call('saveLayout', { layout }), { ok: true, value: null });
  const tooBig = { version: 1, blob: 'x'.repeat(70 * 1024) };
  assert.equal((await first.call('saveLayout', { layout: tooBig })).ok, false, 'a 70 KiB layout is refused');
  link.close();
  store.flush();

  const second = new FakeTransport();
  const restarted = new RendererLink(hub, second, { layouts: new SettingsStore(path, 1) });
  assert.deepEqual(await second.call('getLayout', {}), { ok: true, value: layout });
  restarted.close();
  await hub.close();
});
