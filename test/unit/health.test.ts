import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker, RateWindow } from '../../main/hub/health';
import type { SourceCounters, SourceStatus } from '../../main/hub/source';

const counters: SourceCounters = { packets: 10, bytes: 1000, samples: 9, malformed: 1, dropped: 2 };

test('a steady 120 Hz stream reads 120 Hz once the window is full, and 0 after it stops', () => {
  const w = new RateWindow();
  let t = 10_000;
  for (let i = 0; i < 600; i++, t += 1000 / 120) w.record(t);
  assert.ok(Math.abs(w.rateHz(t) - 120) < 3, String(w.rateHz(t)));
  assert.equal(w.rateHz(t + 1_500), 0);
});

test('the rate follows a change of input rate within about a second', () => {
  const w = new RateWindow();
  let t = 0;
  for (let i = 0; i < 240; i++, t += 1000 / 240) w.record(t);
  for (let i = 0; i < 60; i++, t += 1000 / 60) w.record(t);
  assert.ok(Math.abs(w.rateHz(t) - 60) < 8, String(w.rateHz(t)));
});

test('right after the first samples the rate is computed over the time since then, not a full window', () => {
  const w = new RateWindow();
  for (let i = 0; i <= 60; i++) w.record(1000 + i * (1000 / 120));
  // 61 samples over 0.5 s.
  assert.ok(Math.abs(w.rateHz(1500) - 122) < 3, String(w.rateHz(1500)));
  assert.equal(new RateWindow().rateHz(5), 0);
});

test('a 10 kHz stream is counted right with a fixed ring of buckets', () => {
  const w = new RateWindow();
  for (let i = 0; i < 50_000; i++) w.record(i / 10);
  assert.ok(Math.abs(w.rateHz(5_000) - 10_000) < 200, String(w.rateHz(5_000)));
});

test('DeviceHealth carries counters, age, clock in ms, retry time and the most relevant error', () => {
  const h = new HealthTracker();
  const status: SourceStatus = {
    state: 'streaming',
    lastError: 'source-side',
    clock: { offsetNs: 2_500_000, uncertaintyNs: 150_000, driftPpm: 1.5, samples: 10 },
    latency: { systemMs: 4.2 },
  };
  const before = h.snapshot(
    counters,
    status,
    { state: 'streaming', reconnects: 0, lastError: null, nextRetryAtMs: null },
    0,
  );
  assert.equal(before.lastSampleAgeMs, null);
  assert.equal(before.lastError, 'source-side');
  h.onSample(100);
  const after = h.snapshot(
    counters,
    status,
    { state: 'reconnecting', reconnects: 3, lastError: 'hub-side', nextRetryAtMs: 900 },
    400,
  );
  assert.equal(after.lastSampleAgeMs, 300);
  assert.equal(after.samples, 9);
  assert.equal(after.malformed, 1);
  assert.equal(after.dropped, 2);
  assert.equal(after.reconnects, 3);
  assert.equal(after.lastError, 'hub-side');
  assert.equal(after.nextRetryMs, 500);
  assert.equal(after.clockOffsetMs, 2.5);
  assert.equal(after.clockUncertaintyMs, 0.15);
  assert.equal(after.clockDriftPpm, status.clock!.driftPpm);
  assert.deepEqual(after.latency, { systemMs: 4.2 });
  const noClock = h.snapshot(
    counters,
    { state: 'connected' },
    { state: 'connected', reconnects: 0, lastError: null, nextRetryAtMs: 5 },
    400,
  );
  assert.equal(noClock.clockOffsetMs, null);
  assert.equal(noClock.clockDriftPpm, null);
  assert.equal(noClock.nextRetryMs, null, 'no retry time unless reconnecting');
  assert.equal(noClock.latency, null);
});
