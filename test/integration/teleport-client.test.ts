/**
 * The Teleport client against the Teleport simulator on loopback, both 2022 variants: discovery,
 * Setup, Handshake, AcknowledgeHandshake, nodes as pose samples, visibility changes, the keep-alive
 * against the server's idle rule, a silent server reset (ENet timeout → down), Shutdown (→ down),
 * and reconnecting with the same client id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { EnetHost } from '../../main/net/enet/host';
import { TeleportClient } from '../../main/protocols/teleport/client';
import { discoverTeleport } from '../../main/protocols/teleport/discovery';
import { TeleportSimulator } from '../../main/protocols/teleport/simulator';
import type { PosesSample } from '../../main/hub/source';

async function start(variant: '2022a' | '2022b', idleTimeoutMs = 13000) {
  const sim = new TeleportSimulator({
    discoveryPort: 0,
    servicePort: 0,
    variant,
    nodes: 3,
    rateHz: 50,
    idleTimeoutMs,
    visibilityPeriodMs: 300,
  });
  const ports = await sim.start();
  return { sim, ports };
}

function nextSample(client: TeleportClient, timeoutMs = 3000): Promise<PosesSample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no pose sample in time')), timeoutMs);
    client.once('sample', (s) => {
      clearTimeout(timer);
      if (s.kind === 'poses') resolve(s);
    });
  });
}

for (const variant of ['2022a', '2022b'] as const) {
  test(`client against the simulator (${variant}): Setup, nodes, visibility`, async () => {
    const { sim, ports } = await start(variant);
    const client = new TeleportClient({ host: '127.0.0.1', discoveryPort: ports.discoveryPort });
    const handshake = once(sim, 'handshake');
    try {
      await client.connect();
      const state = client.teleportState();
      assert.equal(state.variant, variant);
      assert.equal(state.servicePort, ports.servicePort);
      assert.ok(state.clientId && state.clientId !== '0');
      const setup = state.setup!;
      assert.equal(setup.serverHttpPort, ports.servicePort + 1);
      assert.equal(setup.serverStreamingPort, ports.servicePort + 2);
      assert.equal(setup.idleConnectionTimeoutMs, 13000);
      assert.equal(setup.axesStandard, 70);
      assert.equal(setup.controlModel, 2);
      assert.equal(setup.videoConfig.videoCodec, 2);
      assert.equal(setup.videoConfig.shadowmapSize, 0);
      assert.equal(setup.backgroundMode, 1);
      const [h] = (await handshake) as [{ resources: string[]; clientStreamingPort: number }];
      assert.equal(h.clientStreamingPort, setup.serverStreamingPort + 1);
      const sample = await nextSample(client);
      assert.ok(sample.bodies.length >= 2);
      assert.ok(sample.bodies.every((b) => b.id >= 1001 && b.id <= 1003 && Math.abs(b.qy ** 2 + b.qw ** 2 - 1) < 1e-5));
      // The last node blinks every 300 ms: seen hidden and visible.
      const seen = new Set<number>();
      const deadline = Date.now() + 3000;
      while (seen.size < 2 && Date.now() < deadline) {
        const s = await nextSample(client);
        seen.add(s.bodies.length);
      }
      assert.deepEqual([...seen].sort(), [2, 3]);
      assert.ok((client.teleportState().commands['node-bounds'] ?? 0) >= 2);
      assert.ok(client.teleportState().link!.roundTripTimeMs >= 1);
      assert.equal(client.status().state, 'streaming');
      assert.deepEqual(client.teleportState().origin?.validCounter, '1');
      assert.equal(client.status().detail?.origin, '0.000, 0.000, 0.000 m');
      assert.ok(client.status().detail!.setup!.some((r) => r.label === 'idle timeout' && /13000 ms/.test(r.value)));
    } finally {
      await client.close();
      await sim.stop();
    }
  });
}

test('a silent server reset and a Shutdown each end in down; reconnect keeps the client id', async () => {
  const { sim, ports } = await start('2022a');
  const client = new TeleportClient({ host: '127.0.0.1', discoveryPort: ports.discoveryPort });
  try {
    await client.connect();
    await nextSample(client);
    const id = client.teleportState().clientId;
    // A silent reset: only an ENet timeout tells the client (shortened here, the Setup's 13 s otherwise).
    const downReset = once(client, 'down');
    (client as unknown as { peer: { setTimeouts(a: number, b: number, c: number): void } }).peer.setTimeouts(
      32,
      300,
      1500,
    );
    sim.silentReset();
    const [reason] = (await downReset) as [string];
    assert.match(reason, /stopped answering/);

    await client.close();
    await client.connect();
    assert.equal(client.teleportState().clientId, id);
    await nextSample(client);
    const downShutdown = once(client, 'down');
    sim.shutdown();
    assert.match(((await downShutdown) as [string])[0], /Shutdown/);
    assert.equal(client.teleportState().shutdownReceived, true);
  } finally {
    await client.close();
    await sim.stop();
  }
});

test("the server's idle rule drops a silent ENet client but not ours, which sends keep-alives", async () => {
  // idle timeout 200 ms → a client silent for 2.2 s is dropped.
  const { sim, ports } = await start('2022b', 200);
  const client = new TeleportClient({ host: '127.0.0.1', discoveryPort: ports.discoveryPort, keepAliveMs: 300 });
  const silent = await EnetHost.create();
  try {
    await client.connect();
    const servers = await discoverTeleport({ host: '127.0.0.1', port: ports.discoveryPort, first: true });
    const peer = silent.connect('127.0.0.1', servers[0]!.servicePort, 8);
    await once(peer, 'connect');
    // The server side counts it once our acknowledgement of VERIFY_CONNECT arrived.
    for (let i = 0; i < 100 && sim.clientCount() < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sim.clientCount(), 2);
    // The idle event comes after the silent client's session is gone; ours keeps streaming.
    await once(sim, 'idle');
    assert.equal(sim.clientCount(), 1);
    await nextSample(client);
    assert.equal(client.status().state, 'streaming');
  } finally {
    await silent.close();
    await client.close();
    await sim.stop();
  }
});
