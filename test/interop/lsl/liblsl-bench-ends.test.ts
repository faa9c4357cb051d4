/**
 * The LSL bench's plumbing against the real liblsl (test/bench/lsl-ends.ts with lsl-bench-peer.c), small
 * and slow enough to say nothing about speed: every pairing delivers every sample, each side reports a
 * CPU share, liblsl's one-process latency run receives all it pushed, and a peer that dies is reported
 * at once rather than after its timeout. Skips with the reason when SIGHTLINE_LIBLSL is not set.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  liblslInlet,
  liblslOneProcessLatency,
  liblslOutlet,
  ourInlet,
  ourOutlet,
  pushed,
  type Source,
} from '../../bench/lsl-ends';
import { buildLiblslPeer } from '../../helpers/liblsl-peer';

const built = buildLiblslPeer('lsl-bench-peer');
const skip = 'skip' in built ? built.skip : undefined;
if (skip) console.log(`liblsl bench ends skipped: ${skip}`);

const PLAN = { channels: 4, rateHz: 100, seconds: 1, stamp: 'nominal' as const };

test('our outlet → liblsl inlet and liblsl outlet → our inlet: every sample, both CPU shares', { skip }, async () => {
  if (!('binary' in built)) return;
  for (const [what, outlet, sink] of [
    [
      'ours → liblsl',
      () => ourOutlet({ ...PLAN, name: 'EndsToLiblsl' }),
      (s: Source['stream']) => liblslInlet(built, s, 0.5),
    ],
    [
      'liblsl → ours',
      () => liblslOutlet(built, { ...PLAN, name: 'EndsToOurs' }),
      (s: Source['stream']) => ourInlet(s, 0.5),
    ],
  ] as const) {
    const { pushed: sent, received } = await pushed(outlet, sink);
    assert.equal(sent.pushed, 100, what);
    assert.equal(received.total, 100, what);
    // Nominal stamps: the first and last sample are 99 periods apart.
    assert.ok(
      Math.abs(received.lastTs - received.firstTs - 0.99) < 1e-6,
      `${what}: ${received.firstTs}…${received.lastTs}`,
    );
    for (const share of [sent.cpuShare, received.cpuShare]) assert.ok(share >= 0 && share < 4, `${what}: ${share}`);
    assert.ok(received.p50Ms >= 0, what);
  }
});

test('liblsl outlet and inlet in one process: the latency run receives all it pushed', { skip }, async () => {
  if (!('binary' in built)) return;
  const r = await liblslOneProcessLatency(built, 7, 200);
  assert.equal(r.received, 200);
  assert.ok(r.p50Ms >= 0 && r.p50Ms <= r.p99Ms, JSON.stringify(r));
});

test('a liblsl peer that dies is reported at once, not after its timeout', { skip }, async () => {
  if (!('binary' in built)) return;
  const started = performance.now();
  const outlet = await ourOutlet({ ...PLAN, name: 'EndsDying' });
  try {
    // A stream info the peer cannot use: it says so and exits.
    const sink = liblslInlet(built, { ...outlet.stream, info: { ...outlet.stream.info, channelCount: 0 } }, 0.5);
    await assert.rejects(sink.result, /lsl-bench-peer ended without "result"/);
    await sink.close();
  } finally {
    await outlet.close();
  }
  assert.ok(performance.now() - started < 20_000);
});
