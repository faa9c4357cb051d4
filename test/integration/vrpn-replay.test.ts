/**
 * Replay compatibility with the real mainline peers (their recorded byte streams, test/fixtures/vrpn),
 * since mainline `vrpn_server` and `vrpn_print_devices` cannot be installed on this machine:
 *  - the bytes mainline `vrpn_print_devices` sent are written into our simulator, which must accept
 *    them (cookie, descriptions, pings) and answer every ping from a device it serves;
 *  - our client reads the bytes the mainline `vrpn_server` sent, from a socket, and must produce the
 *    values decoded.txt lists.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import type { AnalogSample, EventSample, PosesSample } from '../../main/hub/source';
import { VrpnClient } from '../../main/protocols/vrpn/client';
import { COOKIE_LENGTH, decodeBody, encodeLobRequest, HEADER_LENGTH, TypeName } from '../../main/protocols/vrpn/codec';
import { VrpnEndpoint, type NamedMessage } from '../../main/protocols/vrpn/endpoint';
import { VrpnSimulator } from '../../main/protocols/vrpn/simulator';
import { fixture } from '../helpers/vrpn-fixtures';
import { LOOPBACK, waitFor } from './natnet-helpers';

/** The devices of the recorded server (test/fixtures/README.md, vrpn/). */
async function startCapturedServerLookalike(t: TestContext): Promise<VrpnSimulator> {
  const sim = new VrpnSimulator({
    host: LOOPBACK,
    port: 0,
    trackers: [
      { name: 'Tracker0', sensors: 2, rateHz: 2 },
      { name: 'DTrack', sensors: 1, rateHz: 10 },
    ],
    buttons: [
      { name: 'Button0', count: 2, periodMs: 0 },
      { name: 'DTrack', count: 8, periodMs: 0 },
    ],
    analogs: [{ name: 'DTrack', channels: 2, rateHz: 10 }],
    dials: [{ name: 'Dial0', periodMs: 500, delta: 0.25 }],
  });
  await sim.start();
  t.after(() => sim.stop());
  return sim;
}

/** Reads what a peer sends with our own endpoint (which checks its cookie and framing). */
function reader(socket: net.Socket): { messages: NamedMessage[]; fatal: string[] } {
  const out = { messages: [] as NamedMessage[], fatal: [] as string[] };
  const endpoint = new VrpnEndpoint(
    { writeTcp: () => {} },
    { onMessage: (m) => out.messages.push(m), onFatal: (r) => out.fatal.push(r) },
    { senders: [], types: [] },
  );
  socket.on('data', (chunk) => endpoint.receiveTcp(chunk));
  return out;
}

function count(messages: NamedMessage[], type: string, sender?: string): number {
  return messages.filter((m) => m.type === type && (sender === undefined || m.sender === sender)).length;
}

describe('replay: the mainline client’s bytes into our simulator', () => {
  test('TCP-only session: accepted, and all 20 pings of vrpn_print_devices answered by name', async (t) => {
    const sim = await startCapturedServerLookalike(t);
    const rejected: string[] = [];
    sim.on('rejected', (r) => rejected.push(r));
    const socket = net.connect({ host: LOOPBACK, port: sim.port });
    t.after(() => socket.destroy());
    const got = reader(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(fixture('tcp-only-session.client-to-server.bin'));
    await waitFor(() => count(got.messages, TypeName.Pong) >= 20, 3000, '20 pongs');
    for (const device of ['Tracker0', 'Button0', 'Dial0', 'DTrack']) {
      assert.equal(count(got.messages, TypeName.Pong, device), 5, `pongs from ${device}`);
    }
    // Button devices re-send their States with every ping, as mainline does (5 pings + the one at connect).
    assert.equal(count(got.messages, TypeName.ButtonStates, 'Button0'), 6);
    assert.equal(count(got.messages, TypeName.ButtonStates, 'DTrack'), 6);
    assert.deepEqual(got.fatal, []);
    assert.deepEqual(rejected, []);
    assert.equal(sim.counters.connections, 1);
  });

  test('UDP+TCP session: our simulator calls back, takes the recorded client’s bytes, and streams by UDP', async (t) => {
    const sim = await startCapturedServerLookalike(t);
    // Stand in for the recorded client's TCP listener and UDP port (their numbers are patched in).
    const udp = dgram.createSocket('udp4');
    t.after(() => udp.close());
    await new Promise<void>((resolve) => udp.bind(0, LOOPBACK, resolve));
    const datagrams: Buffer[] = [];
    udp.on('message', (d) => datagrams.push(d));
    const listener = net.createServer();
    t.after(() => listener.close());
    await new Promise<void>((resolve) => listener.listen(0, LOOPBACK, resolve));
    const called = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const lob = udp.send.bind(udp);
    lob(encodeLobRequest(LOOPBACK, (listener.address() as net.AddressInfo).port), sim.port, LOOPBACK);
    const socket = await called;
    t.after(() => socket.destroy());
    const got = reader(socket);
    const bytes = Buffer.from(fixture('udp-tcp-session.tcp.client-to-server.bin'));
    // The recorded UDP_DESCRIPTION (first message after the cookie) names the recorded client's UDP port.
    assert.equal(bytes.readInt32BE(COOKIE_LENGTH + 16), -3);
    bytes.writeInt32BE(udp.address().port, COOKIE_LENGTH + 12);
    socket.write(bytes);
    // That session's client (vrpn_print_devices Tracker0@127.0.0.1:13883) pinged only Tracker0, 5 times.
    await waitFor(() => count(got.messages, TypeName.Pong, 'Tracker0') >= 5, 3000, '5 pongs');
    assert.equal(count(got.messages, TypeName.Pong), 5);
    await waitFor(() => datagrams.length > 3, 3000, 'tracker datagrams');
    // Each datagram: whole messages, each header's length inside the datagram.
    for (const d of datagrams) assert.ok(d.length >= HEADER_LENGTH && d.length <= 1472);
    assert.deepEqual(got.fatal, []);
  });
});

describe('replay: the mainline server’s bytes into our client', () => {
  test('TCP-only session: poses, analogs, buttons and dials with the values decoded.txt lists', async (t) => {
    const recorded = fixture('tcp-only-session.server-to-client.bin');
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.write(recorded);
    });
    t.after(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const client = new VrpnClient({
      host: LOOPBACK,
      port: (server.address() as net.AddressInfo).port,
      devices: ['Tracker0', 'Button0', 'Dial0', 'DTrack'],
    });
    t.after(() => client.close());
    const poses: PosesSample[] = [];
    const events: EventSample[] = [];
    const analogs: AnalogSample[] = [];
    const catalogs: string[][] = [];
    client.on('sample', (s) => {
      if (s.kind === 'poses') poses.push(s);
      else if (s.kind === 'event') events.push(s);
      else if (s.kind === 'analog') analogs.push(s);
    });
    client.on('catalog', (c) => catalogs.push(c.bodies.map((b) => b.name)));
    await client.connect();
    await waitFor(
      () => events.some((e) => e.name === 'Button0/button 0' && e.value === 0 && events.indexOf(e) > 2),
      3000,
      'the stream',
    );
    // This direction carries 67 Pos_Quat and 49 analog reports (decoded.txt).
    await waitFor(() => analogs.length === 49 && poses.length === 67, 3000, 'every pose and analog report');
    assert.deepEqual(catalogs.at(-1), ['DTrack/0', 'Tracker0/0', 'Tracker0/1']);
    // Positions as captured (identity transform).
    const dtrack = poses.at(-1)!.bodies.find((b) => b.id === 1)!;
    assert.deepEqual(
      [dtrack.x, dtrack.y, dtrack.z, dtrack.qx, dtrack.qy, dtrack.qz, dtrack.qw],
      [0.1, 0.2, 0.3, 0, 0, 0, 1],
    );
    assert.deepEqual(
      analogs.slice(0, 3).map((a) => a.channels.map((v) => Number(v.toPrecision(6)))),
      [
        [0.199, 0.1],
        [0.389, 0.2],
        [0.565, 0.3],
      ],
    );
    assert.ok(events.some((e) => e.control?.kind === 'dial' && e.value === 0.25));
    assert.ok(events.some((e) => e.name === 'DTrack/button 0' && e.value === 1));
    assert.equal(client.counters().malformed, 0);
    assert.equal(client.counters().dropped, 0);
  });
});

describe('the simulator as a mainline client sees it', () => {
  test('descriptions in id order (forwarder last), stock room, workspace and unit-to-sensor answers', async (t) => {
    const sim = await startCapturedServerLookalike(t);
    const socket = net.connect({ host: LOOPBACK, port: sim.port });
    t.after(() => socket.destroy());
    const messages: NamedMessage[] = [];
    const endpoint = new VrpnEndpoint(
      { writeTcp: (b) => socket.write(b) },
      { onMessage: (m) => messages.push(m), onFatal: (r) => assert.fail(r) },
      { senders: ['VRPN Control', 'Tracker0'], types: [] },
    );
    const described: string[] = [];
    socket.on('data', (chunk) => {
      // The descriptions themselves, in the order they come.
      const text = chunk.toString('latin1');
      for (const m of text.matchAll(/(VRPN Control|Tracker0|DTrack|Button0|Dial0|vrpn_Forwarder_Brain)\0/g)) {
        if (!described.includes(m[1]!)) described.push(m[1]!);
      }
      endpoint.receiveTcp(chunk);
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    endpoint.start();
    await waitFor(() => endpoint.isReady, 2000, 'the cookie');
    for (const type of [TypeName.RequestToRoom, TypeName.RequestWorkspace, TypeName.RequestUnitToSensor]) {
      endpoint.send('Tracker0', type, new Uint8Array(0));
    }
    await waitFor(() => count(messages, TypeName.UnitToSensor) === 2, 2000, 'the answers');
    assert.deepEqual(described, ['VRPN Control', 'Tracker0', 'DTrack', 'Button0', 'Dial0', 'vrpn_Forwarder_Brain']);
    const body = (type: typeof TypeName.ToRoom | typeof TypeName.Workspace) =>
      decodeBody(type, messages.find((m) => m.type === type)!.body);
    assert.deepEqual(body(TypeName.ToRoom), {
      type: TypeName.ToRoom,
      position: [0, 0, -0.28],
      quaternion: [0, 0, 0, 1],
    });
    assert.deepEqual(body(TypeName.Workspace), {
      type: TypeName.Workspace,
      min: [-0.2, -0.2, -0.1],
      max: [0.2, 0.2, 0.2],
    });
    assert.ok(messages.every((m) => m.sender !== 'vrpn_Forwarder_Brain'));
  });

  test('a body shorter than its type needs is counted as malformed by our client, which carries on', async (t) => {
    // A server that describes Tracker0 and Pos_Quat, then sends a 56-byte Pos_Quat and a good one.
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      const endpoint: VrpnEndpoint = new VrpnEndpoint(
        { writeTcp: (b) => socket.write(b) },
        {
          onReady: () => {
            endpoint.send('Tracker0', TypeName.PosQuat, new Uint8Array(56));
            endpoint.send('Tracker0', TypeName.PosQuat, new Uint8Array(64).fill(0, 0, 64));
          },
          onMessage: () => {},
          onFatal: () => socket.destroy(),
        },
        { senders: ['VRPN Control', 'Tracker0'], types: [TypeName.PosQuat] },
      );
      socket.on('data', (c) => endpoint.receiveTcp(c));
      endpoint.start();
    });
    t.after(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const client = new VrpnClient({
      host: LOOPBACK,
      port: (server.address() as net.AddressInfo).port,
      devices: ['Tracker0'],
    });
    t.after(() => client.close());
    const poses: PosesSample[] = [];
    client.on('sample', (s) => {
      if (s.kind === 'poses') poses.push(s);
    });
    await client.connect();
    await waitFor(() => poses.length === 1, 2000, 'the good pose');
    assert.equal(client.counters().malformed, 1);
    assert.equal(client.status().state, 'streaming');
  });
});
