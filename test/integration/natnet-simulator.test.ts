/**
 * The Motive simulator seen from a raw UDP socket, checked against what real clients require of a
 * server (docs/protocols/natnet.md §13.3–13.4): ports, exact lengths, stamps, connect variants, client bookkeeping.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { decodeMessage, encodeMessage, responseAsFloat32 } from '../../main/protocols/natnet/codec';
import type { MotiveSimulator } from '../../main/protocols/natnet/simulator';
import type { FrameOfData, NatNetMessage, Version4 } from '../../main/protocols/natnet/types';
import { LOOPBACK, sleep, startSimulator, waitFor } from './natnet-helpers';

interface Received {
  bytes: Uint8Array;
  port: number;
}

/** A bare client socket: what it sends is up to the test, everything it receives is kept. */
async function rawClient(t: TestContext): Promise<{ socket: dgram.Socket; inbox: Received[] }> {
  const socket = dgram.createSocket('udp4');
  const inbox: Received[] = [];
  socket.on('message', (m, from) => inbox.push({ bytes: new Uint8Array(m), port: from.port }));
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  t.after(() => socket.close());
  return { socket, inbox };
}

function sendTo(sim: MotiveSimulator, socket: dgram.Socket, bytes: Uint8Array): void {
  socket.send(bytes, sim.commandPort, LOOPBACK);
}

function connectPayload(bitstream?: Version4): Uint8Array {
  const message: NatNetMessage = {
    type: 'connect',
    sender: { name: 'NatNetLib', appVersion: [4, 1, 0, 0], natnetVersion: [4, 1, 0, 0] },
  };
  if (bitstream) message.options = { subscribedDataOnly: false, bitstreamVersion: bitstream };
  return encodeMessage(message, [4, 1, 0, 0]);
}

function frames(inbox: Received[], bitstream: Version4): { frame: FrameOfData; port: number; bytes: Uint8Array }[] {
  return inbox
    .filter((r) => r.bytes[0] === 7)
    .map((r) => {
      const m = decodeMessage(r.bytes, bitstream);
      assert.equal(m.type, 'frameOfData');
      return { frame: (m as { frame: FrameOfData }).frame, port: r.port, bytes: r.bytes };
    });
}

test('unicast frames come FROM the data port TO the connect endpoint, with exact lengths and sane stamps', async (t) => {
  const sim = await startSimulator(t, { rateHz: 100, bodies: 3 });
  const { socket, inbox } = await rawClient(t);
  sendTo(sim, socket, connectPayload());
  await waitFor(() => frames(inbox, [4, 1, 0, 0]).length >= 20, 2000, '20 frames');

  const info = inbox.find((r) => r.bytes[0] === 1)!;
  assert.equal(info.port, sim.commandPort, 'ServerInfo from the command port');
  assert.equal(info.bytes.length, 4 + 279, 'ServerInfo is 279 bytes for NatNet ≥ 3.0');

  const got = frames(inbox, [4, 1, 0, 0]);
  for (const { frame, port, bytes } of got) {
    assert.equal(port, sim.dataPort, 'frames are sent from the data port (libNatNet drops others)');
    const nDataBytes = bytes[2]! | (bytes[3]! << 8);
    assert.equal(bytes.length, nDataBytes + 4, 'exact nDataBytes');
    assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getInt32(bytes.length - 4, true), 0, 'end of data');
    assert.ok(frame.cameraMidExposureTicks! < frame.cameraDataReceivedTicks!);
    assert.ok(frame.cameraDataReceivedTicks! < frame.transmitTicks!);
    const systemMs = (frame.transmitTicks! - frame.cameraMidExposureTicks!) / 1e4;
    assert.ok(systemMs > 4 && systemMs < 7, `mid-exposure → transmit ${systemMs} ms`);
    assert.equal(frame.timestamp, frame.frameNumber / 100);
    assert.equal(frame.rigidBodies.length, 3);
    const labeled = frame.labeledMarkers.filter((m) => m.modelId !== 0);
    const unlabeled = frame.labeledMarkers.filter((m) => m.modelId === 0);
    assert.deepEqual(
      [...new Set(labeled.map((m) => m.modelId))],
      frame.rigidBodies.map((b) => b.id),
      'labeled markers carry their rigid body as model id',
    );
    assert.equal(unlabeled.length, 3, 'a few unlabeled point-cloud markers too');
    for (const m of unlabeled) assert.equal(m.params! & 0x10, 0x10, 'params bit 4: unlabeled');
    assert.deepEqual(
      frame.markerSets.map((s) => s.name),
      ['Wand', 'Head', 'LeftHand', 'all'],
    );
    assert.equal(frame.markerSets.at(-1)!.markers.length, labeled.length);
    assert.equal(frame.skeletons.length, 1);
    assert.equal(frame.skeletons[0]!.bones[0]!.id >> 16, frame.skeletons[0]!.id);
  }
  const numbers = got.map((f) => f.frame.frameNumber);
  assert.deepEqual(
    numbers,
    numbers.map((_, i) => numbers[0]! + i),
    'consecutive frame numbers',
  );
});

test('bodies move smoothly on distinct paths', async (t) => {
  const sim = await startSimulator(t, { rateHz: 100, bodies: 4 });
  const { socket, inbox } = await rawClient(t);
  sendTo(sim, socket, connectPayload());
  await waitFor(() => frames(inbox, [4, 1, 0, 0]).length >= 50, 3000, '50 frames');
  const got = frames(inbox, [4, 1, 0, 0]);
  for (let i = 1; i < got.length; i++) {
    const gap = got[i]!.frame.frameNumber - got[i - 1]!.frame.frameNumber;
    for (let b = 0; b < 4; b++) {
      const p = got[i - 1]!.frame.rigidBodies[b]!;
      const q = got[i]!.frame.rigidBodies[b]!;
      const step = Math.hypot(q.x - p.x, q.y - p.y, q.z - p.z);
      assert.ok(step < 0.05 * gap, `body ${p.id} jumped ${step} m in ${gap} frame(s)`);
    }
  }
  const last = got.at(-1)!.frame.rigidBodies;
  for (let a = 0; a < last.length; a++) {
    for (let b = a + 1; b < last.length; b++) {
      const d = Math.hypot(last[a]!.x - last[b]!.x, last[a]!.y - last[b]!.y, last[a]!.z - last[b]!.z);
      assert.ok(d > 0.01, `bodies ${a + 1} and ${b + 1} overlap`);
    }
  }
});

test('every NAT_CONNECT variant seen in the wild registers a client', async (t) => {
  const sim = await startSimulator(t);
  const sender = connectPayload([4, 2, 0, 0]);
  const variants: Record<string, Uint8Array> = {
    'empty (mocap_optitrack)': Uint8Array.of(0, 0, 0, 0),
    '"Ping\\0" (5 bytes)': Uint8Array.of(0, 0, 5, 0, 0x50, 0x69, 0x6e, 0x67, 0),
    'sender block (264)': connectPayload(),
    'sender + options (269, libNatNet 4.1)': sender,
    'sender + options + 2 zero bytes (271, Python sample)': withPadding(sender, 2),
    'sender + options + 4 zero bytes (273, PacketClient)': withPadding(sender, 4),
  };
  for (const [name, bytes] of Object.entries(variants)) {
    const { socket, inbox } = await rawClient(t);
    sendTo(sim, socket, bytes);
    await waitFor(() => inbox.some((r) => r.bytes[0] === 1), 1000, `ServerInfo for ${name}`);
  }
  assert.equal(sim.clientCount(), Object.keys(variants).length);
});

function withPadding(message: Uint8Array, extra: number): Uint8Array {
  const out = new Uint8Array(message.length + extra);
  out.set(message);
  const n = (message[2]! | (message[3]! << 8)) + extra;
  out[2] = n & 0xff;
  out[3] = n >> 8;
  return out;
}

test('echo replies echo the 8 client bytes exactly and add server ticks from the frame clock', async (t) => {
  const sim = await startSimulator(t);
  const { socket, inbox } = await rawClient(t);
  const stamp = 0xfedcba9876543210n;
  const before = sim.ticks();
  sendTo(sim, socket, encodeMessage({ type: 'echoRequest', clientStamp: stamp }, [4, 1, 0, 0]));
  await waitFor(() => inbox.some((r) => r.bytes[0] === 13), 1000, 'echo response');
  const m = decodeMessage(inbox.find((r) => r.bytes[0] === 13)!.bytes, [4, 1, 0, 0]);
  assert.equal(m.type, 'echoResponse');
  if (m.type !== 'echoResponse') return;
  assert.equal(m.clientStamp, stamp);
  assert.ok(m.serverTicks >= before && m.serverTicks <= sim.ticks());
});

test('requests: FrameRate f32, unknown → 100, trailing NUL tolerated, Disconnect unregisters', async (t) => {
  const sim = await startSimulator(t, { rateHz: 360 });
  const { socket, inbox } = await rawClient(t);
  sendTo(sim, socket, connectPayload());
  await waitFor(() => sim.clientCount() === 1, 1000, 'registration');
  // The request as the Python sample sends it: NUL included in nDataBytes, then a stray NUL.
  sendTo(sim, socket, withPadding(encodeMessage({ type: 'request', command: 'FrameRate' }, [4, 1, 0, 0]), 1));
  await waitFor(() => inbox.some((r) => r.bytes[0] === 3), 1000, 'FrameRate response');
  const response = decodeMessage(inbox.find((r) => r.bytes[0] === 3)!.bytes, [4, 1, 0, 0]);
  assert.equal(response.type === 'response' && responseAsFloat32(response.payload), 360);

  sendTo(sim, socket, encodeMessage({ type: 'request', command: 'TestRequest' }, [4, 1, 0, 0]));
  await waitFor(() => inbox.some((r) => r.bytes[0] === 100), 1000, 'message 100');

  const events: string[] = [];
  sim.on('client', (e) => events.push(e.event));
  sendTo(sim, socket, encodeMessage({ type: 'request', command: 'Disconnect' }, [4, 1, 0, 0]));
  await waitFor(() => sim.clientCount() === 0, 1000, 'unregistered');
  assert.deepEqual(events, ['disconnected']);
  const count = inbox.length;
  await sleep(100);
  assert.ok(inbox.length - count <= 2, 'no more frames after Disconnect (one may have been in flight)');
});

test('silent clients are dropped after the client timeout; keepalives keep them', async (t) => {
  const sim = await startSimulator(t, { clientTimeoutMs: 300 });
  const silent = await rawClient(t);
  const alive = await rawClient(t);
  const events: string[] = [];
  sim.on('client', (e) => events.push(`${e.event}:${e.port === silent.socket.address().port ? 'silent' : 'alive'}`));
  sendTo(sim, silent.socket, connectPayload());
  sendTo(sim, alive.socket, connectPayload());
  const keepalive = setInterval(
    () => sendTo(sim, alive.socket, encodeMessage({ type: 'keepAlive' }, [4, 1, 0, 0])),
    100,
  );
  t.after(() => clearInterval(keepalive));
  await waitFor(() => events.includes('timedOut:silent'), 2000, 'silent client dropped');
  assert.equal(sim.clientCount(), 1);
  assert.ok(!events.includes('timedOut:alive'));
});

test('model definitions come in the client bitstream (4.2 adds the rotation offset)', async (t) => {
  const sim = await startSimulator(t, { bitstream: [4, 2, 0, 0] });
  for (const version of [
    [4, 2, 0, 0],
    [4, 1, 0, 0],
    [3, 0, 0, 0],
  ] as Version4[]) {
    const { socket, inbox } = await rawClient(t);
    sendTo(sim, socket, connectPayload(version));
    sendTo(sim, socket, encodeMessage({ type: 'requestModelDef', typeMask: 0xffffffff }, version));
    await waitFor(() => inbox.some((r) => r.bytes[0] === 5), 1000, 'model definitions');
    const m = decodeMessage(inbox.find((r) => r.bytes[0] === 5)!.bytes, version);
    assert.equal(m.type, 'modelDef');
    if (m.type !== 'modelDef') continue;
    const body = m.descriptions.find((d) => d.type === 'rigidBody');
    assert.equal(body?.type === 'rigidBody' && body.name, 'Wand');
    assert.equal(body?.type === 'rigidBody' && body.rotationOffset !== undefined, version[1] === 2);
  }
  // A type mask of rigid bodies only (bit 1).
  const { socket, inbox } = await rawClient(t);
  sendTo(sim, socket, encodeMessage({ type: 'requestModelDef', typeMask: 1 << 1 }, [4, 2, 0, 0]));
  await waitFor(() => inbox.some((r) => r.bytes[0] === 5), 1000, 'filtered model definitions');
  const m = decodeMessage(inbox.find((r) => r.bytes[0] === 5)!.bytes, [4, 2, 0, 0]);
  assert.ok(m.type === 'modelDef' && m.descriptions.every((d) => d.type === 'rigidBody'));
});

test('Bitstream switch: frames carry params bit 3 for a few frames, then the new layout only', async (t) => {
  const sim = await startSimulator(t, { bitstream: [4, 1, 0, 0], rateHz: 200 });
  const { socket, inbox } = await rawClient(t);
  sendTo(sim, socket, connectPayload());
  await waitFor(() => inbox.filter((r) => r.bytes[0] === 7).length > 5, 1000, 'frames');
  sendTo(sim, socket, encodeMessage({ type: 'request', command: 'Bitstream,3.0' }, [4, 1, 0, 0]));
  await waitFor(() => inbox.some((r) => r.bytes[0] === 3), 1000, 'response');
  const at = inbox.findIndex((r) => r.bytes[0] === 3);
  await waitFor(() => inbox.length > at + 10, 1000, 'frames after the switch');
  const after = frames(inbox.slice(at + 1), [3, 0, 0, 0]);
  assert.equal((after[0]!.frame.params! & 8) !== 0, true, 'bit 3 after the switch');
  assert.equal((after.at(-1)!.frame.params! & 8) !== 0, false, 'bit 3 cleared later');
});

test('multicast: ServerInfo reports it, and unicast-only requests are refused', async (t) => {
  const sim = await startSimulator(t, { multicast: { group: '239.255.42.99', interfaceAddress: LOOPBACK } });
  const { socket, inbox } = await rawClient(t);
  sendTo(sim, socket, connectPayload([3, 0, 0, 0]));
  sendTo(sim, socket, encodeMessage({ type: 'request', command: 'Bitstream,3.0' }, [4, 1, 0, 0]));
  await waitFor(() => inbox.some((r) => r.bytes[0] === 3), 1000, 'response');
  const info = decodeMessage(inbox.find((r) => r.bytes[0] === 1)!.bytes, [4, 1, 0, 0]);
  assert.ok(info.type === 'serverInfo');
  assert.equal(info.server.connectionInfo?.multicast, true);
  assert.equal(info.server.connectionInfo?.multicastGroup, '239.255.42.99');
  const refused = decodeMessage(inbox.find((r) => r.bytes[0] === 3)!.bytes, [4, 1, 0, 0]);
  assert.ok(refused.type === 'response');
  assert.notEqual(new DataView(refused.payload.buffer, refused.payload.byteOffset).getInt32(0, true), 0);
  // Nothing is unicast to clients in multicast mode.
  assert.equal(inbox.filter((r) => r.bytes[0] === 7).length, 0);
});
