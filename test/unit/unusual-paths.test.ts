/**
 * Paths as operators' machines have them: a user name with spaces and letters beyond ASCII (a Windows
 * profile "Jörg Łukasz 李", a macOS "Application Support" folder). Settings, logs, the device file and
 * recordings are written there and read back; the default folders keep the name intact.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultConfigPath, loadDeviceConfig, type DeviceConfig } from '../../main/config';
import { DeviceFileWriter } from '../../main/devices/device-file';
import { Hub } from '../../main/hub/hub';
import { RotatingLog } from '../../main/log/rotating-log';
import { PlaybackController } from '../../main/recording/playback-controller';
import { Recorder } from '../../main/recording/recorder';
import { logsFolder, settingsFolder, settingsPath } from '../../main/settings/app-settings';
import { SettingsStore } from '../../main/settings/settings-store';
import { FakeSource } from '../helpers/fake-source';
import { readRecording } from '../helpers/recording';

/** Under test-results/ (gitignored): `npm test` leaves the tree clean. */
const base = join(__dirname, '..', '..', 'test-results', 'paths');
mkdirSync(base, { recursive: true });
const HOME = join(mkdtempSync(join(base, 'run-')), 'Jörg Łukasz 李 (lab 2)');
const APPDATA = join(HOME, 'AppData', 'Roaming');
const CONFIG_HOME = join(HOME, '.config dir');
after(() => rmSync(join(HOME, '..'), { recursive: true, force: true }));

test('the default folders keep a user name with spaces and non-ASCII letters whole', () => {
  assert.equal(defaultConfigPath({ APPDATA }, 'win32'), join(APPDATA, 'Sightline', 'devices.json'));
  assert.equal(
    settingsPath({ XDG_CONFIG_HOME: CONFIG_HOME }, 'linux'),
    join(CONFIG_HOME, 'sightline', 'settings.json'),
  );
  assert.equal(logsFolder({ APPDATA }, 'win32'), join(APPDATA, 'Sightline', 'logs'));
  assert.ok(settingsFolder({ APPDATA }, 'win32').includes('Jörg Łukasz 李 (lab 2)'));
});

test('settings are saved to and loaded from such a folder', () => {
  const path = settingsPath({ XDG_CONFIG_HOME: CONFIG_HOME }, 'linux');
  const store = new SettingsStore(path, 0);
  store.update({ ...store.get(), theme: 'light', recordingFolder: join(HOME, 'Aufnahmen für Studie 3') });
  store.flush();
  const again = new SettingsStore(path);
  assert.equal(again.loaded.message, undefined);
  assert.equal(again.get().theme, 'light');
  assert.equal(again.get().recordingFolder, join(HOME, 'Aufnahmen für Studie 3'));
});

test('logs are written and rotated there', () => {
  const folder = logsFolder({ APPDATA }, 'win32');
  const log = new RotatingLog({ folder, maxBytes: 200, keep: 2 });
  for (let i = 0; i < 20; i++) log.info(`Zeile ${i}: Gerät „Motive“ verbunden`);
  assert.equal(log.failedWrites, 0);
  assert.ok(readdirSync(folder).length >= 2, 'rotated');
  assert.match(readFileSync(log.path, 'utf8'), /Gerät „Motive“ verbunden/);
});

test('the device file is written and read back there', () => {
  const path = defaultConfigPath({ APPDATA }, 'win32');
  const devices: DeviceConfig[] = [{ id: 'motive', kind: 'natnet', label: 'Motive – Raum 2', host: '127.0.0.1' }];
  const writer = new DeviceFileWriter(path);
  writer.save(devices);
  const loaded = loadDeviceConfig(path, 'default');
  assert.deepEqual(loaded.notices, []);
  assert.deepEqual(
    loaded.devices.map((d) => [d.id, d.label]),
    [['motive', 'Motive – Raum 2']],
  );
});

test('a recording is written there, read back complete, and opens for playback', async () => {
  const hub = new Hub();
  const source = new FakeSource({ id: 'dev' });
  hub.add(source);
  await hub.connect('dev');
  const outDir = join(HOME, 'Documents', 'Sightline Aufnahmen');
  const recorder = await Recorder.start(hub, { outDir, sessionName: 'Sitzung Jörg', operator: 'Łukasz' });
  source.emit('sample', {
    kind: 'poses',
    hostTimeNs: 1.7e18,
    bodies: [{ id: 1, x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1, valid: true }],
  });
  const summary = await recorder.stop();
  assert.equal(summary.state, 'finished');
  assert.ok(recorder.folder.startsWith(outDir), recorder.folder);
  const { scan, messages } = await readRecording(recorder.mcapPath);
  assert.equal(scan.complete, true, scan.problem);
  assert.ok(messages.some((m) => m.topic === '/dev/poses'));
  const playback = new PlaybackController(hub);
  try {
    const state = await playback.open(recorder.mcapPath);
    assert.ok(JSON.stringify(state).length > 0);
    assert.ok(
      hub.snapshots().some((d) => d.kind === 'playback'),
      'the recording’s device is in the Hub',
    );
  } finally {
    await playback.close();
    await hub.close();
  }
});
