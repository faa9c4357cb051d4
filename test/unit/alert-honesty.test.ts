/**
 * Alerts that stay honest (issue 18, item 5): a lasting drop below the learned expected rate keeps its
 * alert (the expectation does not follow the drop down) until the operator acknowledges it or accepts
 * the new rate; every alert is kept in a history with its times. Fake clock throughout.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DashboardEvent, DeviceAlert, DeviceHealth, DeviceSnapshot } from '../../preload/api';
import { isOpenAlert } from '../../preload/api';
import { validateRpc } from '../../preload/api-schemas';
import { AlertRules, type AlertInput } from '../../main/devices/alert-rules';
import { Dashboard } from '../../main/devices/dashboard';
import { DeviceManager } from '../../main/devices/device-manager';
import { RateHistory } from '../../main/devices/rate-history';
import { Hub } from '../../main/hub/hub';

describe('the learned expected rate', () => {
  test('follows small changes and rises, but never follows a drop the alert would flag', () => {
    const h = new RateHistory();
    let t = 0;
    const feed = (hz: number, seconds: number) => {
      for (let i = 0; i < seconds; i++, t += 1000) h.record(t, hz);
    };
    feed(120, 10);
    assert.equal(h.expectedHz(), 120);
    feed(60, 120); // two minutes at half rate: the whole window is the drop
    assert.equal(h.expectedHz(), 120, 'the drop is not learned');
    const small = new RateHistory();
    for (let i = 0; i < 10; i++) small.record(i * 1000, 100);
    for (let i = 10; i < 80; i++) small.record(i * 1000, 95);
    assert.equal(small.expectedHz(), 95, 'a 5 % change is within the floor: learned');
    for (let i = 80; i < 160; i++) small.record(i * 1000, 240);
    assert.equal(small.expectedHz(), 240, 'a rise is learned');
  });

  test('accepting the current rate makes it the norm, also over a configured rate', () => {
    const h = new RateHistory();
    for (let i = 0; i < 10; i++) h.record(i * 1000, 120);
    for (let i = 10; i < 20; i++) h.record(i * 1000, 60);
    h.accept(60);
    assert.equal(h.expectedHz(), 60);
    // The old 120 Hz points still in the window do not pull it back up.
    for (let i = 20; i < 30; i++) h.record(i * 1000, 60);
    assert.equal(h.expectedHz(), 60);
    const configured = new RateHistory(240);
    configured.accept(200);
    assert.equal(configured.expectedHz(), 200);
  });
});

describe('alert rules: acknowledgement and history', () => {
  const base: AlertInput = {
    deviceId: 'm',
    label: 'Motive',
    rowState: 'streaming',
    rateHz: 60,
    expectedHz: 120,
    clockOffsetMs: null,
    clockUncertaintyMs: null,
    clockDriftPpm: null,
  };

  test('an acknowledged alert stays active but is no longer open, and is not raised again', () => {
    const rules = new AlertRules();
    rules.update([base], 0);
    const [alert] = rules.update([base], 2000);
    assert.equal(alert!.rule, 'low-rate');
    assert.ok(isOpenAlert(alert!));
    assert.equal(rules.acknowledge(alert!.id, 2500), true);
    assert.equal(rules.acknowledge(999, 2500), false);
    assert.deepEqual(rules.update([base], 60_000), [], 'still low: the same alert, not a new one');
    const [active] = rules.active();
    assert.equal(active!.id, alert!.id);
    assert.equal(active!.acknowledgedAtMs, 2500);
    assert.equal(isOpenAlert(active!), false);
    rules.update([{ ...base, rateHz: 120 }], 61_000);
    assert.deepEqual(rules.active(), []);
    const [record] = rules.recent();
    assert.deepEqual(
      {
        id: record!.id,
        atMs: record!.atMs,
        ack: record!.acknowledgedAtMs,
        ended: record!.endedAtMs,
        how: record!.ending,
      },
      { id: alert!.id, atMs: 2000, ack: 2500, ended: 61_000, how: 'cleared' },
    );
  });

  test('accepting the rate ends the low-rate alert as accepted; history is newest first and bounded', () => {
    const rules = new AlertRules();
    rules.update([base], 0);
    const [alert] = rules.update([base], 2000);
    rules.acceptRate('m', 3000);
    assert.deepEqual(rules.active(), []);
    assert.equal(rules.recent()[0]!.ending, 'accepted');
    assert.equal(rules.recent()[0]!.endedAtMs, 3000);
    assert.equal(rules.recent()[0]!.id, alert!.id);
    for (let i = 0; i < 120; i++) {
      rules.update([{ ...base, rowState: 'lost' }], 10_000 + 2 * i);
      rules.update([{ ...base, rowState: 'streaming', rateHz: 120 }], 10_001 + 2 * i);
    }
    const recent = rules.recent();
    assert.equal(recent.length, 100);
    assert.ok(recent.every((r, i) => i === 0 || r.atMs <= recent[i - 1]!.atMs));
  });
});

describe('the dashboard: a lasting drop keeps its alert until acknowledged or accepted', () => {
  test('learned 120 Hz, then 60 Hz for two minutes: one alert, open until acknowledged; accept ends it', async () => {
    const hub = new Hub({ healthTickMs: 60_000 });
    let now = 1_000_000;
    const dashboard = new Dashboard(hub, new DeviceManager(hub, null), null, { now: () => now });
    const alerts: DeviceAlert[] = [];
    let last: DashboardEvent | null = null;
    dashboard.on('alert', (a) => alerts.push(a));
    dashboard.on('update', (e) => (last = e));
    const tick = (rate: number) => {
      dashboard.onDevices([
        {
          id: 'm',
          kind: 'natnet',
          label: 'Motive',
          health: {
            state: 'streaming',
            sampleRateHz: rate,
            lastSampleAgeMs: 5,
            samples: 1000,
            lastError: null,
            clockOffsetMs: null,
            clockUncertaintyMs: null,
          } as unknown as DeviceHealth,
        } as unknown as DeviceSnapshot,
      ]);
      now += 500;
    };
    try {
      for (let i = 0; i < 20; i++) tick(120);
      for (let i = 0; i < 240; i++) tick(60);
      assert.deepEqual(
        alerts.map((a) => a.rule),
        ['low-rate'],
      );
      const snap = dashboard.snapshot();
      assert.equal(snap.history[0]!.expectedHz, 120, 'the expectation did not follow the drop');
      assert.equal(snap.alerts.length, 1, 'still alerting after two minutes');
      assert.ok(isOpenAlert(snap.alerts[0]!));
      dashboard.acknowledgeAlert(alerts[0]!.id);
      assert.equal(isOpenAlert(last!.alerts[0]!), false, 'the update went out at once');
      assert.throws(() => dashboard.acknowledgeAlert(12345), /no active alert/);
      dashboard.acceptRate('m');
      assert.deepEqual(last!.alerts, []);
      assert.equal(last!.alertHistory[0]!.ending, 'accepted');
      for (let i = 0; i < 20; i++) tick(60);
      assert.equal(dashboard.snapshot().history[0]!.expectedHz, 60);
      assert.equal(alerts.length, 1, 'no new alert at the accepted rate');
    } finally {
      dashboard.close();
      await hub.close();
    }
  });

  test('the RPCs are validated', () => {
    assert.ok(validateRpc('acknowledgeAlert', { alertId: 3 }).ok);
    assert.equal(validateRpc('acknowledgeAlert', { alertId: -1 }).ok, false);
    assert.equal(validateRpc('acknowledgeAlert', { alertId: 1.5 }).ok, false);
    assert.ok(validateRpc('acceptRate', { deviceId: 'm' }).ok);
    assert.equal(validateRpc('acceptRate', { deviceId: '' }).ok, false);
  });
});
