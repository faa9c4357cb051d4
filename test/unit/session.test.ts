import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hub } from '../../main/hub/hub';
import { RendererLink } from '../../main/link/renderer-link';
import { SessionController } from '../../main/recording/session';
import type { SessionState } from '../../preload/api';
import { FakeSource, waitFor } from '../helpers/fake-source';
import { FakeTransport } from '../helpers/fake-transport';
import { readRecording, tempDir } from '../helpers/recording';

async function lab(): Promise<{ hub: Hub; ok: FakeSource; refuses: FakeSource; slow: FakeSource; plain: FakeSource }> {
  const hub = new Hub();
  const ok = new FakeSource({ id: 'ok', recording: true, events: true });
  const refuses = new FakeSource({ id: 'refuses', recording: { failWith: 'Motive is in Edit mode' } });
  const slow = new FakeSource({ id: 'slow', recording: 'hang', events: { failWith: 'phone offline' } });
  const plain = new FakeSource({ id: 'plain' });
  for (const s of [ok, refuses, slow, plain]) {
    hub.add(s);
    await hub.connect(s.id);
  }
  return { hub, ok, refuses, slow, plain };
}

test('Record: local recording at once, every able device asked in parallel, each answer reported', async (t) => {
  const { hub, ok, refuses, plain } = await lab();
  const session = new SessionController(hub, { outDir: tempDir('session'), remoteTimeoutMs: 300 });
  t.after(async () => {
    await session.close();
    await hub.close();
  });
  const states: SessionState[] = [];
  session.on('changed', (s) => states.push(s));

  const started = await session.start({ name: 'P01 run1', operator: 'ana' });
  // The hanging device does not hold up the local recording: it is running before any deadline passed.
  assert.equal(
    started.remote.find((r) => r.deviceId === 'slow'),
    undefined,
    'start() returned before the slow device was given up on',
  );
  assert.equal(started.active, true);
  assert.equal(started.name, 'P01 run1');
  assert.deepEqual(ok.recordingCalls, ['start:P01 run1']);
  assert.deepEqual(refuses.recordingCalls, ['start:P01 run1']);
  assert.deepEqual(plain.recordingCalls, [], 'a device without recording control is not asked');

  await waitFor(() => session.state().remote.length === 3, 'three answers', 3000);
  const answer = (id: string) => session.state().remote.find((r) => r.deviceId === id)!;
  assert.equal(answer('ok').outcome, 'started');
  assert.equal(answer('refuses').outcome, 'refused');
  assert.equal(answer('refuses').reason, 'Motive is in Edit mode');
  assert.equal(answer('slow').outcome, 'timed out');
  assert.ok(answer('slow').elapsedMs >= 290, 'given up on at its deadline, not before');
  // The quick answer was reported while the slow device was still being waited for.
  const firstWithOk = states.findIndex((s) => s.remote.some((r) => r.deviceId === 'ok'));
  const firstWithSlow = states.findIndex((s) => s.remote.some((r) => r.deviceId === 'slow'));
  assert.ok(firstWithOk >= 0 && firstWithOk < firstWithSlow, 'the quick answer was not held up by the slow one');

  ok.emitPoses(1);
  const events = await session.sendEvent('stimulus A', 'hotkey');
  assert.deepEqual(
    events.map((e) => [e.deviceId, e.result]),
    [
      ['ok', 'sent'],
      ['slow', 'refused: phone offline'],
    ],
  );
  assert.equal(ok.sentEvents[0]?.name, 'stimulus A');
  assert.ok(Math.abs(ok.sentEvents[0]!.timestampNs! / 1e6 - Date.now()) < 5000, 'host timestamp handed to the device');

  const stopped = await session.stop();
  assert.equal(stopped.active, false);
  // Only the device that started is stopped.
  assert.deepEqual(ok.recordingCalls, ['start:P01 run1', 'stop']);
  assert.deepEqual(refuses.recordingCalls, ['start:P01 run1']);
  assert.ok(
    states.some((s) => s.remote.some((r) => r.outcome === 'timed out')),
    'answers were pushed as they came',
  );

  const { messages, scan } = await readRecording(`${started.folder}/recording.mcap`);
  assert.equal(scan.complete, true);
  const remote = messages.filter((m) => m.topic === '/session/remote_recording').map((m) => m.json);
  assert.deepEqual(remote.map((r) => `${r.device_id as string} ${r.action as string} ${r.outcome as string}`).sort(), [
    'ok start started',
    'ok stop stopped',
    'refuses start refused',
    'slow start timed out',
  ]);
  const operator = messages.filter((m) => m.topic === '/operator/events');
  assert.equal(operator[0]?.json.text, 'stimulus A');
  assert.deepEqual(operator[0]?.json.devices, { ok: 'sent', slow: 'refused: phone offline' });
  await hub.close();
});

test('a second Record while one runs is refused; Stop with none running is harmless', async () => {
  const { hub } = await lab();
  const session = new SessionController(hub, { outDir: tempDir('session2'), remoteTimeoutMs: 50 });
  assert.equal((await session.stop()).active, false);
  const first = await session.start({ name: 'same', remote: false });
  await assert.rejects(session.start({}), /already running/);
  await session.stop();
  // A session of the same name never overwrites the earlier one.
  const second = await session.start({ name: 'same', remote: false });
  assert.equal(second.folder, `${first.folder!}-2`);
  await session.stop();
  await hub.close();
});

test('the renderer drives the session over RPC and gets its state as events', async () => {
  const { hub } = await lab();
  const session = new SessionController(hub, { outDir: tempDir('session-rpc'), remoteTimeoutMs: 100 });
  const transport = new FakeTransport();
  const link = new RendererLink(hub, transport, { session });
  const res = await link.handleRpc('startSession', { name: 'rpc take' });
  assert.equal(res.ok, true);
  const bad = await link.handleRpc('startSession', { name: 'a,b' });
  assert.equal(bad.ok, false, 'take names with commas are refused before anything acts');
  const ev = await link.handleRpc('sendOperatorEvent', { text: 'go' });
  assert.equal(ev.ok, true);
  const stop = await link.handleRpc('stopSession', {});
  assert.equal(stop.ok && (stop.value as SessionState).active, false);
  const sessionEvents = transport.events.filter((e) => e.type === 'session');
  assert.ok(sessionEvents.length >= 3);
  link.close();
  const without = new RendererLink(hub, new FakeTransport());
  const refused = await without.handleRpc('startSession', {});
  assert.equal(refused.ok, false);
  without.close();
  await hub.close();
});
