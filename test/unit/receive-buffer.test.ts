/**
 * Receive buffers sized for the device's rate: the rule (budget × load with per-datagram overhead,
 * floor, ceiling, powers of two), the sizer growing a real socket's buffer from what it measures,
 * and the once-per-device notice naming the OS setting when the OS grants less than the need.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Hub } from '../../main/hub/hub';
import {
  DATAGRAM_OVERHEAD_BYTES,
  MAX_RECEIVE_BUFFER_BYTES,
  MIN_RECEIVE_BUFFER_BYTES,
  RECEIVE_BUDGET_S,
  ReceiveBufferSizer,
  onReceiveBufferShort,
  receiveBufferFor,
  type ReceiveBufferShortfall,
} from '../../main/net/receive-buffer';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait, udpSocketsOf } from '../../main/net/udp';
import { FakeSource, waitFor } from '../helpers/fake-source';

const MiB = 1024 * 1024;

/** Linux's cap on what a program may ask for; null elsewhere. */
function rmemMax(): number | null {
  const path = '/proc/sys/net/core/rmem_max';
  return process.platform === 'linux' && existsSync(path) ? Number(readFileSync(path, 'utf8')) : null;
}

/** A bare socket (no owner, so no sizer of its own) for a sizer under test. */
async function bareSocket(t: { after: (fn: () => unknown) => void }): Promise<dgram.Socket> {
  const socket = await openUdpSocket({ address: '127.0.0.1' });
  t.after(() => closeUdpSocket(socket));
  return socket;
}

test('the rule: budget × (bytes + per-datagram overhead), rounded up to a power of two, floor and ceiling', () => {
  assert.equal(RECEIVE_BUDGET_S, 0.5);
  // Nothing measured yet: the floor, and nothing needed.
  assert.deepEqual(receiveBufferFor({ datagramsPerSecond: 0, bytesPerSecond: 0 }), {
    needBytes: 0,
    askBytes: MIN_RECEIVE_BUFFER_BYTES,
  });
  // Motive at 1000 Hz with 8,033-byte frames: 0.5 s of frames and their overhead.
  const motive = receiveBufferFor({ datagramsPerSecond: 1000, bytesPerSecond: 8_033_000 });
  assert.equal(motive.needBytes, Math.ceil((8_033_000 + 1000 * DATAGRAM_OVERHEAD_BYTES) * 0.5));
  assert.equal(motive.askBytes, 8 * MiB);
  // Many small datagrams: the kernel's per-datagram cost dominates (10 VRPN trackers × 1000 Hz of 100 B).
  const vrpn = receiveBufferFor({ datagramsPerSecond: 10_000, bytesPerSecond: 1_000_000 });
  assert.equal(vrpn.needBytes, (1_000_000 + 10_000 * DATAGRAM_OVERHEAD_BYTES) / 2);
  assert.equal(vrpn.askBytes, 8 * MiB);
  // A light device stays at the floor but still has its need (compared with what the OS grants).
  const gaze = receiveBufferFor({ datagramsPerSecond: 200, bytesPerSecond: 200 * 60 });
  assert.equal(gaze.needBytes, Math.ceil((12_000 + 200 * DATAGRAM_OVERHEAD_BYTES) / 2));
  assert.equal(gaze.askBytes, MIN_RECEIVE_BUFFER_BYTES);
  // A runaway peer: both capped.
  assert.deepEqual(receiveBufferFor({ datagramsPerSecond: 1e6, bytesPerSecond: 1e10 }), {
    needBytes: MAX_RECEIVE_BUFFER_BYTES,
    askBytes: MAX_RECEIVE_BUFFER_BYTES,
  });
  // Garbage in (negative, NaN): the floor, never an exception or NaN.
  assert.deepEqual(receiveBufferFor({ datagramsPerSecond: -5, bytesPerSecond: Number.NaN }), {
    needBytes: 0,
    askBytes: MIN_RECEIVE_BUFFER_BYTES,
  });
  // A longer budget asks for more.
  assert.equal(receiveBufferFor({ datagramsPerSecond: 1000, bytesPerSecond: 8_033_000 }, 1).askBytes, 16 * MiB);
  // Every ask is a power of two between the floor and the ceiling.
  for (let rate = 1; rate < 1e9; rate *= 3.7) {
    const { askBytes, needBytes } = receiveBufferFor({ datagramsPerSecond: rate / 1000, bytesPerSecond: rate });
    assert.ok(askBytes >= MIN_RECEIVE_BUFFER_BYTES && askBytes <= MAX_RECEIVE_BUFFER_BYTES);
    assert.equal(Math.log2(askBytes) % 1, 0);
    assert.ok(askBytes >= needBytes);
  }
});

test('a device socket is asked for the floor at once and grows with the load it measures', async (t) => {
  const socket = await openUdpSocket({ address: '127.0.0.1', owner: 'rb-grow' });
  t.after(() => closeUdpSocket(socket));
  assert.deepEqual(udpSocketsOf('rb-grow'), [socket]);
  const start = socket.getRecvBufferSize();
  const cap = rmemMax();
  // Linux sets min(ask, rmem_max) and reports twice that (the other half is its bookkeeping).
  if (cap !== null) assert.equal(start, 2 * Math.min(MIN_RECEIVE_BUFFER_BYTES, cap));
  if (cap !== null && cap <= MIN_RECEIVE_BUFFER_BYTES) {
    t.skip(`net.core.rmem_max (${cap}) is at or below the floor: the buffer cannot grow here`);
    return;
  }
  const sender = dgram.createSocket('udp4');
  t.after(() => new Promise<void>((resolve) => sender.close(() => resolve())));
  const port = socket.address().port;
  const payload = new Uint8Array(8000);
  // ~20 MB/s for long enough to be measured (a second): 0.5 s of it needs more than the floor.
  let received = 0;
  socket.on('message', () => received++);
  const timer = setInterval(() => {
    for (let i = 0; i < 5; i++) sendUdpNoWait(sender, payload, port, '127.0.0.1');
  }, 2);
  t.after(() => clearInterval(timer));
  await waitFor(() => socket.getRecvBufferSize() > start, 'the buffer to grow', 10_000);
  clearInterval(timer);
  assert.ok(received > 0);
  assert.ok(socket.getRecvBufferSize() > start);
});

test('less granted than needed: said once per device, naming the OS setting, as a notice of that device', async (t) => {
  const cap = rmemMax();
  if (cap === null) {
    t.skip('needs Linux and /proc/sys/net/core/rmem_max to know the cap');
    return;
  }
  if (cap * 2 >= MAX_RECEIVE_BUFFER_BYTES) {
    t.skip(`net.core.rmem_max (${cap}) lets every ask through: no shortfall to provoke here`);
    return;
  }
  const hub = new Hub();
  t.after(() => hub.close());
  hub.add(new FakeSource({ id: 'rb-short', label: 'Motive test' }));
  const notices: { message: string; deviceId?: string }[] = [];
  hub.on('notice', (n) => notices.push(n));
  const seen: ReceiveBufferShortfall[] = [];
  const off = onReceiveBufferShort((s) => seen.push(s));
  t.after(off);
  const sizer = new ReceiveBufferSizer(await bareSocket(t), 'rb-short');
  sizer.expect({ datagramsPerSecond: 100_000, bytesPerSecond: 1e9 });
  sizer.expect({ datagramsPerSecond: 100_000, bytesPerSecond: 1e9 });
  assert.equal(sizer.askedBytes, MAX_RECEIVE_BUFFER_BYTES);
  assert.equal(seen.length, 1, 'once');
  // Linux doubles what it sets and caps the ask at net.core.rmem_max.
  assert.equal(seen[0]!.grantedBytes, cap * 2);
  assert.equal(seen[0]!.needBytes, MAX_RECEIVE_BUFFER_BYTES);
  assert.equal(notices.length, 1);
  assert.equal(notices[0]!.deviceId, 'rb-short');
  assert.match(
    notices[0]!.message,
    /^Motive test: the OS granted a receive buffer of [\d,]+ KiB where this device's rate needs 32,768 KiB/,
  );
  assert.match(notices[0]!.message, /net\.core\.rmem_max/);
  // Another socket of the same device: not said again.
  new ReceiveBufferSizer(await bareSocket(t), 'rb-short').expect({ datagramsPerSecond: 100_000, bytesPerSecond: 1e9 });
  assert.equal(notices.length, 1);
});

test('a granted buffer that covers the need is not a notice', async (t) => {
  const seen: ReceiveBufferShortfall[] = [];
  const off = onReceiveBufferShort((s) => seen.push(s));
  t.after(off);
  new ReceiveBufferSizer(await bareSocket(t), 'rb-fine').expect({ datagramsPerSecond: 100, bytesPerSecond: 10_000 });
  assert.deepEqual(seen, []);
});
