/** Discovery pointed at loopback simulators (never a real broadcast in tests). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { encodeMessage } from '../../main/protocols/natnet/codec';
import { discoverMotive } from '../../main/protocols/natnet/discovery';
import { LOOPBACK, startSimulator } from './natnet-helpers';

test('discovery finds the loopback simulator with its ports, version and mode', async (t) => {
  const sim = await startSimulator(t, { bitstream: [4, 2, 0, 0], appName: 'Motive' });
  const servers = await discoverMotive({ broadcastAddress: LOOPBACK, port: sim.commandPort, timeoutMs: 300 });
  assert.deepEqual(servers, [
    {
      address: LOOPBACK,
      commandPort: sim.commandPort,
      name: 'Motive',
      appVersion: '3.2',
      natnetVersion: '4.2',
      dataPort: sim.dataPort,
      multicast: false,
      clockFrequency: 10_000_000,
    },
  ]);
  // Discovery does not register a client (no frames sent to the discovering socket).
  assert.equal(sim.clientCount(), 0);
});

test('discovery returns nothing, in time, when nobody answers', async (t) => {
  const mute = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => mute.bind(0, LOOPBACK, resolve));
  t.after(() => mute.close());
  const started = Date.now();
  const servers = await discoverMotive({ broadcastAddress: LOOPBACK, port: mute.address().port, timeoutMs: 200 });
  assert.deepEqual(servers, []);
  assert.ok(Date.now() - started < 1500);
});

test('a server answering every repeated request is listed once', async (t) => {
  // A bare server that answers each NAT_DISCOVERY it gets, so we can count the requests.
  const fake = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => fake.bind(0, LOOPBACK, resolve));
  t.after(() => fake.close());
  let requests = 0;
  const reply = encodeMessage(
    { type: 'serverInfo', server: { name: 'Motive', appVersion: [2, 1, 0, 0], natnetVersion: [3, 0, 0, 0] } },
    [3, 0, 0, 0],
  );
  fake.on('message', (m, from) => {
    if (m[0] !== 14) return;
    requests++;
    fake.send(reply, from.port, from.address);
  });
  const servers = await discoverMotive({ broadcastAddress: LOOPBACK, port: fake.address().port, timeoutMs: 400 });
  assert.ok(requests >= 2, `discovery sent ${requests} requests`);
  assert.equal(servers.length, 1);
  assert.equal(servers[0]!.natnetVersion, '3.0');
  // A 2.x-style ServerInfo (no connection info) has no ports or clock to report.
  assert.equal(servers[0]!.dataPort, undefined);
});
