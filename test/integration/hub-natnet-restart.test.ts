/**
 * The whole recovery path as the app runs it: the Hub, a NatNetClient and a Motive that restarts or
 * goes away. Nothing here reconnects by hand; the Hub's own backoff must bring the device back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hub } from '../../main/hub/hub';
import { NatNetClient } from '../../main/protocols/natnet/client';
import type { Sample } from '../../main/hub/source';
import { LOOPBACK, sleep, startSimulator, waitFor } from './natnet-helpers';

async function hubWithClient(commandPort: number) {
  const hub = new Hub({ healthTickMs: 100 });
  const client = new NatNetClient({ id: 'motive', host: LOOPBACK, commandPort, connectTimeoutMs: 500 });
  hub.add(client);
  const samples: Sample[] = [];
  hub.addSink((_device, sample) => samples.push(sample));
  await hub.connect('motive');
  return { hub, client, samples, health: () => hub.get('motive')!.health };
}

test('Motive restarts: frames resume within 3 s with no help, and health shows what happened', async (t) => {
  const sim = await startSimulator(t, { rateHz: 120 });
  const { hub, client, samples, health } = await hubWithClient(sim.commandPort);
  t.after(() => hub.close());
  await waitFor(() => health().state === 'streaming', 3000, 'streaming');
  await sleep(300);
  // Every state the Hub reports (it tells each change at once), not a sample of them: a short gap
  // on a loaded machine could fall between two polls.
  const states = new Set<string>();
  const onDevices = (snapshots: { id: string; health: { state: string } }[]): void => {
    for (const d of snapshots) if (d.id === 'motive') states.add(d.health.state);
  };
  hub.on('devices', onDevices);
  const watch = { close: () => hub.off('devices', onDevices) };
  t.after(() => watch.close());
  const restartedAt = Date.now();
  await sim.restart();
  const count = samples.length;
  await waitFor(() => samples.length > count + 10 && health().state === 'streaming', 3000, 'frames again');
  const recoveredMs = Date.now() - restartedAt;
  watch.close();
  assert.ok(recoveredMs < 3000, `streaming again ${recoveredMs} ms after the restart`);
  // A restarted Motive forgets its unicast clients. Either the client noticed the restart (down →
  // the Hub reconnects, with the reason in lastError) or, seeing frames stop while Motive still
  // answered echoes, registered again on its own. Both are recovery; neither is silent.
  const viaHub = health().reconnects > 0;
  const viaReRegistration = client.diagnostics().reRegistrations > 0;
  assert.ok(viaHub || viaReRegistration, 'some recovery happened');
  if (viaHub) assert.match(health().lastError ?? '', /restart|silent/i);
  assert.ok(states.has('stale') || states.has('reconnecting'), `the gap was visible: ${[...states].join(', ')}`);
  t.diagnostic(`recovered ${recoveredMs} ms after the restart (${viaHub ? 'Hub reconnect' : 're-registration'})`);
});

test('Motive away for 2 s: state reconnecting with a retry countdown and the reason, then streaming again', async (t) => {
  const sim = await startSimulator(t, { rateHz: 120 });
  const { hub, samples, health } = await hubWithClient(sim.commandPort);
  t.after(() => hub.close());
  await waitFor(() => health().state === 'streaming', 3000, 'streaming');
  const back = sim.restart({ downtimeMs: 2000 });
  await waitFor(() => health().state === 'reconnecting', 3000, 'reconnecting');
  await waitFor(() => health().nextRetryMs !== null, 2000, 'a retry countdown');
  assert.ok(health().lastError, 'a reason is shown while down');
  await back;
  const backAt = Date.now();
  const count = samples.length;
  await waitFor(() => samples.length > count + 10 && health().state === 'streaming', 6000, 'frames again');
  t.diagnostic(`streaming ${Date.now() - backAt} ms after Motive came back (${health().reconnects} attempts)`);
  // Bounded backoff (≤ 5 s) means an operator never waits long after Motive is back.
  assert.ok(Date.now() - backAt < 6000);
});
