import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockJump } from '../../preload/shared/clock-jump';

const base = { offsetMs: 1_000_000, uncertaintyMs: 0.05, driftPpm: 0, atMs: 0 };

test('an offset that moves as the drift says is no jump', () => {
  // 100 ppm fast for 60 s lowers the offset by 6 ms.
  const drifting = { ...base, driftPpm: 100 };
  assert.equal(clockJump(drifting, { ...drifting, offsetMs: base.offsetMs - 6, atMs: 60_000 }), null);
  assert.equal(clockJump(base, { ...base, offsetMs: base.offsetMs + 0.3, atMs: 500 }), null, 'noise');
});

test('a step of the device clock is reported with its size', () => {
  const jump = clockJump(base, { ...base, offsetMs: base.offsetMs + 250, atMs: 500 });
  assert.ok(jump !== null && Math.abs(jump - 250) < 1e-6);
  const restart = clockJump(base, { ...base, offsetMs: base.offsetMs + 3.6e6, atMs: 500 });
  assert.ok(restart !== null && restart > 3e6, 'a restarted device (new epoch)');
});

test('a poor sync widens what counts as a jump', () => {
  const poor = { ...base, uncertaintyMs: 2 };
  assert.equal(clockJump(poor, { ...poor, offsetMs: base.offsetMs + 20, atMs: 500 }), null);
  assert.notEqual(clockJump(poor, { ...poor, offsetMs: base.offsetMs + 60, atMs: 500 }), null);
});
