/**
 * Discovery sent from the operator's lab interface: the request leaves from that address. On loopback,
 * 127.0.0.2 stands for "the second network card" (Linux answers on all of 127/8; elsewhere the test
 * skips with the reason).
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { DiscoveryService } from '../../main/devices/discovery-service';

const SECOND = '127.0.0.2';

test('NatNet and Teleport discovery are sent from the chosen interface address', async (t) => {
  const probe = dgram.createSocket('udp4');
  const usable = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.bind(0, SECOND, () => resolve(true));
  });
  probe.close();
  if (!usable) {
    t.skip(`${SECOND} cannot be bound here (only Linux answers on all of 127/8)`);
    return;
  }
  // Two mute listeners that only note where each request came from.
  const listeners = await Promise.all(
    [0, 1].map(async () => {
      const socket = dgram.createSocket('udp4');
      const from: string[] = [];
      socket.on('message', (_msg, rinfo) => from.push(rinfo.address));
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      t.after(() => socket.close());
      return { port: socket.address().port, from };
    }),
  );
  const [natnet, teleport] = listeners as [(typeof listeners)[0], (typeof listeners)[0]];
  const service = new DiscoveryService(
    {
      natnet: [{ address: '127.0.0.1', port: natnet.port, localAddress: SECOND }],
      teleport: [{ address: '127.0.0.1', port: teleport.port, localAddress: SECOND }],
    },
    { listenMs: 200, intervalMs: 0 },
  );
  t.after(() => service.close());
  assert.deepEqual(await service.scan(), []);
  assert.ok(natnet.from.length > 0 && teleport.from.length > 0, 'both requests arrived');
  assert.deepEqual([...new Set([...natnet.from, ...teleport.from])], [SECOND]);
});
