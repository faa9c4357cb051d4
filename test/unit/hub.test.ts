import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hub, type DeviceRef } from '../../main/hub/hub';
import type { DeviceSnapshot } from '../../preload/api';
import type { Sample } from '../../main/hub/source';
import { FakeSource, waitFor } from '../helpers/fake-source';

/** Short, jitter-free delays so retries happen within a test's time bounds. */
const fast = { backoff: { initialMs: 20, factor: 2, maxMs: 80, jitter: 0 }, healthTickMs: 50 };
const stateOf = (hub: Hub, id = 'fake') => hub.get(id)?.health.state;

test('devices get small stable handles, unique ids, and an idle snapshot', async () => {
  const hub = new Hub(fast);
  try {
    const a = hub.add(new FakeSource({ id: 'a' }));
    const b = hub.add(new FakeSource({ id: 'b' }), { simulated: true });
    assert.deepEqual([a.handle, b.handle], [1, 2]);
    assert.equal(a.health.state, 'idle');
    assert.equal(b.simulated, true);
    assert.deepEqual(a.capabilities, { recording: false, events: false });
    assert.throws(() => hub.add(new FakeSource({ id: 'a' })), /already registered/);
    await hub.remove('a');
    const c = hub.add(new FakeSource({ id: 'c' }));
    assert.equal(c.handle, 3, 'handles are never reused');
    assert.deepEqual(
      hub.snapshots().map((d) => d.id),
      ['b', 'c'],
    );
    assert.equal(hub.get('a'), undefined);
    await assert.rejects(hub.connect('nope'), /no device "nope"/);
  } finally {
    await hub.close();
  }
});

test('connect, stream: state, rate, counters and the latest pose', async () => {
  const hub = new Hub(fast);
  const source = new FakeSource();
  hub.add(source);
  try {
    await hub.connect('fake');
    assert.equal(stateOf(hub), 'connected');
    for (let i = 0; i < 20; i++) source.emitPoses(3);
    const snap = hub.get('fake')!;
    assert.equal(snap.health.state, 'streaming');
    assert.equal(snap.health.samples, 20);
    assert.ok(snap.health.sampleRateHz > 0);
    assert.ok(snap.health.lastSampleAgeMs !== null && snap.health.lastSampleAgeMs >= 0);
    const latest = hub.latestPoses();
    assert.equal(latest.length, 1);
    assert.equal(latest[0]!.sample.frameNumber, 20);
    // connect() on a connected device is a no-op.
    await hub.connect('fake');
    assert.equal(source.connectCalls, 1);
  } finally {
    await hub.close();
  }
  assert.equal(source.closeCalls >= 1, true);
});

test('after a down the Hub closes the source, reports reconnecting with its reason, and reconnects', async () => {
  const hub = new Hub(fast);
  const source = new FakeSource();
  hub.add(source);
  const states: string[] = [];
  hub.on('devices', (d: DeviceSnapshot[]) => states.push(d[0]!.health.state));
  try {
    await hub.connect('fake');
    source.goDown('no frames for 2 s');
    const snap = hub.get('fake')!;
    assert.equal(snap.health.state, 'reconnecting');
    assert.equal(snap.health.lastError, 'no frames for 2 s');
    assert.ok(snap.health.nextRetryMs !== null && snap.health.nextRetryMs <= 20);
    await waitFor(() => source.connectCalls === 2 && stateOf(hub) === 'connected', 'the reconnection');
    assert.equal(source.closeCalls, 1);
    assert.equal(hub.get('fake')!.health.reconnects, 1);
    assert.equal(hub.get('fake')!.health.nextRetryMs, null);
    assert.ok(states.includes('reconnecting'), `a devices event said reconnecting: ${states.join(',')}`);
  } finally {
    await hub.close();
  }
});

test('a rejected connect rejects the call with the reason and keeps retrying with backoff until it works', async () => {
  const hub = new Hub(fast);
  const refused = new Error('connection refused by 127.0.0.1:1510');
  const source = new FakeSource({ connects: [refused, refused, refused, 'ok'] });
  hub.add(source);
  try {
    await assert.rejects(hub.connect('fake'), /Fake fake: connection refused/);
    const snap = hub.get('fake')!;
    assert.equal(snap.health.state, 'reconnecting');
    assert.match(snap.health.lastError ?? '', /connection refused/);
    await waitFor(() => stateOf(hub) === 'connected', 'the fourth attempt to succeed');
    assert.equal(source.connectCalls, 4);
    assert.equal(hub.get('fake')!.health.reconnects, 3);
  } finally {
    await hub.close();
  }
});

test('a source whose connect throws synchronously is handled like a rejection', async () => {
  const hub = new Hub(fast);
  const source = new FakeSource();
  let calls = 0;
  source.connect = () => {
    calls++;
    throw new Error('bad local address');
  };
  hub.add(source);
  try {
    await assert.rejects(hub.connect('fake'), /bad local address/);
    assert.equal(stateOf(hub), 'reconnecting');
    await waitFor(() => calls >= 2, 'a retry');
  } finally {
    await hub.close();
  }
});

test("the operator's disconnect cancels pending retries", async () => {
  const hub = new Hub(fast);
  const source = new FakeSource({ connects: Array.from({ length: 50 }, () => new Error('refused')) });
  hub.add(source);
  try {
    await assert.rejects(hub.connect('fake'));
    await hub.disconnect('fake');
    const calls = source.connectCalls;
    // Longer than the longest backoff: any retry would have happened.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(source.connectCalls, calls);
    const snap = hub.get('fake')!;
    assert.equal(snap.health.state, 'closed');
    assert.equal(snap.health.nextRetryMs, null);
    // A down after the operator's disconnect is ignored.
    source.goDown('late');
    assert.equal(stateOf(hub), 'closed');
  } finally {
    await hub.close();
  }
});

test('disconnect during a hanging connect wins; a later connect starts afresh', async () => {
  const hub = new Hub(fast);
  const source = new FakeSource({ connects: ['hang', 'ok'] });
  hub.add(source);
  try {
    const pending = hub.connect('fake');
    await hub.disconnect('fake');
    await assert.rejects(pending, /cancelled/);
    assert.equal(stateOf(hub), 'closed');
    await hub.connect('fake');
    assert.equal(stateOf(hub), 'connected');
    assert.equal(source.connectCalls, 2);
  } finally {
    await hub.close();
  }
});

test('sinks get every sample synchronously; one throwing sink is reported once and never breaks the others', async () => {
  const hub = new Hub(fast);
  const source = new FakeSource();
  hub.add(source);
  const got: [DeviceRef, Sample][] = [];
  const notices: string[] = [];
  hub.on('notice', (n) => notices.push(n.message));
  hub.addSink(() => {
    throw new Error('disk full');
  });
  const remove = hub.addSink((device, sample) => got.push([device, sample]));
  try {
    await hub.connect('fake');
    for (let i = 0; i < 100; i++) source.emitPoses(1);
    assert.equal(got.length, 100);
    assert.equal(got[0]![0].id, 'fake');
    assert.equal(got[0]![0].handle, 1);
    assert.equal(notices.filter((m) => /disk full/.test(m)).length, 1, 'rate-limited report');
    remove();
    source.emitPoses(1);
    assert.equal(got.length, 100);
  } finally {
    await hub.close();
  }
});

test('recording: a clear error without the capability, the device error when it fails, the state when it works', async () => {
  const hub = new Hub(fast);
  hub.add(new FakeSource({ id: 'plain', label: 'Plain' }));
  const failing = new FakeSource({
    id: 'failing',
    label: 'Motive',
    recording: { failWith: 'Motive answered "Failed"' },
  });
  const working = new FakeSource({ id: 'working', recording: true });
  hub.add(failing);
  hub.add(working);
  const notices: string[] = [];
  hub.on('notice', (n) => notices.push(`${n.level}:${n.message}`));
  try {
    await assert.rejects(hub.startRecording('plain'), /Plain cannot record/);
    await assert.rejects(
      hub.startRecording('failing', 'take_1'),
      /Motive: recording did not start: Motive answered "Failed"/,
    );
    assert.deepEqual(failing.recordingCalls, ['start:take_1']);
    assert.ok(notices.some((n) => n.startsWith('error:Motive: recording did not start')));
    await hub.startRecording('working', 'T');
    assert.equal(hub.get('working')!.recording, true);
    assert.equal(hub.get('working')!.capabilities.recording, true);
    await hub.stopRecording('working');
    assert.equal(hub.get('working')!.recording, false);
  } finally {
    await hub.close();
  }
});

test('state changes are announced at once; health ticks keep coming; catalogs are kept and announced', async () => {
  const hub = new Hub(fast);
  const source = new FakeSource();
  hub.add(source);
  let events = 0;
  hub.on('devices', () => events++);
  const catalogs: unknown[] = [];
  hub.on('catalog', (c) => catalogs.push(c));
  try {
    await hub.connect('fake');
    await new Promise((r) => setImmediate(r));
    assert.ok(events >= 1, 'connect announced');
    const after = events;
    await waitFor(() => events >= after + 2, 'two health ticks');
    source.emit('catalog', { bodies: [{ id: 1, name: 'Head' }] });
    assert.deepEqual(catalogs, [{ handle: 1, bodies: [{ id: 1, name: 'Head' }] }]);
    assert.deepEqual(hub.catalogs(), [{ handle: 1, bodies: [{ id: 1, name: 'Head' }] }]);
  } finally {
    await hub.close();
  }
});

test("a source's exceptions never escape the Hub", async () => {
  const hub = new Hub(fast);
  const source = new FakeSource();
  source.close = async () => {
    throw new Error('close exploded');
  };
  hub.add(source);
  try {
    await hub.connect('fake');
    source.throwFromStatus = true;
    const snap = hub.get('fake')!;
    assert.match(snap.health.lastError ?? '', /status exploded/);
    source.throwFromStatus = false;
    // An 'error' event with no listener would throw from emit(); the Hub treats it as a down.
    source.emit('error' as 'down', new Error('EHOSTUNREACH') as unknown as string);
    assert.equal(stateOf(hub), 'reconnecting');
    await hub.disconnect('fake');
  } finally {
    await hub.close();
  }
});

test('close() closes every source and stops retrying', async () => {
  const hub = new Hub(fast);
  const a = new FakeSource({ id: 'a' });
  const b = new FakeSource({ id: 'b', connects: Array.from({ length: 50 }, () => new Error('refused')) });
  hub.add(a);
  hub.add(b);
  await hub.connect('a');
  await assert.rejects(hub.connect('b'));
  await hub.close();
  const calls = b.connectCalls;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(b.connectCalls, calls);
  assert.ok(a.closeCalls >= 1 && b.closeCalls >= 1);
  assert.equal(a.listenerCount('sample'), 0, 'listeners detached');
  await hub.close();
});
