/** The lab bar's words (renderer/src/labbar/lab-bar-model.ts): chips, the summary and the kind table. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeviceAlert, DeviceHealth } from '../../preload/api';
import { chipModel, formatTimeLeft, kindLook, labSummary } from '../../renderer/src/labbar/lab-bar-model';

const health = (h: Partial<DeviceHealth>): DeviceHealth =>
  ({ state: 'streaming', sampleRateHz: 120, lastSampleAgeMs: 4, samples: 100, lastError: null, ...h }) as DeviceHealth;

describe('lab bar', () => {
  test('a chip: state in words and icon, rate against expected, age, recording, open alerts only', () => {
    const alerts: DeviceAlert[] = [
      { id: 1, deviceId: 'm', rule: 'low-rate', message: '', atMs: 0 },
      { id: 2, deviceId: 'm', rule: 'stale', message: '', atMs: 0, acknowledgedAtMs: 5 },
      { id: 3, deviceId: 'other', rule: 'lost', message: '', atMs: 0 },
    ];
    const chip = chipModel(
      { id: 'm', kind: 'natnet', label: 'Stage', health: health({ sampleRateHz: 60 }), recording: true },
      { expectedHz: 120 },
      alerts,
    );
    assert.equal(chip.state.text, 'streaming');
    assert.equal(chip.state.icon, '✓');
    assert.equal(chip.rate, '60.0 / 120 Hz');
    assert.equal(chip.rateLow, true);
    assert.equal(chip.age, '4 ms');
    assert.equal(chip.openAlerts, 1, 'the acknowledged one and the other device’s do not count');
    assert.equal(
      chip.description,
      'Motive Stage, streaming, 60.0 / 120 Hz, last sample 4 ms ago, recording, 1 open alert',
    );
    const lost = chipModel(
      { id: 'x', kind: 'natnet', label: 'X', health: health({ state: 'reconnecting' }), recording: null },
      null,
      [],
    );
    assert.equal(lost.state.text, 'lost');
    assert.equal(lost.rateLow, false);
  });

  test('kinds come from a table with a generic fallback', () => {
    assert.equal(kindLook('pupil').name, 'Pupil Companion');
    assert.deepEqual(kindLook('some-new-kind'), { icon: '◇', name: 'some-new-kind' });
  });

  test('"5/5 streaming · REC 00:12:31 · disk 9 h left"', () => {
    const five = Array.from({ length: 5 }, () => ({ kind: 'natnet' as const, health: health({}) }));
    assert.equal(labSummary(five, null, 0), '5/5 streaming');
    const start = 1_000_000;
    assert.equal(
      labSummary(five, { recording: true, startedAtMs: start }, start + 751_000),
      '5/5 streaming · REC 00:12:31',
    );
    assert.equal(
      labSummary(five, { recording: true, startedAtMs: start, diskSecondsLeft: 9.5 * 3600 }, start + 751_000),
      '5/5 streaming · REC 00:12:31 · disk 9 h left',
    );
    assert.equal(formatTimeLeft(45 * 60 + 10), '45 min');
    assert.equal(formatTimeLeft(12), '12 s');
  });
});
