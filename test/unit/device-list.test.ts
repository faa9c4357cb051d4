/**
 * The device list's pure parts: the add form's address per kind, the device file written with a backup
 * of an operator's file we could not use, the rate history, the alert rules on a fake clock, row
 * states and the summary line.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  deviceRowState,
  type DashboardEvent,
  type DeviceAlert,
  type DeviceHealth,
  type DeviceSnapshot,
} from '../../preload/api';
import { Dashboard } from '../../main/devices/dashboard';
import { DeviceManager } from '../../main/devices/device-manager';
import { Hub } from '../../main/hub/hub';
import { validateRpc } from '../../preload/api-schemas';
import { loadDeviceConfig } from '../../main/config';
import { AlertRules, type AlertInput } from '../../main/devices/alert-rules';
import { addressOf, configFromForm, newDeviceId, parseHostPort } from '../../main/devices/device-address';
import { DeviceFileWriter } from '../../main/devices/device-file';
import { RateHistory } from '../../main/devices/rate-history';
import { FakeSource } from '../helpers/fake-source';
import { formatDuration, rateAgainstExpected, summaryLine } from '../../renderer/src/panels/device-summary';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-devlist-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the add form: addresses per kind', () => {
  test('Motive host[:port] becomes host and command port', () => {
    const r = configFromForm({ kind: 'natnet', address: '192.168.1.20:1511', name: ' Stage ' }, 'm');
    assert.ok(r.ok);
    assert.deepEqual(r.config, { id: 'm', kind: 'natnet', label: 'Stage', host: '192.168.1.20', commandPort: 1511 });
    assert.equal(addressOf(r.config), '192.168.1.20:1511');
  });

  test('Pupil and Teleport take host[:port]; IPv6 in brackets; host names', () => {
    const p = configFromForm({ kind: 'pupil', address: 'neon-phone.local' }, 'p');
    assert.ok(p.ok);
    assert.deepEqual(p.config, { id: 'p', kind: 'pupil', host: 'neon-phone.local' });
    const t = configFromForm({ kind: 'teleport', address: '[::1]:10601', expectedRateHz: 30 }, 't');
    assert.ok(t.ok);
    assert.deepEqual(t.config, { id: 't', kind: 'teleport', host: '::1', port: 10601, expectedRateHz: 30 });
    assert.equal(addressOf(t.config), '[::1]:10601');
  });

  test('VRPN needs Device@host[:port]; several devices separated by commas', () => {
    const v = configFromForm({ kind: 'vrpn', address: 'Tracker0@127.0.0.1:3884' }, 'v');
    assert.ok(v.ok);
    assert.deepEqual(v.config, { id: 'v', kind: 'vrpn', host: '127.0.0.1', port: 3884, trackers: ['Tracker0'] });
    const two = configFromForm({ kind: 'vrpn', address: 'Tracker0,Button0@lab-pc' }, 'v2');
    assert.ok(two.ok);
    assert.equal(addressOf(two.config), 'Tracker0,Button0@lab-pc');
    const missing = configFromForm({ kind: 'vrpn', address: '127.0.0.1' }, 'v');
    assert.ok(!missing.ok);
    assert.match(missing.message, /Device@host/);
  });

  test('bad addresses say what is wrong and what a good one looks like', () => {
    const cases: [Parameters<typeof configFromForm>[0], RegExp][] = [
      [{ kind: 'natnet', address: '' }, /an address is required/],
      [{ kind: 'natnet', address: '300.1.1.1' }, /not a valid IPv4 address/],
      [{ kind: 'natnet', address: '10.0.0.1:70000' }, /port "70000" must be a number from 1 to 65535/],
      [{ kind: 'pupil', address: 'bad host!' }, /not an IP address or a host name/],
      [{ kind: 'teleport', address: 'x@10.0.0.1' }, /only VRPN or LSL addresses/],
      [{ kind: 'vrpn', address: 'has space@10.0.0.1' }, /not a VRPN device name/],
    ];
    for (const [form, expected] of cases) {
      const r = configFromForm(form, 'x');
      assert.ok(!r.ok, form.address);
      assert.equal(r.field, 'address');
      assert.match(r.message, expected);
      assert.match(r.message, /looks like/);
    }
    assert.deepEqual(parseHostPort('localhost:1510'), { host: 'localhost', port: 1510 });
  });

  test('new ids are readable and never collide', () => {
    const taken = new Set(['motive-10-0-0-1']);
    assert.equal(
      newDeviceId({ kind: 'natnet', host: '10.0.0.1' }, (id) => taken.has(id)),
      'motive-10-0-0-1-2',
    );
    assert.equal(
      newDeviceId({ kind: 'teleport', host: '::1' }, () => false),
      'teleport-1',
    );
  });

  test('the RPCs are validated in main before anything acts', () => {
    assert.ok(validateRpc('addDevice', { kind: 'natnet', address: '10.0.0.1' }).ok);
    assert.ok(!validateRpc('addDevice', { kind: 'serial', address: '10.0.0.1' }).ok);
    assert.ok(!validateRpc('addDevice', { kind: 'natnet', address: '10.0.0.1', extra: 1 }).ok);
    assert.ok(!validateRpc('renameDevice', { deviceId: 'a', name: '   ' }).ok);
    assert.ok(!validateRpc('editDevice', { kind: 'natnet', address: 'x' }).ok, 'deviceId is required');
    assert.ok(validateRpc('removeDevice', { deviceId: 'a' }).ok);
  });
});

describe('writing the device file', () => {
  test('a new file is written whole and read back by loadDeviceConfig', () => {
    const path = join(dir, 'new', 'devices.json');
    const writer = new DeviceFileWriter(path);
    const made = configFromForm({ kind: 'natnet', address: '10.0.0.1' }, 'motive-10-0-0-1');
    assert.ok(made.ok);
    writer.save([{ ...made.config, enabled: false }]);
    const read = loadDeviceConfig(path, 'flag');
    assert.deepEqual(read.notices, []);
    assert.deepEqual(read.devices, [{ ...made.config, enabled: false }]);
    assert.equal(writer.backupPath, null);
  });

  test("an operator's file we could not fully use is backed up before the first write", () => {
    const path = join(dir, 'typo', 'devices.json');
    const text = '{ "devices": [ { "id": "a", "kind": "natnet", "host": "10.0.0.1" }, { "kind": "natnett" } ] }';
    mkdirSync(join(dir, 'typo'));
    writeFileSync(path, text);
    const writer = new DeviceFileWriter(path, { now: () => new Date('2026-11-29T09:00:00Z') });
    writer.save([{ id: 'a', kind: 'natnet', host: '10.0.0.1' }]);
    assert.ok(writer.backupPath);
    assert.equal(readFileSync(writer.backupPath, 'utf8'), text, 'the backup is the operator text, byte for byte');
    assert.match(writer.message ?? '', /copied to/);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).devices.length, 1);
    // Only the first write checks: later saves do not pile up backups.
    writer.save([]);
    assert.equal(readdirSync(join(dir, 'typo')).filter((f) => f.includes('.bad-')).length, 1);
  });

  test('a file that can be neither used nor backed up is never written', () => {
    const path = join(dir, 'is-a-folder');
    // A folder where the file should be: unreadable as a file, nothing to back up.
    mkdirSync(path);
    const writer = new DeviceFileWriter(path);
    assert.throws(() => writer.save([]), /is not written/);
  });
});

describe('rate history', () => {
  test('one point a second, at most a minute, gaps as zero, the expectation learned robustly', () => {
    const h = new RateHistory();
    let t = 1_000_000;
    for (let i = 0; i < 70; i++) {
      h.record(t, 120);
      h.record(t + 500, 119); // the newest reading of a second wins
      t += 1000;
    }
    assert.equal(h.ratesHz().length, 60);
    assert.ok(h.ratesHz().every((r) => r === 119));
    assert.equal(h.expectedHz(), 119);
    h.record(t + 3000, 60); // two seconds without a tick
    assert.deepEqual(h.ratesHz().slice(-3), [0, 0, 60]);
    assert.equal(h.expectedHz(), 119, 'a slow second does not move the expectation');
  });

  test('a declared rate (an LSL nominal rate) is expected from the start; the device file still wins', () => {
    const h = new RateHistory();
    h.declare(500);
    assert.equal(h.expectedHz(), 500, 'before a single point');
    h.declare(null);
    assert.equal(h.expectedHz(), null, 'irregular: nothing declared, nothing learned yet');
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      h.declare(bad);
      assert.equal(h.expectedHz(), null, String(bad));
    }
    const configured = new RateHistory(250);
    configured.declare(500);
    assert.equal(configured.expectedHz(), 250);
    // The operator accepting the rate a stream really runs at overrides its declared rate.
    const accepted = new RateHistory();
    accepted.declare(500);
    accepted.record(1_000, 480);
    accepted.accept(480);
    assert.equal(accepted.expectedHz(), 480);
  });

  test('a configured rate wins; nothing is learned from too little', () => {
    assert.equal(new RateHistory(240).expectedHz(), 240);
    const h = new RateHistory();
    h.record(0, 50);
    h.record(1000, 50);
    assert.equal(h.expectedHz(), null);
  });
});

describe('alert rules on a fake clock', () => {
  const base: AlertInput = {
    deviceId: 'm',
    label: 'Motive',
    rowState: 'streaming',
    rateHz: 120,
    expectedHz: 120,
    clockOffsetMs: 5,
    clockUncertaintyMs: 0.1,
    clockDriftPpm: 0,
  };

  test('lost and stale alert at once and clear when the device is back', () => {
    const rules = new AlertRules();
    assert.deepEqual(rules.update([base], 0), []);
    const began = rules.update([{ ...base, rowState: 'stale' }], 500);
    assert.deepEqual(
      began.map((a) => a.rule),
      ['stale'],
    );
    const lost = rules.update([{ ...base, rowState: 'lost' }], 1000);
    assert.deepEqual(
      lost.map((a) => [a.rule, a.message]),
      [['lost', 'Motive dropped: no data']],
    );
    assert.deepEqual(
      rules.active().map((a) => a.rule),
      ['lost'],
    );
    // The Hub's retry attempts ('connecting') do not end the outage: the same alert stays.
    assert.deepEqual(rules.update([{ ...base, rowState: 'connecting' }], 1200), []);
    assert.deepEqual(
      rules.active().map((a) => a.id),
      [lost[0]!.id],
    );
    rules.update([base], 1500);
    assert.deepEqual(rules.active(), []);
  });

  test('under 90 % of the expected rate for 2 s alerts; a brief dip does not', () => {
    const rules = new AlertRules();
    const slow = { ...base, rateHz: 100 };
    assert.deepEqual(rules.update([slow], 0), []);
    assert.deepEqual(rules.update([base], 1000), [], 'recovered before the hold');
    assert.deepEqual(rules.update([slow], 1500), []);
    assert.deepEqual(rules.update([slow], 3000), []);
    const began = rules.update([slow], 3500);
    assert.equal(began.length, 1);
    assert.match(began[0]!.message, /100\.0 Hz, 83 % of its expected 120\.0 Hz/);
    assert.deepEqual(rules.update([{ ...base, rateHz: 105 }], 4000), [], 'still low: the same alert, not a new one');
    assert.equal(rules.active().length, 1);
    rules.update([{ ...base, rateHz: 110 }], 4500);
    assert.deepEqual(rules.active(), [], '110 Hz is above 90 % of 120');
  });

  test('a clock offset jump alerts for a while; noise within the uncertainty does not', () => {
    const rules = new AlertRules({ clockJumpShowMs: 5000 });
    rules.update([base], 0);
    assert.deepEqual(rules.update([{ ...base, clockOffsetMs: 9 }], 500), [], '4 ms is under the 10 ms limit');
    const jump = rules.update([{ ...base, clockOffsetMs: 56 }], 1000);
    assert.deepEqual(
      jump.map((a) => a.rule),
      ['clock-jump'],
    );
    assert.match(jump[0]!.message, /jumped by 47\.0 ms/);
    rules.update([{ ...base, clockOffsetMs: 56 }], 5500);
    assert.equal(rules.active().length, 1);
    rules.update([{ ...base, clockOffsetMs: 56 }], 6100);
    assert.deepEqual(rules.active(), []);
  });

  test('an estimate refined from a slow round trip to a fast one is no jump; the same step on a sharp clock is', () => {
    // A loaded host: the first round trips queued 40 ms (uncertainty 20 ms); a fast one then moves the
    // estimate by 15 ms, within what the first one claimed.
    const rules = new AlertRules();
    rules.update([{ ...base, clockUncertaintyMs: 20 }], 0);
    assert.deepEqual(rules.update([{ ...base, clockOffsetMs: 20, clockUncertaintyMs: 0.5 }], 500), []);
    const sharp = new AlertRules();
    sharp.update([base], 0);
    assert.deepEqual(
      sharp.update([{ ...base, clockOffsetMs: 20 }], 500).map((a) => a.rule),
      ['clock-jump'],
    );
  });

  test('an offset that moves as the clock drift says is no jump', () => {
    // 300 ppm fast for 60 s lowers the offset by 18 ms.
    const rules = new AlertRules();
    rules.update([{ ...base, clockDriftPpm: 300 }], 0);
    assert.deepEqual(rules.update([{ ...base, clockDriftPpm: 300, clockOffsetMs: 5 - 18 }], 60_000), []);
  });

  test('a device that leaves the list takes its alerts with it', () => {
    const rules = new AlertRules();
    rules.update([{ ...base, rowState: 'lost' }], 0);
    rules.update([], 100);
    assert.deepEqual(rules.active(), []);
  });
});

describe('row states and the summary line', () => {
  const health = (h: Partial<DeviceHealth>) =>
    ({ state: 'streaming', lastSampleAgeMs: 5, samples: 10, lastError: null, ...h }) as Pick<
      DeviceHealth,
      'state' | 'lastSampleAgeMs' | 'samples' | 'lastError'
    >;

  test('states in the operator words', () => {
    assert.equal(deviceRowState('natnet', health({})), 'streaming');
    assert.equal(deviceRowState('natnet', health({ state: 'stale', lastSampleAgeMs: 200 })), 'stale');
    assert.equal(deviceRowState('natnet', health({ state: 'stale', lastSampleAgeMs: 1500 })), 'lost');
    assert.equal(deviceRowState('natnet', health({ state: 'reconnecting' })), 'lost');
    assert.equal(deviceRowState('natnet', health({ state: 'reconnecting', samples: 0 })), 'error');
    assert.equal(deviceRowState('teleport', health({ state: 'connecting' })), 'searching');
    assert.equal(deviceRowState('natnet', health({ state: 'connecting', lastError: 'silent' })), 'lost', 'a retry');
    assert.equal(deviceRowState('natnet', health({ state: 'connecting', lastError: 'refused', samples: 0 })), 'error');
    assert.equal(deviceRowState('pupil', health({ state: 'connecting' })), 'connecting');
    assert.equal(deviceRowState('vrpn', health({ state: 'closed' })), 'disconnected');
  });

  test('"5/5 devices streaming · recording 00:12:31"', () => {
    const five = Array.from({ length: 5 }, () => ({ kind: 'natnet' as const, health: health({}) as DeviceHealth }));
    assert.equal(summaryLine(five, null, 0), '5/5 devices streaming');
    const start = 1_000_000;
    assert.equal(
      summaryLine(five, { recording: true, startedAtMs: start }, start + 751_000),
      '5/5 devices streaming · recording 00:12:31',
    );
    const one = [{ kind: 'natnet' as const, health: health({ state: 'stale' }) as DeviceHealth }];
    assert.equal(summaryLine(one, { recording: false, startedAtMs: null }, 0), '0/1 device streaming · not recording');
    assert.equal(formatDuration(3_600_000 + 61_000), '01:01:01');
    assert.equal(rateAgainstExpected(118.94, 120), '119 / 120 Hz');
    assert.equal(rateAgainstExpected(29.5, null), '29.5 Hz');
  });
});

describe('the dashboard on a fake clock', () => {
  test('health ticks feed the history and the alerts; updates go out ~1 Hz, at once when an alert begins', async () => {
    const hub = new Hub({ healthTickMs: 60_000 });
    let now = 1_000_000;
    const dashboard = new Dashboard(hub, new DeviceManager(hub, null), null, { now: () => now });
    const updates: DashboardEvent[] = [];
    const alerts: DeviceAlert[] = [];
    dashboard.on('update', (e) => updates.push(e));
    dashboard.on('alert', (a) => alerts.push(a));
    const snapshot = (state: DeviceHealth['state'], rate: number, age: number): DeviceSnapshot =>
      ({
        id: 'm',
        kind: 'natnet',
        label: 'Motive',
        health: {
          state,
          sampleRateHz: rate,
          lastSampleAgeMs: age,
          samples: 100,
          lastError: null,
          clockOffsetMs: null,
          clockUncertaintyMs: null,
        },
      }) as unknown as DeviceSnapshot;
    for (let i = 0; i < 12; i++) {
      dashboard.onDevices([snapshot('streaming', 120, 5)]);
      now += 500;
    }
    assert.equal(updates.length, 6, 'one update a second while nothing changes');
    assert.equal(dashboard.snapshot().history[0]!.expectedHz, 120);
    dashboard.onDevices([snapshot('stale', 0, 1500)]);
    assert.deepEqual(
      alerts.map((a) => a.rule),
      ['lost'],
    );
    assert.deepEqual(
      updates.at(-1)!.alerts.map((a) => a.rule),
      ['lost'],
      'the alert went out at once',
    );
    dashboard.close();
    await hub.close();
  });

  test('a device declaring its rate (an LSL stream) gets the rate alert within its first seconds', async () => {
    const hub = new Hub({ healthTickMs: 60_000 });
    let now = 1_000_000;
    const dashboard = new Dashboard(hub, new DeviceManager(hub, null), null, { now: () => now });
    const alerts: DeviceAlert[] = [];
    dashboard.on('alert', (a) => alerts.push(a));
    const source = new FakeSource({ id: 'eeg', kind: 'lsl', label: 'EEG' });
    source.statusExtra = { nominalRateHz: 500 };
    hub.add(source);
    const snapshot = (rate: number): DeviceSnapshot =>
      ({
        id: 'eeg',
        kind: 'lsl',
        label: 'EEG',
        health: {
          state: 'streaming',
          sampleRateHz: rate,
          lastSampleAgeMs: 5,
          samples: 100,
          lastError: null,
          clockOffsetMs: null,
          clockUncertaintyMs: null,
        },
      }) as unknown as DeviceSnapshot;
    dashboard.onDevices([snapshot(250)]);
    assert.equal(dashboard.snapshot().history[0]!.expectedHz, 500, 'expected from the first tick');
    for (let i = 0; i < 6; i++) {
      now += 500;
      dashboard.onDevices([snapshot(250)]);
    }
    assert.equal(alerts.filter((a) => a.deviceId === 'eeg').length, 1, 'the rate alert, 3 s in');
    assert.match(alerts[0]!.message, /expected 500\.0 Hz/);
    dashboard.close();
    await hub.close();
  });
});
