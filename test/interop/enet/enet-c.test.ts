/**
 * Our ENet against the real C library (Debian libenet-dev 1.3.x), both roles, on loopback:
 * 8 channels, greetings on each, pipelined reliable traffic in order per channel, packets from 1 byte
 * to 5 MB, unreliable and unsequenced traffic, disconnects from either side; then the same through a
 * relay that drops 10% of datagrams each way. The C side is test/interop/enet/enet-peer.c, compiled here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnetHost, PacketFlag } from '../../../main/net/enet/host';
import {
  buildCPeer,
  CHANNELS,
  check,
  connectPeer,
  CPeer,
  fill,
  Inbox,
  seqOf,
  startTsEchoServer,
} from '../../helpers/enet-echo';
import { startLossyRelay, type LossyRelay } from '../../helpers/lossy-relay';

const built = buildCPeer();
const skipReason = 'skip' in built ? built.skip : undefined;
if (skipReason) console.log(`ENet interop skipped: ${skipReason}`);
const binary = 'binary' in built ? built.binary : '';

const ALL_SIZES = [1, 100, 1371, 1372, 1373, 20_000, 300_000, 5_000_000];

/** What the C client checks, done by our client against the C echo server. Returns the failures. */
async function ourClientAgainst(port: number, sizes: number[], timeScale: number): Promise<string[]> {
  const failures: string[] = [];
  const host = await EnetHost.create({ peerLimit: 2 });
  try {
    const peer = await connectPeer(host, port, 4242, 10_000 * timeScale);
    const inbox = new Inbox(peer);
    assert.equal(peer.channelCount, CHANNELS);
    let greeted = 0;
    for (let i = 0; i < CHANNELS; i++) {
      const r = await inbox.next(5000 * timeScale);
      if (r && new TextDecoder().decode(r.data) === `hello ${r.channel}` && r.flags === PacketFlag.Reliable) {
        greeted |= 1 << r.channel;
      }
    }
    if (greeted !== 0xff) failures.push(`greetings ${greeted.toString(16)}`);

    // Pipelined, round robin over the channels: every echo intact and in order per channel.
    const total = 2000;
    const sentSeq = new Array<number>(CHANNELS).fill(0);
    for (let i = 0; i < total; i++) {
      const ch = i % CHANNELS;
      peer.send(ch, fill(1 + ((i * 13) % 64), ch, sentSeq[ch]!++), PacketFlag.Reliable);
    }
    const nextSeq = new Array<number>(CHANNELS).fill(0);
    let orderErrors = 0;
    let received = 0;
    while (received < total) {
      const r = await inbox.next(10_000 * timeScale);
      if (!r) break;
      const seq = nextSeq[r.channel]!++;
      const i = seq * CHANNELS + r.channel;
      if (!check(r.data, 1 + ((i * 13) % 64), r.channel, seq)) orderErrors++;
      received++;
    }
    if (received !== total || orderErrors) failures.push(`ordered ${received}/${total}, ${orderErrors} errors`);

    // Sequential round trips first: after the burst, ENet's throttle (which drops unreliable data at
    // the sender) recovers only as acknowledgements come back with a low RTT.
    for (let i = 0; i < 32; i++) {
      peer.send(3, fill(8, 3, 500_000 + i), PacketFlag.Reliable);
      const r = await inbox.next(10_000 * timeScale);
      if (!r || !check(r.data, 8, 3, 500_000 + i)) failures.push(`warm-up echo ${i}`);
    }

    // Unreliable, then a reliable marker: what arrives is intact, in order, and before the marker.
    for (let i = 1; i <= 200; i++) peer.send(3, fill(32, 3, i), 0);
    peer.send(3, fill(8, 3, 999_999), PacketFlag.Reliable);
    let last = 0;
    let got = 0;
    for (;;) {
      const r = await inbox.next(10_000 * timeScale);
      if (!r) {
        failures.push('unreliable: marker never came');
        break;
      }
      if (r.data.length === 8 && check(r.data, 8, 3, 999_999)) break;
      const seq = seqOf(r.data);
      if (r.flags !== 0 || !check(r.data, 32, 3, seq) || seq <= last) failures.push(`unreliable ${seq} after ${last}`);
      last = seq;
      got++;
    }
    if (got === 0 && timeScale === 1) failures.push('unreliable: none arrived on a clean link');

    for (let i = 1; i <= 100; i++) peer.send(5, fill(16, 5, i), PacketFlag.Unsequenced);
    const seen = new Set<number>();
    for (;;) {
      // The first echo may take a while on a loaded machine; after it, 1.5 s of silence ends the wait.
      const r = await inbox.next(seen.size === 0 ? 10_000 : 1500);
      if (!r) break;
      const seq = seqOf(r.data);
      if (r.flags !== PacketFlag.Unsequenced || seen.has(seq) || !check(r.data, 16, 5, seq)) {
        failures.push(`unsequenced ${seq}`);
      }
      seen.add(seq);
      if (seen.size === 100) break;
    }
    if (seen.size === 0 && timeScale === 1) failures.push('unsequenced: none arrived on a clean link');

    for (const [k, size] of sizes.entries()) {
      const ch = k % CHANNELS;
      peer.send(ch, fill(size, ch, 1000 + k), PacketFlag.Reliable);
      const r = await inbox.next(60_000 * timeScale);
      if (!r || r.channel !== ch || !check(r.data, size, ch, 1000 + k)) failures.push(`size ${size}`);
    }

    // The server disconnects us on request.
    peer.send(0, new TextEncoder().encode('bye'), PacketFlag.Reliable);
    if (!(await inbox.untilDisconnect(15_000 * timeScale))) failures.push('server-disconnect: no event');
    else if (inbox.disconnected?.data !== 77 || inbox.disconnected.reason !== 'remote') {
      failures.push(`server-disconnect: ${JSON.stringify(inbox.disconnected)}`);
    }

    // And we disconnect it: our event follows its acknowledgement.
    const again = await connectPeer(host, port, 4243, 10_000 * timeScale);
    const inbox2 = new Inbox(again);
    // A greeting proves the server finished connecting: ENet ignores (and never acks) a DISCONNECT
    // that reaches a peer still waiting for the acknowledgement of its VERIFY_CONNECT.
    if (!(await inbox2.next(5000 * timeScale))) failures.push('reconnect: no greeting');
    again.setTimeouts(32, 1000, 3000);
    again.disconnect(7);
    const lossy = timeScale > 1;
    if (!(await inbox2.untilDisconnect(15_000 * timeScale))) failures.push('client-disconnect: no event');
    else if (inbox2.disconnected?.reason !== 'local' && !(lossy && inbox2.disconnected?.reason === 'timeout')) {
      // Under loss the server's ack can be lost after it already forgot us: then ENet (C or ours)
      // reports a timeout; the C server's own "disconnect 7" line is checked by the caller.
      failures.push(`client-disconnect: ${inbox2.disconnected?.reason}`);
    }
  } finally {
    await host.close();
  }
  return failures;
}

async function withRelay<T>(port: number, loss: number, run: (port: number, relay: LossyRelay | null) => Promise<T>) {
  if (loss === 0) return run(port, null);
  const relay = await startLossyRelay(port, loss, 7);
  try {
    return await run(relay.port, relay);
  } finally {
    await relay.close();
  }
}

for (const loss of [0, 0.1]) {
  const label = loss ? ' through a relay dropping 10% each way' : '';
  const timeScale = loss ? 3 : 1;

  test(`our ENet client against the C ENet server${label}`, { skip: skipReason }, async () => {
    const server = CPeer.start(binary, ['server']);
    try {
      const port = Number((await server.line('port ')).split(' ')[1]);
      await withRelay(port, loss, async (target, relay) => {
        const failures = await ourClientAgainst(target, ALL_SIZES, timeScale);
        assert.deepEqual(failures, []);
        if (relay) assert.ok(relay.counters.droppedToClient > 0 && relay.counters.droppedToServer > 0);
      });
      // The C server saw both connects with our data and channel count, and our disconnect's data.
      assert.ok(server.lines.includes('connect 4242 8'), server.lines.join('\n'));
      await server.line('disconnect 7', 10_000);
    } finally {
      await server.stop();
    }
  });

  test(`the C ENet client against our ENet server${label}`, { skip: skipReason }, async () => {
    const server = await startTsEchoServer();
    try {
      await withRelay(server.port, loss, async (target, relay) => {
        const client = CPeer.start(binary, ['client', String(target)]);
        const code = await Promise.race([
          client.exited,
          new Promise<string>((r) => setTimeout(() => r('timeout'), 150_000).unref()),
        ]);
        await client.stop();
        assert.equal(code, 0, client.lines.join('\n'));
        for (const size of ALL_SIZES) assert.ok(client.lines.includes(`ok size ${size}`));
        if (!relay) {
          // On a clean loopback link, unreliable and unsequenced traffic arrives (mostly).
          const got = (what: string) =>
            Number(
              client.lines
                .find((l) => l.startsWith(`ok ${what} `))
                ?.split(' ')[2]
                ?.split('/')[0],
            );
          assert.ok(got('unreliable') > 0 && got('unsequenced') > 0, client.lines.join('\n'));
        }
        assert.ok(client.lines.includes('ok server-disconnect 77'), client.lines.join('\n'));
        if (relay) assert.ok(relay.counters.droppedToClient > 0 && relay.counters.droppedToServer > 0);
      });
      assert.ok(server.events.includes('connect 4242 8'), server.events.join('\n'));
      assert.ok(server.events.includes('disconnect 7 remote'), server.events.join('\n'));
    } finally {
      await server.host.close();
    }
  });
}

test(
  'CRC-32 checksums: our client against the C server, the C client against our server',
  { skip: skipReason },
  async () => {
    const crc = { ENET_PEER_CRC: '1' };
    const server = CPeer.start(binary, ['server'], crc);
    const host = await EnetHost.create({ checksum: true });
    try {
      const port = Number((await server.line('port ')).split(' ')[1]);
      const peer = await connectPeer(host, port, 5);
      const inbox = new Inbox(peer);
      for (let i = 0; i < CHANNELS; i++) assert.ok(await inbox.next(5000), 'greeting');
      for (const size of [1, 3000, 100_000]) {
        peer.send(4, fill(size, 4, size), PacketFlag.Reliable);
        const r = await inbox.next(10_000);
        assert.ok(r && check(r.data, size, 4, size), `echo of ${size} bytes`);
      }
    } finally {
      await host.close();
      await server.stop();
    }
    const ours = await startTsEchoServer({ checksum: true });
    try {
      const client = CPeer.start(binary, ['client', String(ours.port)], crc);
      const code = await Promise.race([
        client.exited,
        new Promise((r) => setTimeout(() => r('timeout'), 120_000).unref()),
      ]);
      await client.stop();
      assert.equal(code, 0, client.lines.join('\n'));
    } finally {
      await ours.host.close();
    }
  },
);

test('our ENet client and server with CRC-32 checksums against each other', async () => {
  const server = await startTsEchoServer({ checksum: true });
  const host = await EnetHost.create({ checksum: true });
  try {
    const peer = await connectPeer(host, server.port, 1);
    const inbox = new Inbox(peer);
    for (let i = 0; i < CHANNELS; i++) assert.ok(await inbox.next(5000));
    peer.send(2, fill(50_000, 2, 5), PacketFlag.Reliable);
    const r = await inbox.next(10_000);
    assert.ok(r && check(r.data, 50_000, 2, 5));
  } finally {
    await host.close();
    await server.host.close();
  }
});
