import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultConfigPath,
  loadDeviceConfig,
  parseCommonArgs,
  parseDeviceConfig,
  resolveConfigPath,
} from '../../main/config';

test('a natnet device is accepted with its options; defaults are left to the client', () => {
  const { devices, notices } = parseDeviceConfig(
    {
      devices: [
        {
          id: 'motive',
          kind: 'natnet',
          host: '10.0.0.5',
          commandPort: 1510,
          localAddress: '10.0.0.2',
          multicast: true,
        },
      ],
    },
    'devices.json',
  );
  assert.deepEqual(notices, []);
  assert.equal(devices.length, 1);
  assert.equal(devices[0]!.kind, 'natnet');
});

test('bad entries are reported by position and id and skipped; good ones survive', () => {
  const { devices, notices } = parseDeviceConfig(
    {
      devices: [
        { id: 'ok', kind: 'natnet', host: 'motive.lab' },
        { id: 'no-host', kind: 'natnet' },
        { id: 'bad port', kind: 'natnet', host: 'x', commandPort: 70000 },
        { id: 'ok', kind: 'natnet', host: 'dup' },
        { id: 'x', kind: 'kinect', host: 'y' },
        { id: 'extra', kind: 'natnet', host: 'h', password: 'hunter2' },
        'not an object',
        { id: 'eyes', kind: 'pupil', host: '10.0.0.9' },
      ],
    },
    'devices.json',
  );
  assert.deepEqual(
    devices.map((d) => d.id),
    ['ok', 'eyes'],
  );
  const text = notices.map((n) => n.message).join('\n');
  assert.match(text, /device 2 \("no-host"\): host/);
  assert.match(text, /device 3 \("bad port"\)/);
  assert.match(text, /device 4 \("ok"\): duplicate id/);
  assert.match(text, /device 5 \("x"\): unknown kind "kinect"/);
  assert.match(text, /device 6 \("extra"\)/);
  assert.match(text, /device 7: unknown kind null/);
  assert.ok(notices.every((n) => n.level === 'error'));
});

test('a file that is not { devices: [...] } says what it expected', () => {
  const { devices, notices } = parseDeviceConfig([{ id: 'a' }], 'f.json');
  assert.equal(devices.length, 0);
  assert.match(notices[0]!.message, /expected \{ "devices"/);
});

test('loading: a missing default file is quiet (demo mode); a missing explicit file, bad JSON and big files are errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-config-'));
  try {
    const missing = join(dir, 'none.json');
    assert.deepEqual(loadDeviceConfig(missing, 'default'), {
      path: missing,
      origin: 'default',
      found: false,
      devices: [],
      notices: [],
    });
    const explicit = loadDeviceConfig(missing, 'env');
    assert.equal(explicit.found, false);
    assert.match(explicit.notices[0]!.message, /cannot read device config .*SIGHTLINE_CONFIG.*no such file/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ devices: [');
    assert.match(loadDeviceConfig(bad, 'flag').notices[0]!.message, /not valid JSON/);
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(1024 * 1024 + 1));
    assert.match(loadDeviceConfig(big, 'flag').notices[0]!.message, /larger than 1 MiB/);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ devices: [{ id: 'm', kind: 'natnet', host: '127.0.0.1' }] }));
    const loaded = loadDeviceConfig(good, 'flag');
    assert.equal(loaded.found, true);
    assert.equal(loaded.devices.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('where the config comes from: --config, then SIGHTLINE_CONFIG, then the default', () => {
  assert.deepEqual(resolveConfigPath('/a.json', '/d.json', { SIGHTLINE_CONFIG: '/e.json' }), {
    path: '/a.json',
    origin: 'flag',
  });
  assert.deepEqual(resolveConfigPath(undefined, '/d.json', { SIGHTLINE_CONFIG: '/e.json' }), {
    path: '/e.json',
    origin: 'env',
  });
  assert.deepEqual(resolveConfigPath(undefined, '/d.json', {}), { path: '/d.json', origin: 'default' });
  assert.equal(defaultConfigPath({ XDG_CONFIG_HOME: '/xdg' }, 'linux'), join('/xdg', 'sightline', 'devices.json'));
  assert.match(defaultConfigPath({}, 'linux'), /\.config[/\\]sightline[/\\]devices\.json$/);
  assert.match(defaultConfigPath({}, 'darwin'), /Library[/\\]Application Support[/\\]Sightline[/\\]devices\.json$/);
  assert.equal(
    defaultConfigPath({ APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'win32'),
    join('C:\\Users\\op\\AppData\\Roaming', 'Sightline', 'devices.json'),
  );
});

test('common arguments ignore the switches Electron and Chromium add', () => {
  assert.deepEqual(parseCommonArgs(['--demo', '--no-sandbox', '.']), { demo: true });
  assert.deepEqual(parseCommonArgs(['--config', 'lab.json', '--enable-logging']), {
    demo: false,
    configPath: 'lab.json',
  });
});
