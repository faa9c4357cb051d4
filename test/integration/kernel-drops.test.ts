/**
 * The kernel's own drop count, for every kind that reads UDP (NatNet, VRPN in UDP mode, Pupil's RTP
 * and RTCP pairs, Teleport's ENet socket): the real client against its simulator on loopback, a
 * recording running, and a burst the kernel must drop (test/helpers/kernel-drops.ts). The drops
 * must show as that device's kernelDrops, summed over its sockets, live and in session.json, and in
 * the session's "lost".
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Hub } from '../../main/hub/hub';
import type { Source } from '../../main/hub/source';
import { closeUdpSocket, openUdpSocket, udpSocketsOf } from '../../main/net/udp';
import { KernelDropTally } from '../../main/net/udp-drops';
import { NatNetClient } from '../../main/protocols/natnet/client';
import { MotiveSimulator } from '../../main/protocols/natnet/simulator';
import { PupilClient } from '../../main/protocols/pupil/client';
import { CompanionSimulator } from '../../main/protocols/pupil/simulator';
import { TeleportClient } from '../../main/protocols/teleport/client';
import { TeleportSimulator } from '../../main/protocols/teleport/simulator';
import { VrpnClient } from '../../main/protocols/vrpn/client';
import { simulatorDevices, VrpnSimulator } from '../../main/protocols/vrpn/simulator';
import { Recorder } from '../../main/recording/recorder';
import type { SessionSummary } from '../../main/recording/session-summary';
import { waitFor } from '../helpers/fake-source';
import { forceKernelDrops, kernelDropsUnavailable } from '../helpers/kernel-drops';
import { tempDir } from '../helpers/recording';

const LOOPBACK = '127.0.0.1';

interface Case {
  name: string;
  /** UDP sockets the device reads once streaming. */
  sockets: number;
  start(t: TestContext): Promise<Source>;
}

const cases: Case[] = [
  {
    name: 'NatNet',
    sockets: 1,
    async start(t) {
      const sim = new MotiveSimulator({ host: LOOPBACK, commandPort: 0, dataPort: 0, rateHz: 120 });
      await sim.start();
      t.after(() => sim.stop());
      return new NatNetClient({ id: 'kd-natnet', host: LOOPBACK, commandPort: sim.commandPort });
    },
  },
  {
    name: 'VRPN in UDP mode',
    sockets: 1,
    async start(t) {
      const sim = new VrpnSimulator({ host: LOOPBACK, port: 0, ...simulatorDevices(1, 0, 100) });
      await sim.start();
      t.after(() => sim.stop());
      return new VrpnClient({ id: 'kd-vrpn', host: LOOPBACK, port: sim.port, devices: ['Tracker0'], tcpOnly: false });
    },
  },
  {
    name: "Pupil's RTP and RTCP (scene video and gaze)",
    sockets: 4,
    async start(t) {
      const sim = new CompanionSimulator({ port: 0, rtspPort: 0, timeEchoPort: 0 });
      const ports = await sim.start();
      t.after(() => sim.stop());
      return new PupilClient({ id: 'kd-pupil', host: LOOPBACK, port: ports.port, transport: 'udp' });
    },
  },
  {
    name: "Teleport's ENet",
    sockets: 1,
    async start(t) {
      const sim = new TeleportSimulator({ discoveryPort: 0, servicePort: 0, nodes: 3, rateHz: 50 });
      const ports = await sim.start();
      t.after(() => sim.stop());
      return new TeleportClient({ id: 'kd-teleport', host: LOOPBACK, discoveryPort: ports.discoveryPort });
    },
  },
];

for (const c of cases) {
  test(`${c.name}: datagrams the kernel dropped are the device's kernel drops, live and in session.json`, async (t) => {
    const unavailable = kernelDropsUnavailable();
    if (unavailable) {
      t.skip(unavailable);
      return;
    }
    const hub = new Hub();
    t.after(() => hub.close());
    const source = await c.start(t);
    const id = source.id;
    hub.add(source);
    await hub.connect(id);
    await waitFor(
      () =>
        hub.snapshots().find((d) => d.id === id)?.health.state === 'streaming' && udpSocketsOf(id).length >= c.sockets,
      `${c.name} streaming on ${c.sockets} UDP socket(s)`,
      15_000,
    );
    assert.equal(udpSocketsOf(id).length, c.sockets, 'every UDP socket the device reads is its own');
    const recorder = await Recorder.start(hub, { outDir: tempDir('kernel-drops') });
    t.after(() => recorder.stop());
    // The recorder's first look (kernel figures, then the disk) sets the base: drops before it are not this session's.
    await waitFor(() => recorder.counts().disk.freeBytes !== null, "the recorder's first look", 10_000);
    assert.equal(recorder.counts().losses[id]?.kernelDrops, 0);

    const sent = await forceKernelDrops(id);
    await waitFor(
      () => (recorder.counts().losses[id]?.kernelDrops ?? 0) >= sent / 2,
      `at least half of the ${sent} datagrams counted as kernel drops`,
      10_000,
    );
    const live = recorder.counts();
    const drops = live.losses[id]!.kernelDrops!;
    t.diagnostic(`${drops} kernel drops for ${sent} datagrams sent to ${c.sockets} socket(s)`);
    // Only what this test sent (and the device's own datagrams caught behind it) can have been dropped.
    assert.ok(drops <= sent + 10_000, `${drops} drops for ${sent} sent`);
    assert.ok(live.lost >= drops, 'lost includes the kernel drops');

    const summary = await recorder.stop();
    const onDisk = JSON.parse(readFileSync(join(recorder.folder, 'session.json'), 'utf8')) as SessionSummary;
    const device = onDisk.devices.find((d) => d.id === id)!;
    assert.ok(device.losses!.kernelDrops! >= drops, 'session.json: the device');
    assert.ok(onDisk.losses!.kernelDrops! >= drops, 'session.json: the total');
    assert.ok(onDisk.lost >= drops);
    assert.equal(onDisk.lost, summary.lost);
  });
}

test("a reconnect's new socket neither erases the old socket's drops nor hides its own", async (t) => {
  const unavailable = kernelDropsUnavailable();
  if (unavailable) {
    t.skip(unavailable);
    return;
  }
  const owner = 'kd-reconnect';
  const tally = new KernelDropTally();
  assert.equal(await tally.update(owner), null, 'no socket yet: not known');
  const first = await openUdpSocket({ address: LOOPBACK, owner });
  t.after(() => closeUdpSocket(first));
  assert.equal(await tally.update(owner), 0);
  const sentFirst = await forceKernelDrops(owner);
  const afterFirst = (await tally.update(owner))!;
  assert.ok(afterFirst >= sentFirst / 2, `${afterFirst} of ${sentFirst}`);

  // The device reconnects: the old socket (and its line in /proc/net/udp) goes, a new one starts at 0.
  await closeUdpSocket(first);
  const second = await openUdpSocket({ address: LOOPBACK, owner });
  t.after(() => closeUdpSocket(second));
  assert.equal(await tally.update(owner), afterFirst, "the old socket's drops stay counted");
  const sentSecond = await forceKernelDrops(owner);
  const afterSecond = (await tally.update(owner))!;
  assert.ok(
    afterSecond - afterFirst >= sentSecond / 2,
    `${afterSecond - afterFirst} of ${sentSecond} on the new socket`,
  );
  await closeUdpSocket(second);
  assert.equal(await tally.update(owner), afterSecond, 'no socket open: the total stays');
});
