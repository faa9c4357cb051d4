/**
 * Multicast on loopback: the simulator streams to a group on 127.0.0.1 (TTL 0, so nothing can leave
 * this machine) and clients join it on the loopback interface.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { natnet } from '../../main/protocols/natnet';
import type { NatNetClient } from '../../main/protocols/natnet/client';
import { LOOPBACK, assertStrictlyIncreasing, connectAndStream, startSimulator, waitFor } from './natnet-helpers';

const GROUP = '239.255.42.99';

/**
 * Can this machine loop multicast back on 127.0.0.1? Some sandboxes and CI containers cannot; the
 * tests then skip with the reason instead of pretending.
 */
async function loopbackMulticastWorks(): Promise<string | null> {
  const rx = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const tx = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      rx.once('error', reject);
      rx.bind(0, '0.0.0.0', () => resolve());
    });
    rx.addMembership(GROUP, LOOPBACK);
    await new Promise<void>((resolve) => tx.bind(0, LOOPBACK, resolve));
    tx.setMulticastInterface(LOOPBACK);
    tx.setMulticastTTL(0);
    tx.setMulticastLoopback(true);
    const received = new Promise<boolean>((resolve) => {
      rx.once('message', () => resolve(true));
      setTimeout(() => resolve(false), 500);
    });
    tx.send('probe', rx.address().port, GROUP);
    return (await received) ? null : 'a multicast datagram sent on 127.0.0.1 did not come back within 500 ms';
  } catch (error) {
    return `joining ${GROUP} on ${LOOPBACK} failed: ${(error as Error).message}`;
  } finally {
    rx.close();
    tx.close();
  }
}

async function skipUnlessMulticast(t: TestContext): Promise<boolean> {
  const reason = await loopbackMulticastWorks();
  if (reason) {
    console.log(`skipping multicast test: ${reason}`);
    t.skip(reason);
    return false;
  }
  return true;
}

test('multicast: ServerInfo says so, the client joins the group and two clients share the stream', async (t) => {
  if (!(await skipUnlessMulticast(t))) return;
  const sim = await startSimulator(t, { rateHz: 120, multicast: { group: GROUP, interfaceAddress: LOOPBACK } });
  const a = await connectAndStream(t, sim, { multicastInterface: LOOPBACK });
  const b = await connectAndStream(t, sim, { multicastInterface: LOOPBACK });
  for (const { client, samples } of [a, b]) {
    const info = client.serverInfo!.connectionInfo!;
    assert.equal(info.multicast, true);
    assert.equal(info.multicastGroup, GROUP);
    assert.equal(info.dataPort, sim.dataPort);
    assert.match(client.status().peer ?? '', /multicast 239\.255\.42\.99/);
    assert.deepEqual(
      samples.at(-1)!.bodies.map((x) => x.id),
      [1, 2, 3],
    );
    assertStrictlyIncreasing(samples.map((s) => s.frameNumber!));
    assert.equal(client.counters().malformed, 0);
  }
  // Echo works over the command socket in multicast as well.
  await waitFor(() => a.client.status().clock !== undefined, 2000, 'clock in multicast');
});

test('multicast ignores a requested bitstream: frames carry the native version', async (t) => {
  if (!(await skipUnlessMulticast(t))) return;
  const sim = await startSimulator(t, {
    bitstream: [4, 2, 0, 0],
    multicast: { group: GROUP, interfaceAddress: LOOPBACK },
  });
  const { client } = await connectAndStream(t, sim, { multicastInterface: LOOPBACK, requestBitstream: [3, 0, 0, 0] });
  assert.deepEqual(client.bitstream, [4, 2, 0, 0]);
  assert.equal(client.counters().malformed, 0);
});

test('multicast: a restarted Motive (frame numbers start over) is reported down', async (t) => {
  if (!(await skipUnlessMulticast(t))) return;
  const sim = await startSimulator(t, { rateHz: 120, multicast: { group: GROUP, interfaceAddress: LOOPBACK } });
  const { downs } = await connectAndStream(t, sim, { multicastInterface: LOOPBACK }, 60);
  await sim.restart();
  await waitFor(() => downs.length > 0, 3000, 'down');
  assert.match(downs[0]!, /Motive restarted/);
});

test('the lab interface from the settings: a device from the device file joins on it, and its card says so', async (t) => {
  if (!(await skipUnlessMulticast(t))) return;
  const sim = await startSimulator(t, { rateHz: 120, multicast: { group: GROUP, interfaceAddress: LOOPBACK } });
  const client = natnet.createSource(
    { id: 'lab-motive', kind: 'natnet', host: LOOPBACK, commandPort: sim.commandPort },
    { networkInterface: LOOPBACK },
  ) as NatNetClient;
  t.after(() => client.close());
  let samples = 0;
  client.on('sample', () => samples++);
  await client.connect();
  await waitFor(() => samples > 5, 3000, 'multicast frames on the chosen interface');
  assert.match(client.status().peer ?? '', /multicast 239\.255\.42\.99 on 127\.0\.0\.1/);
});
