/** StaleClock: staleness follows each device's own rate, within a floor and a ceiling. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StaleClock } from '../../main/hub/stale-clock';

function fed(rateHz: number, count: number, options = {}): { clock: StaleClock; lastMs: number } {
  const clock = new StaleClock(options);
  let t = 0;
  for (let i = 0; i < count; i++) {
    t = (i * 1000) / rateHz;
    clock.sample(t);
  }
  return { clock, lastMs: t };
}

test('before the rate is known the ceiling applies', () => {
  const clock = new StaleClock({ ceilingMs: 1000 });
  assert.equal(clock.thresholdMs(), 1000);
  assert.equal(clock.isStale(5000), false, 'never stale before the first sample');
  clock.sample(0);
  assert.equal(clock.thresholdMs(), 1000);
  assert.equal(clock.isStale(999), false);
  assert.equal(clock.isStale(1001), true);
});

test('a 30 Hz device is stale after five periods (~167 ms); a 240 Hz one at the 100 ms floor', () => {
  const slow = fed(30, 60);
  assert.ok(Math.abs(slow.clock.thresholdMs() - 5000 / 30) < 1, `${slow.clock.thresholdMs()}`);
  assert.equal(slow.clock.isStale(slow.lastMs + 150), false);
  assert.equal(slow.clock.isStale(slow.lastMs + 180), true);
  const fast = fed(240, 200);
  assert.equal(fast.clock.thresholdMs(), 100);
});

test('a 2 Hz device is never flagged between its samples: five periods exceed the ceiling', () => {
  const { clock, lastMs } = fed(2, 10, { ceilingMs: 5000 });
  assert.equal(clock.thresholdMs(), 2500);
  assert.equal(clock.isStale(lastMs + 600), false);
});

test('an outage does not teach the clock a slower rate', () => {
  const { clock, lastMs } = fed(100, 100);
  const before = clock.thresholdMs();
  clock.sample(lastMs + 3000); // back after a 3 s outage
  assert.equal(clock.thresholdMs(), before);
  assert.ok(Math.abs(clock.periodMs()! - 10) < 0.5);
});

test('reset forgets the rate (a reconnect may meet a device set to another rate)', () => {
  const { clock } = fed(100, 100);
  clock.reset();
  assert.equal(clock.periodMs(), null);
  assert.equal(clock.thresholdMs(), 1000);
});
