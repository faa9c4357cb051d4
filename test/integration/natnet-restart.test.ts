/**
 * Motive restarting under a connected client: the client reports `down`, and what the Hub does next
 * (close(), then connect() again with backoff) brings the frames back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NatNetClient } from '../../main/protocols/natnet/client';
import { connectAndStream, sleep, startSimulator, waitFor } from './natnet-helpers';

/** What the Hub does on `down`: close, then connect with backoff, a bounded number of times. */
async function reconnectLikeTheHub(client: NatNetClient, attempts = 20): Promise<number> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await client.close();
    try {
      await client.connect();
      return attempt;
    } catch {
      await sleep(Math.min(1000, 100 * 2 ** (attempt - 1)));
    }
  }
  throw new Error(`no connection after ${attempts} attempts`);
}

test('immediate restart (same ports, clients forgotten): down, then frames resume within 3 s', async (t) => {
  const sim = await startSimulator(t, { rateHz: 120 });
  const { client, samples, downs } = await connectAndStream(t, sim, { connectTimeoutMs: 500 });
  await sleep(200);
  const restartedAt = Date.now();
  await sim.restart();
  assert.equal(sim.clientCount(), 0);
  await waitFor(() => downs.length > 0, 3000, 'down after the restart');
  assert.match(downs[0]!, /Motive restarted|went silent/);
  const downAfterMs = Date.now() - restartedAt;
  const count = samples.length;
  await reconnectLikeTheHub(client);
  await waitFor(() => samples.length > count + 5 && client.status().state === 'streaming', 3000, 'frames again');
  const recoveredMs = Date.now() - restartedAt;
  assert.ok(recoveredMs < 3000, `frames resumed ${recoveredMs} ms after the restart`);
  assert.equal(sim.clientCount(), 1);
  t.diagnostic(
    `immediate restart: down after ${downAfterMs} ms (${downs[0]}); streaming again after ${recoveredMs} ms`,
  );
});

test('restart with 1.5 s downtime: down for silence, retries fail, frames resume within 3 s of Motive returning', async (t) => {
  const sim = await startSimulator(t, { rateHz: 120 });
  const { client, samples, downs } = await connectAndStream(t, sim, { connectTimeoutMs: 400 });
  const restart = sim.restart({ downtimeMs: 1500 });
  await waitFor(() => downs.length > 0, 3000, 'down while Motive is away');
  assert.match(downs[0]!, /went silent/);
  const reconnecting = reconnectLikeTheHub(client);
  await restart;
  const backAt = Date.now();
  const attempts = await reconnecting;
  const count = samples.length;
  await waitFor(() => samples.length > count + 5, 3000, 'frames again');
  const recoveredMs = Date.now() - backAt;
  assert.ok(recoveredMs < 3000, `frames resumed ${recoveredMs} ms after Motive came back`);
  t.diagnostic(`1.5 s downtime: ${attempts} connect attempts; streaming ${recoveredMs} ms after Motive came back`);
});

test('stop, then a new simulator on the same ports: the client recovers', async (t) => {
  const first = await startSimulator(t, { rateHz: 120 });
  const { client, samples, downs } = await connectAndStream(t, first, { connectTimeoutMs: 500 });
  const ports = { commandPort: first.commandPort, dataPort: first.dataPort };
  await first.stop();
  await waitFor(() => downs.length > 0, 3000, 'down');
  const second = await startSimulator(t, { ...ports, rateHz: 120, bodies: 2 });
  const startedAt = Date.now();
  await reconnectLikeTheHub(client);
  const count = samples.length;
  await waitFor(() => samples.length > count + 5, 3000, 'frames from the new simulator');
  assert.ok(Date.now() - startedAt < 3000);
  assert.equal(samples.at(-1)!.bodies.length, 2);
  assert.equal(second.clientCount(), 1);
});
