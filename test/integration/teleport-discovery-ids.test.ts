/**
 * One client id per Teleport server across discovery scans and reconnects: the discovery service and
 * every Teleport client (also a new client object after Disconnect/Connect) ask with the id the server
 * gave first, so the simulator mints exactly one client; while a client holds a live session, scans
 * list that server without asking it (a known id takes the server's reconnect path).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiscoveryService } from '../../main/devices/discovery-service';
import { teleportClientIds } from '../../main/protocols/teleport/client-ids';
import { TeleportClient } from '../../main/protocols/teleport/client';
import { TeleportSimulator } from '../../main/protocols/teleport/simulator';

async function startSim() {
  const sim = new TeleportSimulator({ discoveryPort: 0, servicePort: 0, nodes: 2, rateHz: 30 });
  const ports = await sim.start();
  const requests: { clientId: bigint; minted: boolean }[] = [];
  sim.on('discovery', (r) => requests.push(r));
  return { sim, ports, requests };
}

// The discovery service and the clients share the process's one book; each test's simulator has its own ports.
const ids = teleportClientIds;

function service(port: number, address = '127.0.0.1') {
  return new DiscoveryService({ teleport: [{ address, port }] }, { listenMs: 250, intervalMs: 0 });
}

test('scans and reconnecting clients keep the first id the server gave', async () => {
  const { sim, ports, requests } = await startSim();
  const discovery = service(ports.discoveryPort);
  let client: TeleportClient | null = null;
  try {
    for (let i = 0; i < 3; i++) {
      const found = await discovery.scan();
      assert.deepEqual(
        found.map((f) => f.address),
        [`127.0.0.1:${ports.discoveryPort}`],
      );
    }
    const minted = requests.filter((r) => r.minted);
    assert.equal(minted.length, 1, 'the server minted one client for three scans');
    const id = minted[0]!.clientId;
    assert.ok(requests.length >= 3 && requests.every((r) => r.clientId === id));

    // A client object for that server asks with the same id, and so does the next one after a close.
    for (let round = 0; round < 2; round++) {
      client = new TeleportClient({ host: '127.0.0.1', discoveryPort: ports.discoveryPort, clientIds: ids });
      await client.connect();
      assert.equal(client.teleportState().clientId, id.toString());
      // While connected, a scan lists the server from the book and sends it nothing.
      const before = requests.length;
      const found = await discovery.scan();
      assert.equal(found.length, 1);
      assert.match(found[0]!.detail, /connected/);
      assert.equal(requests.length, before);
      await client.close();
      client = null;
    }
    assert.equal(requests.filter((r) => r.minted).length, 1);
    // After the close, scans ask again, with the same id.
    const before = requests.length;
    await discovery.scan();
    assert.ok(requests.length > before);
    assert.ok(requests.slice(before).every((r) => r.clientId === id && !r.minted));
  } finally {
    await client?.close();
    await discovery.close();
    await sim.stop();
  }
});

test('behind a broadcast target, known servers are asked one by one with their ids and nothing is minted', async () => {
  const { sim, ports, requests } = await startSim();
  // Whether a loopback broadcast reaches the simulator depends on the host, so the book is seeded by a
  // unicast scan; the broadcast scan after it must then send no request with id 0 at all.
  const unicast = service(ports.discoveryPort);
  const broadcast = service(ports.discoveryPort, '127.255.255.255');
  try {
    await unicast.scan();
    const id = requests[0]!.clientId;
    const before = requests.length;
    const found = await broadcast.scan();
    assert.deepEqual(
      found.map((f) => f.address),
      [`127.0.0.1:${ports.discoveryPort}`],
    );
    assert.ok(requests.length > before);
    assert.ok(requests.slice(before).every((r) => r.clientId === id && !r.minted));
    assert.equal(ids.idFor('127.0.0.1', ports.discoveryPort), id);
  } finally {
    await unicast.close();
    await broadcast.close();
    await sim.stop();
  }
});
