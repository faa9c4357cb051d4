/**
 * Our ENet host against itself on loopback: hostile datagrams from a connected peer's own address
 * (bad peer id, wrong session, impossible fragments, a fragment total over the cap) are dropped and
 * counted; idle links ping; a silently reset server is detected by timeout; checksums.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDatagram, EnetCommandType as T, type EnetCommand } from '../../main/net/enet/codec';
import { EnetHost, PacketFlag, type EnetPeer } from '../../main/net/enet/host';
import { connectPeer, Inbox } from '../helpers/enet-echo';

async function pair(options: { maxPacketSize?: number } = {}) {
  const server = await EnetHost.create({ peerLimit: 4, ...options });
  const serverPeers: EnetPeer[] = [];
  server.on('connect', (p) => serverPeers.push(p));
  const client = await EnetHost.create({ peerLimit: 1 });
  const peer = await connectPeer(client, server.address().port, 1);
  // The server side connects when our acknowledgement of its VERIFY_CONNECT arrives.
  await waitFor(() => serverPeers.length === 1);
  return { server, client, peer, serverPeers };
}

/** Sends raw bytes from the client's own socket, so the address check passes. */
function inject(client: EnetHost, serverPort: number, bytes: Uint8Array): void {
  (client as unknown as { socket: import('node:dgram').Socket }).socket.send(bytes, serverPort, '127.0.0.1');
}

function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (cond()) resolve();
      else if (Date.now() - start > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

test('hostile datagrams are dropped and counted, and the connection keeps working', async () => {
  const { server, client, peer, serverPeers } = await pair({ maxPacketSize: 1024 * 1024 });
  try {
    const port = server.address().port;
    const header = { peerId: peer.outgoingPeerId, sessionId: peer.outgoingSessionId, compressed: false, sentTime: 1 };
    const frag = (over: Partial<EnetCommand & { type: 8 }>): EnetCommand =>
      ({
        type: T.SendFragment,
        acknowledge: true,
        unsequenced: false,
        channelId: 0,
        reliableSequenceNumber: 1,
        startSequenceNumber: 1,
        fragmentCount: 2,
        fragmentNumber: 0,
        totalLength: 100,
        fragmentOffset: 0,
        data: new Uint8Array(10),
        ...over,
      }) as EnetCommand;
    // Unknown peer id, then the right peer with the wrong session bits.
    inject(client, port, encodeDatagram({ ...header, peerId: 3, commands: [] }));
    inject(client, port, encodeDatagram({ ...header, sessionId: (peer.outgoingSessionId + 1) & 3, commands: [] }));
    // Garbage.
    inject(client, port, new Uint8Array([0x00, 0x00, 0x0e, 0x00]));
    await waitFor(() => server.counters.wrongPeer >= 2 && server.counters.malformed >= 1);

    const before = serverPeers[0]!.getStats().refused;
    // A fragment total over the 1 MB cap (refused before allocating), an offset past the total, a
    // fragment number past the count.
    inject(
      client,
      port,
      encodeDatagram({ ...header, commands: [frag({ totalLength: 64 * 1024 * 1024, fragmentCount: 50_000 })] }),
    );
    inject(client, port, encodeDatagram({ ...header, commands: [frag({ fragmentOffset: 100 })] }));
    inject(client, port, encodeDatagram({ ...header, commands: [frag({ fragmentNumber: 2 })] }));
    await waitFor(() => serverPeers[0]!.getStats().refused >= before + 3);

    const inbox = new Inbox(serverPeers[0]!);
    peer.send(0, new Uint8Array([42]), PacketFlag.Reliable);
    const r = await inbox.next(5000);
    assert.deepEqual(r && [...r.data], [42]);
  } finally {
    await client.close();
    await server.close();
  }
});

test('an idle link pings (no polling: the timer is armed for the ping) and keeps RTT stats', async () => {
  const { server, client, peer, serverPeers } = await pair();
  try {
    const sent = () => peer.getStats().datagramsOut + serverPeers[0]!.getStats().datagramsOut;
    const before = sent();
    await new Promise((r) => setTimeout(r, 1300));
    const stats = peer.getStats();
    // Whichever side heard nothing for 500 ms pings; the other acknowledges.
    assert.ok(sent() >= before + 3, `datagrams while idle: ${sent() - before}`);
    assert.ok(stats.sinceLastReceiveMs !== null && stats.sinceLastReceiveMs < 700);
    assert.ok(stats.roundTripTimeMs >= 1 && stats.roundTripTimeMs < 200);
    assert.equal(stats.channels.length, 8);
  } finally {
    await client.close();
    await server.close();
  }
});

test('a server that resets silently is detected by the ENet timeout', async () => {
  const { server, client, peer, serverPeers } = await pair();
  try {
    peer.setTimeouts(32, 300, 1500);
    const inbox = new Inbox(peer);
    serverPeers[0]!.reset();
    peer.send(1, new Uint8Array(10), PacketFlag.Reliable);
    assert.ok(await inbox.untilDisconnect(5000));
    assert.equal(inbox.disconnected?.reason, 'timeout');
  } finally {
    await client.close();
    await server.close();
  }
});

test('unreliable fragments, per-channel byte counts, disconnectLater delivers what was queued', async () => {
  const { server, client, peer, serverPeers } = await pair();
  try {
    const inbox = new Inbox(serverPeers[0]!);
    const big = new Uint8Array(10_000).map((_, i) => i & 0xff);
    peer.send(6, big, PacketFlag.UnreliableFragment);
    peer.send(2, new Uint8Array(100), PacketFlag.Reliable);
    peer.disconnectLater(9);
    const a = await inbox.next(5000);
    const b = await inbox.next(5000);
    assert.deepEqual([a?.channel, a?.data.length, a?.flags], [6, 10_000, 0]);
    assert.deepEqual(a && [...a.data.subarray(250, 260)], [...big.subarray(250, 260)]);
    assert.deepEqual([b?.channel, b?.data.length], [2, 100]);
    assert.ok(await inbox.untilDisconnect(5000));
    assert.deepEqual(inbox.disconnected, { data: 9, reason: 'remote' });
    assert.equal(serverPeers[0]!.getStats().channels[6]!.bytesIn, 10_000);
  } finally {
    await client.close();
    await server.close();
  }
});
