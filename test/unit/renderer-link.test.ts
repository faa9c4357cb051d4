import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hub } from '../../main/hub/hub';
import { RendererLink } from '../../main/link/renderer-link';
import { FakeSource, waitFor } from '../helpers/fake-source';
import { FakeTransport, settle } from '../helpers/fake-transport';

async function setup(options: { ackTimeoutMs?: number; minIntervalMs?: number; holdMs?: number } = {}) {
  const hub = new Hub({ healthTickMs: 60_000 });
  const a = new FakeSource({ id: 'a', recording: true });
  const b = new FakeSource({ id: 'b' });
  hub.add(a);
  hub.add(b);
  await hub.connect('a');
  await hub.connect('b');
  const transport = new FakeTransport();
  const link = new RendererLink(hub, transport, options);
  return {
    hub,
    a,
    b,
    transport,
    link,
    async done() {
      link.close();
      await hub.close();
    },
  };
}

test('a new renderer gets the devices at once; the first sample goes out immediately, with no timer', async () => {
  const t = await setup();
  try {
    const devices = t.transport.eventsOfType('devices');
    assert.equal(devices.length, 1);
    assert.deepEqual(
      devices[0]!.devices.map((d) => d.id),
      ['a', 'b'],
    );
    assert.equal(t.transport.batches.length, 0, 'nothing to send before any sample');
    t.a.emitPoses(2);
    // One microtask turn, no timer phase: the batch is already out.
    await Promise.resolve();
    assert.equal(t.transport.batches.length, 1);
    const batch = t.transport.batches[0]!;
    assert.equal(batch.poses.length, 1);
    assert.equal(batch.poses[0]!.handle, 1);
    assert.equal(batch.poses[0]!.samples, 1);
    assert.equal(batch.poses[0]!.bodies.length, 2);
  } finally {
    await t.done();
  }
});

test('never more than one unacknowledged batch; samples meanwhile coalesce to the latest, counted', async () => {
  const t = await setup({ minIntervalMs: 0 });
  try {
    t.a.emitPoses(1);
    await settle();
    for (let i = 0; i < 9; i++) t.a.emitPoses(1);
    t.b.emitPoses(4);
    await settle();
    assert.equal(t.transport.batches.length, 1, 'waiting for the ack');
    t.transport.ackLatest();
    assert.equal(t.transport.batches.length, 2, 'sent the moment the ack came');
    const second = t.transport.batches[1]!;
    const byHandle = new Map(second.poses.map((p) => [p.handle, p]));
    assert.equal(byHandle.get(1)!.frameNumber, 10, 'latest sample of a');
    assert.equal(byHandle.get(1)!.samples, 9, 'the nine samples since the first batch');
    assert.equal(byHandle.get(2)!.bodies.length, 4);
    assert.equal(t.link.stats().samplesCoalesced, 8);
    // An ack with nothing new leaves the link idle; the next sample then goes out at once.
    t.transport.ackLatest();
    assert.equal(t.transport.batches.length, 2);
    t.b.emitPoses(1);
    await settle();
    assert.equal(t.transport.batches.length, 3);
  } finally {
    await t.done();
  }
});

test('acks for other sequence numbers are ignored', async () => {
  const t = await setup({ minIntervalMs: 0 });
  try {
    t.a.emitPoses(1);
    await settle();
    t.a.emitPoses(1);
    const seq = t.transport.batches[0]!.seq;
    t.transport.sendAck(seq + 5);
    t.transport.sendAck(seq - 1);
    assert.equal(t.transport.batches.length, 1);
    t.transport.sendAck(seq);
    assert.equal(t.transport.batches.length, 2);
    assert.equal(t.transport.batches[1]!.seq, seq + 1);
  } finally {
    await t.done();
  }
});

test('with no ack (hidden window) the next batch still goes out after the ack timeout', async () => {
  // Long enough that a loaded CI machine settles well within it, so "still one batch" is about the
  // missing ack and not about the clock.
  const t = await setup({ ackTimeoutMs: 500 });
  try {
    t.a.emitPoses(1);
    await settle();
    t.a.emitPoses(1);
    await settle();
    assert.equal(t.transport.batches.length, 1);
    await waitFor(() => t.transport.batches.length === 2, 'the fallback batch', 3_000);
    assert.equal(t.link.stats().ackTimeouts, 1);
    // The late ack of the first batch is ignored; the second is in flight now.
    t.transport.sendAck(t.transport.batches[0]!.seq);
    t.a.emitPoses(1);
    await settle();
    assert.equal(t.transport.batches.length, 2);
  } finally {
    await t.done();
  }
});

test('a closed transport gets nothing; replay() brings a reloaded page up to date', async () => {
  const t = await setup();
  try {
    t.a.emitPoses(3);
    await settle();
    t.a.emit('catalog', { bodies: [{ id: 1, name: 'Wand' }] });
    t.hub.notice('warn', 'something happened');
    t.transport.isOpen = false;
    t.a.emitPoses(3);
    await settle();
    const before = t.transport.batches.length;
    t.transport.isOpen = true;
    t.link.replay();
    assert.equal(t.transport.batches.length, before + 1, 'latest poses replayed without waiting for the old ack');
    const kinds = t.transport.events.slice(-3).map((e) => e.type);
    assert.deepEqual(kinds, ['devices', 'catalog', 'notice']);
  } finally {
    await t.done();
  }
});

test('RPC: valid calls reach the Hub; invalid ones are refused with a message and no stack', async () => {
  const t = await setup();
  try {
    const list = await t.transport.call('listDevices', {});
    assert.equal(list.ok, true);
    assert.equal((list as { value: unknown[] }).value.length, 2);

    const rec = await t.transport.call('startRecording', { deviceId: 'a', takeName: 'take_1' });
    assert.deepEqual(rec, { ok: true, value: null });
    assert.deepEqual(t.a.recordingCalls, ['start:take_1']);

    const cannot = await t.transport.call('startRecording', { deviceId: 'b' });
    assert.equal(cannot.ok, false);
    assert.match((cannot as { error: string }).error, /cannot record/);

    for (const [method, params] of [
      ['shutdown', {}],
      ['startRecording', { deviceId: 'a', takeName: 'a,b' }],
      ['startRecording', { deviceId: 'a', extra: 1 }],
      ['connectDevice', { deviceId: '' }],
      ['connectDevice', 'not an object'],
      [42, null],
    ] as const) {
      const r = await t.transport.call(method, params);
      assert.equal(r.ok, false, `${String(method)} ${JSON.stringify(params)}`);
      assert.doesNotMatch((r as { error: string }).error, /\n\s+at /);
    }
    const missing = await t.transport.call('disconnectDevice', { deviceId: 'zzz' });
    assert.deepEqual(missing, { ok: false, error: 'no device "zzz"' });

    await t.transport.call('disconnectDevice', { deviceId: 'b' });
    assert.equal(t.hub.get('b')!.health.state, 'closed');
    await t.transport.call('connectDevice', { deviceId: 'b' });
    assert.equal(t.hub.get('b')!.health.state, 'connected');

    const stats = await t.transport.call('reportRendererStats', { fps: 60, latencyP50Ms: 1.5, latencyP99Ms: null });
    assert.equal(stats.ok, true);
    assert.equal(t.link.lastRendererStats()?.fps, 60);
    assert.equal(t.link.stats().rpcRejected, 6);
  } finally {
    await t.done();
  }
});

test('Hub events (devices, catalog, notice) are forwarded; close() detaches', async () => {
  const t = await setup();
  try {
    t.b.goDown('gone');
    await settle();
    const last = t.transport.eventsOfType('devices').at(-1)!;
    assert.equal(last.devices.find((d) => d.id === 'b')!.health.state, 'reconnecting');
    t.a.emit('catalog', { bodies: [{ id: 7, name: 'Rigid' }] });
    assert.deepEqual(t.transport.eventsOfType('catalog').at(-1), {
      type: 'catalog',
      handle: 1,
      bodies: [{ id: 7, name: 'Rigid' }],
    });
    t.link.close();
    const count = t.transport.events.length;
    t.hub.notice('error', 'after close');
    t.a.emitPoses(1);
    await settle();
    assert.equal(t.transport.events.length, count);
  } finally {
    await t.done();
  }
});

test('batches are at least minIntervalMs apart; a held sample goes with the next one after the interval, at once', async () => {
  // Intervals long enough that a loaded CI machine settles well inside them: what is asserted is
  // the pacing rule, not how fast this machine is.
  const t = await setup({ minIntervalMs: 300, holdMs: 5_000 });
  try {
    t.a.emitPoses(1);
    await settle();
    assert.equal(t.transport.batches.length, 1);
    t.transport.ackLatest();
    t.a.emitPoses(1);
    await settle();
    assert.equal(t.transport.batches.length, 1, 'acknowledged, but within the interval: held');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(t.transport.batches.length, 1, 'the hold timer (5 s) has not fired; nothing went on a timer');
    t.a.emitPoses(3);
    // Sample-aligned: the first sample after the interval leaves in the same turn, carrying both.
    await Promise.resolve();
    assert.equal(t.transport.batches.length, 2);
    assert.equal(t.transport.batches[1]!.poses[0]!.samples, 2, 'the held sample is counted in this batch');
    assert.equal(t.transport.batches[1]!.poses[0]!.bodies.length, 3, 'and the newest poses are sent');
  } finally {
    await t.done();
  }
});

test('a held sample is sent after holdMs when no newer sample comes (the stream stopped)', async () => {
  const t = await setup({ minIntervalMs: 300, holdMs: 600 });
  try {
    t.a.emitPoses(1);
    await settle();
    t.transport.ackLatest();
    t.a.emitPoses(2);
    await settle();
    assert.equal(t.transport.batches.length, 1, 'held by the interval');
    const deadline = Date.now() + 2_000;
    while (t.transport.batches.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(t.transport.batches.length, 2, 'sent by the hold timer');
    assert.equal(t.transport.batches[1]!.poses[0]!.bodies.length, 2);
  } finally {
    await t.done();
  }
});
