import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, backoffBaseMs } from '../../main/hub/backoff';

test('delays double from 250 ms and stop at the 5 s cap', () => {
  const bases = [1, 2, 3, 4, 5, 6, 7, 100, 10_000].map((n) => backoffBaseMs(n));
  assert.deepEqual(bases, [250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
});

test('jitter only shortens a delay, by at most the jitter fraction', () => {
  const low = new Backoff({ random: () => 0.999_999, jitter: 0.2 });
  const high = new Backoff({ random: () => 0, jitter: 0.2 });
  for (let i = 0; i < 10; i++) {
    const a = low.nextDelayMs(0);
    const b = high.nextDelayMs(0);
    assert.equal(b, backoffBaseMs(i + 1));
    assert.ok(a >= 0.8 * b - 1e-9 && a <= b, `attempt ${i + 1}: ${a} vs ${b}`);
    assert.ok(a <= 5000);
  }
});

test('a connection that stayed up long enough starts again from the shortest delay', () => {
  const b = new Backoff({ random: () => 0, stableAfterMs: 10_000 });
  assert.equal(b.nextDelayMs(0), 250);
  assert.equal(b.nextDelayMs(1_000), 500);
  b.markUp(2_000);
  // Down again after 3 s up: not stable yet, keep climbing.
  assert.equal(b.nextDelayMs(5_000), 1000);
  b.markUp(6_000);
  // Down after 10 s up: forgiven.
  assert.equal(b.nextDelayMs(16_000), 250);
  assert.equal(b.attempts, 1);
});

test('reset() forgets failures', () => {
  const b = new Backoff({ random: () => 0 });
  b.nextDelayMs(0);
  b.nextDelayMs(0);
  b.reset();
  assert.equal(b.nextDelayMs(0), 250);
});

test('custom options are honoured and the exponent cannot overflow', () => {
  const b = new Backoff({ initialMs: 10, factor: 3, maxMs: 100, jitter: 0, random: () => 0.5 });
  assert.deepEqual(
    [1, 2, 3, 4].map(() => b.nextDelayMs(0)),
    [10, 30, 90, 100],
  );
  assert.equal(backoffBaseMs(1e9, { initialMs: 1, maxMs: 7 }), 7);
});
