/**
 * The recorder's loss accounting and disk checks: four separate counters per device, a session's
 * "lost" that is never 0 while any counter is not, the kernel's per-socket drop column, and the
 * refusal to start without a minute of disk.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Hub } from '../../main/hub/hub';
import { openUdpSocket, closeUdpSocket, udpPortsOf } from '../../main/net/udp';
import { kernelDropsOf, parseProcNetUdp, parseProcNetUdpSockets } from '../../main/net/udp-drops';
import { Recorder } from '../../main/recording/recorder';
import { FakeSource, waitFor } from '../helpers/fake-source';
import { tempDir } from '../helpers/recording';

const T0 = 1.7e18;

test('/proc/net/udp: the drops column per local port (hex), summed over sockets sharing a port', () => {
  const text = [
    '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
    '  123: 0100007F:05E7 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 11111 2 0000000000000000 0',
    '  124: 00000000:05E7 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 11112 2 0000000000000000 17',
    '  125: 0100007F:D431 0100007F:05E6 01 00000000:00000000 00:00000000 00000000     0        0 11113 2 0000000000000000 4',
    'garbage line',
  ].join('\n');
  const drops = parseProcNetUdp(text);
  assert.equal(drops.get(0x05e7), 17);
  assert.equal(drops.get(0xd431), 4);
  assert.equal(drops.size, 2);
  const v6 =
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n' +
    '   7: 00000000000000000000000001000000:9C41 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 2222 2 0000000000000000 3\n';
  assert.equal(parseProcNetUdp(v6).get(0x9c41), 3);
  // Per socket too, by inode (a reconnect's new socket has a new one).
  assert.deepEqual(parseProcNetUdpSockets(text), [
    { port: 0x05e7, inode: '11111', drops: 0 },
    { port: 0x05e7, inode: '11112', drops: 17 },
    { port: 0xd431, inode: '11113', drops: 4 },
  ]);
});

test("a device's UDP sockets are found by owner; the kernel figure is a number on Linux, else null", async (t) => {
  const socket = await openUdpSocket({ address: '127.0.0.1', owner: 'dev-udp' });
  t.after(() => closeUdpSocket(socket));
  assert.deepEqual(udpPortsOf('dev-udp'), [socket.address().port]);
  assert.deepEqual(udpPortsOf('nobody'), []);
  const drops = await kernelDropsOf('dev-udp');
  if (process.platform === 'linux') assert.equal(drops, 0);
  else assert.equal(drops, null);
  assert.equal(await kernelDropsOf('nobody'), null, 'no socket: not available');
  await closeUdpSocket(socket);
  assert.deepEqual(udpPortsOf('dev-udp'), [], 'a closed socket is forgotten');
});

test('a full hand-off queue drops and counts samples (hand-off overflows); lost is never 0 then', async () => {
  const hub = new Hub();
  const source = new FakeSource({ id: 'dev' });
  hub.add(source);
  await hub.connect('dev');
  // A queue that holds about one sample: everything handed over in the same tick beyond it overflows.
  const recorder = await Recorder.start(hub, { outDir: tempDir('overflow'), maxPendingBytes: 300 });
  for (let i = 0; i < 20; i++) {
    source.emit('sample', {
      kind: 'poses',
      hostTimeNs: T0 + i * 1e6,
      frameNumber: i + 1,
      bodies: [{ id: 1, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: true }],
    });
  }
  const counts = recorder.counts();
  assert.ok(counts.losses.dev!.handoffOverflows > 0, 'overflows counted');
  assert.equal(counts.losses.dev!.recorderLosses, 0);
  assert.equal(counts.lost, counts.losses.dev!.handoffOverflows + counts.losses.dev!.frameGaps);
  const summary = await recorder.stop();
  await hub.close();
  assert.equal(summary.losses?.handoffOverflows, counts.losses.dev!.handoffOverflows);
  assert.ok(summary.lost >= summary.losses!.handoffOverflows);
  const onDisk = JSON.parse(readFileSync(join(recorder.folder, 'session.json'), 'utf8')) as {
    lost: number;
    compression: string;
    devices: { id: string; samples: number; losses: { handoffOverflows: number } }[];
  };
  assert.equal(onDisk.compression, 'zstd');
  const dev = onDisk.devices.find((d) => d.id === 'dev')!;
  assert.equal(dev.samples + dev.losses.handoffOverflows, 20, 'every sample is either handed over or counted');
  assert.equal(onDisk.lost, summary.lost);
});

test("frame-number gaps are the device's own count (since the recording started), in lost and session.json", async () => {
  const hub = new Hub();
  const source = new FakeSource({ id: 'dev' });
  hub.add(source);
  await hub.connect('dev');
  const recorder = await Recorder.start(hub, { outDir: tempDir('gaps') });
  source.countersValue.dropped += 5;
  hub.emit('devices', hub.snapshots());
  const counts = recorder.counts();
  assert.equal(counts.losses.dev!.frameGaps, 5);
  assert.equal(counts.lost, 5);
  const summary = await recorder.stop();
  await hub.close();
  assert.equal(summary.lost, 5);
  assert.equal(summary.losses?.frameGaps, 5);
});

test('starting refuses with a clear message when less than a minute would fit on the disk', async () => {
  const hub = new Hub();
  await assert.rejects(
    Recorder.start(hub, { outDir: tempDir('no-space'), expectedBytesPerSecond: 1e15 }),
    /not enough disk space to record in .*less than 60 s/,
  );
  await hub.close();
});

test('recording status carries free space and time left once a rate is known', async () => {
  const hub = new Hub();
  const source = new FakeSource({ id: 'dev' });
  hub.add(source);
  await hub.connect('dev');
  const recorder = await Recorder.start(hub, { outDir: tempDir('disk'), flushIntervalMs: 50 });
  await waitFor(() => recorder.counts().disk.freeBytes !== null, 'the free space');
  const disk = recorder.counts().disk;
  await recorder.stop();
  await hub.close();
  assert.ok(disk.freeBytes! > 0);
  assert.ok(disk.secondsLeft === null || disk.secondsLeft > 0);
});
