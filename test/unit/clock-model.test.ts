import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockModel } from '../../main/time/clock-model';

/** Small seeded PRNG so every run sees the same "network". */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOST_START_NS = 1.7e18;

interface SyntheticDevice {
  /** Device clock reading at a host time. */
  deviceAt(hostNs: number): number;
  /** The truth the model should recover: host time for a device reading. */
  hostAt(deviceNs: number): number;
}

/** A device clock reading `offsetNs` at HOST_START_NS and running `driftPpm` fast. */
function device(offsetNs: number, driftPpm: number): SyntheticDevice {
  const rate = 1 + driftPpm / 1e6;
  return {
    deviceAt: (hostNs) => (hostNs - HOST_START_NS) * rate + offsetNs,
    hostAt: (deviceNs) => (deviceNs - offsetNs) / rate + HOST_START_NS,
  };
}

/**
 * Round trips every `periodMs`, each leg taking `baseUs` plus exponential queueing jitter; the
 * device reads its clock when the request arrives.
 */
function simulate(
  model: ClockModel,
  dev: SyntheticDevice,
  opts: { count: number; periodMs: number; baseUs: number; jitterUs: number; seed: number; startMs?: number },
): void {
  const random = prng(opts.seed);
  const jitter = () => -Math.log(1 - random()) * opts.jitterUs * 1e3;
  for (let i = 0; i < opts.count; i++) {
    const send = HOST_START_NS + ((opts.startMs ?? 0) + i * opts.periodMs) * 1e6;
    const arrive = send + opts.baseUs * 1e3 + jitter();
    const back = arrive + opts.baseUs * 1e3 + jitter();
    model.addRoundTrip(send, dev.deviceAt(arrive), back);
  }
}

test('no estimate before the first round trip', () => {
  const model = new ClockModel();
  assert.equal(model.estimate(), undefined);
  assert.equal(model.toHostNs(123), undefined);
});

test('recovers a fixed offset within the reported uncertainty', () => {
  const model = new ClockModel();
  const dev = device(5e12, 0);
  simulate(model, dev, { count: 40, periodMs: 250, baseUs: 60, jitterUs: 40, seed: 1 });
  const est = model.estimate();
  assert.ok(est);
  assert.equal(est.samples, 40);
  const probe = dev.deviceAt(HOST_START_NS + 9e9);
  const error = Math.abs(model.toHostNs(probe)! - dev.hostAt(probe));
  // Symmetric legs: the midpoint is unbiased, so the error is well inside rtt_min/2.
  assert.ok(error <= est.uncertaintyNs, `error ${error} ns > uncertainty ${est.uncertaintyNs} ns`);
  assert.ok(est.uncertaintyNs >= 60e3 && est.uncertaintyNs < 120e3, `uncertainty ${est.uncertaintyNs}`);
  assert.ok(Math.abs(est.driftPpm) < 5, `drift ${est.driftPpm} ppm`);
});

test('estimates drift once the window spans more than two seconds', () => {
  const model = new ClockModel();
  const dev = device(-3e15, 80);
  simulate(model, dev, { count: 6, periodMs: 250, baseUs: 50, jitterUs: 20, seed: 2 });
  assert.equal(model.estimate()!.driftPpm, 0, 'no drift claimed from a 1.25 s span');

  simulate(model, dev, { count: 64, periodMs: 250, baseUs: 50, jitterUs: 20, seed: 3, startMs: 1500 });
  const est = model.estimate()!;
  assert.ok(Math.abs(est.driftPpm - 80) < 15, `drift ${est.driftPpm} ppm, expected ~80`);
  // Extrapolating one second past the last round trip stays within a few uncertainties.
  const probe = dev.deviceAt(HOST_START_NS + (1500 + 63 * 250 + 1000) * 1e6);
  const error = Math.abs(model.toHostNs(probe)! - dev.hostAt(probe));
  assert.ok(error < 3 * est.uncertaintyNs + 20e3, `error ${error} ns`);
});

test('asymmetric outliers (slow return legs) are rejected by the min-RTT window', () => {
  const model = new ClockModel();
  const dev = device(1e12, 0);
  const random = prng(7);
  for (let i = 0; i < 32; i++) {
    const send = HOST_START_NS + i * 250e6;
    const arrive = send + 50e3;
    // Every third answer is stuck in a queue for 5–20 ms on the way back: a naive average of
    // midpoints would be off by milliseconds.
    const stuck = i % 3 === 0 ? 5e6 + random() * 15e6 : random() * 5e3;
    model.addRoundTrip(send, dev.deviceAt(arrive), arrive + 50e3 + stuck);
  }
  const est = model.estimate()!;
  const probe = dev.deviceAt(HOST_START_NS + 5e9);
  const error = Math.abs(model.toHostNs(probe)! - dev.hostAt(probe));
  assert.ok(error < 10e3, `error ${error} ns`);
  assert.ok(est.uncertaintyNs < 60e3, `uncertainty ${est.uncertaintyNs}`);
});

test('impossible round trips are ignored', () => {
  const model = new ClockModel();
  assert.equal(model.addRoundTrip(1000, 5, 900), false);
  assert.equal(model.addRoundTrip(Number.NaN, 5, 900), false);
  assert.equal(model.estimate(), undefined);
});

test('a device clock jump restarts the window instead of poisoning it', () => {
  const model = new ClockModel();
  simulate(model, device(1e12, 0), { count: 20, periodMs: 250, baseUs: 50, jitterUs: 10, seed: 4 });
  const restarted = device(42e9, 0);
  simulate(model, restarted, { count: 4, periodMs: 250, baseUs: 50, jitterUs: 10, seed: 5, startMs: 5000 });
  assert.equal(model.discontinuityCount(), 1);
  const probe = restarted.deviceAt(HOST_START_NS + 6e9);
  assert.ok(Math.abs(model.toHostNs(probe)! - restarted.hostAt(probe)) < 100e3);
});

test('drift over a long baseline: ±2 ppm after 10 minutes of a jittery network (fake clock)', () => {
  const model = new ClockModel();
  const windowOnly = new ClockModel({ archiveSize: 8, archiveBucketNs: 1e15 });
  const dev = device(7e15, 37);
  const random = prng(11);
  // 10 minutes of round trips every 250 ms; legs of 100 µs plus 0–2 ms of exponential queueing,
  // and one answer in ten stuck for 5–30 ms.
  const jitter = () => -Math.log(1 - random()) * 400e3;
  for (let i = 0; i < 2400; i++) {
    const send = HOST_START_NS + i * 250e6;
    const arrive = send + 100e3 + jitter();
    const back = arrive + 100e3 + jitter() + (i % 10 === 3 ? 5e6 + random() * 25e6 : 0);
    model.addRoundTrip(send, dev.deviceAt(arrive), back);
    windowOnly.addRoundTrip(send, dev.deviceAt(arrive), back);
  }
  const est = model.estimate()!;
  assert.ok(Math.abs(est.driftPpm - 37) < 2, `drift ${est.driftPpm} ppm, expected 37 ± 2`);
  assert.ok(est.driftBaselineS! > 590, `baseline ${est.driftBaselineS} s`);
  // A few seconds of the same network would not know it nearly as well (this is why the history is kept).
  const short = windowOnly.estimate()!;
  assert.ok(Math.abs(short.driftPpm - 37) > Math.abs(est.driftPpm - 37), `window-only ${short.driftPpm} ppm`);
  // And the time conversion one second past the last round trip stays within the uncertainty.
  const probe = dev.deviceAt(HOST_START_NS + 601e9);
  const error = Math.abs(model.toHostNs(probe)! - dev.hostAt(probe));
  assert.ok(error < est.uncertaintyNs + 50e3, `error ${error} ns, uncertainty ${est.uncertaintyNs} ns`);
});

test('the long-baseline history stays bounded and forgets nothing but resolution', () => {
  const model = new ClockModel({ archiveSize: 16, archiveBucketNs: 1e9 });
  const dev = device(0, -12);
  simulate(model, dev, { count: 4 * 3600, periodMs: 250, baseUs: 80, jitterUs: 50, seed: 12 });
  const est = model.estimate()!;
  assert.ok(est.driftBaselineS! > 3000, `baseline ${est.driftBaselineS} s after an hour`);
  assert.ok(Math.abs(est.driftPpm + 12) < 0.5, `drift ${est.driftPpm}`);
});

test('a saturated host (most answers queued for milliseconds, on either leg) does not tilt the estimate', () => {
  const model = new ClockModel();
  const dev = device(2e15, 300);
  const random = prng(21);
  let worst = 0;
  for (let i = 0; i < 240; i++) {
    const send = HOST_START_NS + i * 250e6;
    // 85 % of round trips wait 2–20 ms in a queue, on the way out or back; the rest are clean.
    const queued = random() < 0.85 ? 2e6 + random() * 18e6 : 0;
    const outward = random() < 0.5;
    const arrive = send + 60e3 + (outward ? queued : 0);
    const back = arrive + 60e3 + (outward ? 0 : queued);
    model.addRoundTrip(send, dev.deviceAt(arrive), back);
    if (i < 80) continue;
    // What a sample stamped now would be converted to, against the truth.
    const probe = dev.deviceAt(back);
    worst = Math.max(worst, Math.abs(model.toHostNs(probe)! - dev.hostAt(probe)));
  }
  assert.ok(worst < 300e3, `worst error ${(worst / 1e3).toFixed(0)} µs over a minute of a saturated host`);
});
