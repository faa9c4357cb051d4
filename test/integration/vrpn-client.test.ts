/**
 * The VRPN client against the VRPN simulator over real loopback sockets, in both connection modes,
 * with a server restart (through the Hub) and every fault the simulator injects.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { Hub } from '../../main/hub/hub';
import type { AnalogSample, EventSample, PosesSample, Sample } from '../../main/hub/source';
import { VrpnClient, type VrpnClientOptions, type VrpnDeviceMessage } from '../../main/protocols/vrpn/client';
import { TypeName } from '../../main/protocols/vrpn/codec';
import {
  simulatorDevices,
  trackerPath,
  VrpnSimulator,
  type VrpnSimulatorOptions,
} from '../../main/protocols/vrpn/simulator';
import { LOOPBACK, sleep, waitFor } from './natnet-helpers';

async function startSim(t: TestContext, options: VrpnSimulatorOptions = {}): Promise<VrpnSimulator> {
  const sim = new VrpnSimulator({ host: LOOPBACK, port: 0, ...simulatorDevices(1, 2, 100), ...options });
  await sim.start();
  t.after(() => sim.stop());
  return sim;
}

interface Recorded {
  client: VrpnClient;
  poses: PosesSample[];
  events: EventSample[];
  analogs: AnalogSample[];
  messages: VrpnDeviceMessage[];
  downs: string[];
}

function clientFor(t: TestContext, sim: VrpnSimulator, options: Partial<VrpnClientOptions> = {}): Recorded {
  const messages: VrpnDeviceMessage[] = [];
  const client = new VrpnClient({
    host: LOOPBACK,
    port: sim.port,
    devices: ['Tracker0', 'Button0', 'Analog0', 'Dial0'],
    onMessage: (m) => messages.push(m),
    ...options,
  });
  const r: Recorded = { client, poses: [], events: [], analogs: [], messages, downs: [] };
  client.on('sample', (s: Sample) => {
    if (s.kind === 'poses') r.poses.push(s);
    else if (s.kind === 'event') r.events.push(s);
    else if (s.kind === 'analog') r.analogs.push(s);
  });
  client.on('down', (reason) => r.downs.push(reason));
  t.after(() => client.close());
  return r;
}

for (const tcpOnly of [true, false]) {
  const mode = tcpOnly ? 'TCP only' : 'UDP request + TCP callback';
  describe(`VRPN client ↔ simulator, ${mode}`, () => {
    test('trackers, buttons, analogs and dials arrive by name, with the transform applied', async (t) => {
      const sim = await startSim(t);
      const r = clientFor(t, sim, { tcpOnly, transform: { up: 'z' } });
      await r.client.connect();
      await waitFor(() => r.poses.length >= 20 && r.analogs.length >= 2, 5000, 'poses and analogs');
      await waitFor(() => r.events.some((e) => e.control?.kind === 'dial'), 3000, 'a dial report');
      await waitFor(() => r.events.some((e) => e.control?.kind === 'button' && e.value === 1), 3000, 'a button press');
      const last = r.poses.at(-1)!;
      assert.equal(last.bodies.length, 2);
      // Z up → Y up: the simulator's paths are at 1.05..1.35 m height on Z, so Y here.
      for (const b of last.bodies) assert.ok(b.y > 1 && b.y < 1.4, `height ${b.y}`);
      const poseMessages = r.messages.filter((m) => m.type === TypeName.PosQuat);
      // Tracker data goes by UDP once there is a UDP channel (docs/protocols/vrpn.md §9): the first few may come by TCP,
      // before the client's UDP_DESCRIPTION reached the server. Buttons always by TCP.
      const firstUdp = poseMessages.findIndex((m) => m.udp);
      if (tcpOnly) assert.equal(firstUdp, -1);
      else {
        assert.ok(firstUdp >= 0, 'poses by UDP');
        assert.ok(poseMessages.slice(firstUdp).every((m) => m.udp));
      }
      assert.ok(r.messages.filter((m) => m.type === TypeName.ButtonChange).every((m) => !m.udp));
      assert.equal(r.analogs.at(-1)!.channels.length, 4);
      assert.match(r.client.status().peer ?? '', tcpOnly ? /VRPN 07\.38 · TCP/ : /UDP \+ TCP/);
    });

    test('the body values are the simulator path (x, y, z, w quaternions) through the transform', async (t) => {
      const sim = await startSim(t);
      const r = clientFor(t, sim, { tcpOnly });
      await r.client.connect();
      await waitFor(() => r.messages.some((m) => m.type === TypeName.PosQuat), 3000, 'a pose');
      const m = r.messages.find((x) => x.type === TypeName.PosQuat)!;
      assert.equal(m.body.type, TypeName.PosQuat);
      if (m.body.type !== TypeName.PosQuat) return;
      const q = m.body.quaternion;
      assert.ok(Math.abs(Math.hypot(...q) - 1) < 1e-9, 'unit quaternion');
      assert.equal(q[0], 0);
      assert.equal(q[1], 0);
      // The simulator rotates about its room's Z: the quaternion's z and w carry it.
      const expect = trackerPath(0, m.body.sensor, 0);
      assert.equal(expect.quaternion[0], 0);
    });

    test('ping/pong: the clock offset is estimated and device times map into host time', async (t) => {
      const sim = await startSim(t);
      const r = clientFor(t, sim, { tcpOnly, pingIntervalMs: 100 });
      await r.client.connect();
      await waitFor(() => (r.client.status().clock?.samples ?? 0) >= 3, 3000, 'three round trips');
      const clock = r.client.status().clock!;
      // Same host: the offset is within a few ms of zero and its uncertainty is half a loopback round trip.
      assert.ok(Math.abs(clock.offsetNs) < 100e6, `offset ${clock.offsetNs} ns`);
      assert.ok(clock.uncertaintyNs < 100e6);
      await waitFor(() => r.poses.some((p) => p.deviceTimeNs !== undefined), 3000, 'a pose with a device time');
      const p = r.poses.filter((x) => x.deviceTimeNs !== undefined).at(-1)!;
      assert.ok(Math.abs(p.hostTimeNs - p.deviceTimeNs!) < 500e6, 'device time near arrival time on one host');
      assert.ok(sim.counters.pingsAnswered >= 3);
    });

    test('no pong for the warning threshold shows as stale with the reason; the flatline threshold reports down', async (t) => {
      const sim = await startSim(t);
      const r = clientFor(t, sim, { tcpOnly, pingIntervalMs: 50, warnAfterMs: 300, flatlineAfterMs: 900 });
      await r.client.connect();
      await waitFor(() => r.client.status().clock !== undefined, 3000, 'a first pong');
      sim.setPongs(false);
      await waitFor(() => r.client.status().state === 'stale', 3000, 'the warning');
      assert.match(r.client.status().lastError ?? '', /no response from "/);
      await waitFor(() => r.downs.length > 0, 3000, 'down');
      assert.match(r.downs[0]!, /flatlined/);
    });

    test('a device name the server does not have is flatlined with a hint', async (t) => {
      const sim = await startSim(t);
      const r = clientFor(t, sim, {
        tcpOnly,
        devices: ['Nope0'],
        pingIntervalMs: 50,
        warnAfterMs: 200,
        flatlineAfterMs: 400,
      });
      await r.client.connect();
      await waitFor(() => r.downs.length > 0, 3000, 'down');
      assert.match(r.downs[0]!, /"Nope0".*is there a device of that name/);
      assert.equal(r.poses.length, 0, 'no data for devices not asked for');
    });
  });
}

describe('VRPN client: restart and faults (through the Hub, which reconnects with backoff)', () => {
  async function hubWith(t: TestContext, sim: VrpnSimulator, tcpOnly = true): Promise<{ hub: Hub; r: Recorded }> {
    const hub = new Hub({ backoff: { initialMs: 50, maxMs: 200 } });
    t.after(() => hub.close());
    const r = clientFor(t, sim, { id: 'vrpn', tcpOnly, connectTimeoutMs: 1000 });
    hub.add(r.client);
    await hub.connect('vrpn');
    await waitFor(() => r.poses.length > 5, 3000, 'first poses');
    return { hub, r };
  }

  for (const tcpOnly of [true, false]) {
    test(`a server restart: the client comes back by itself (${tcpOnly ? 'TCP' : 'UDP + TCP'})`, async (t) => {
      const sim = await startSim(t);
      const { hub, r } = await hubWith(t, sim, tcpOnly);
      await sim.restart(300);
      await waitFor(() => r.downs.length > 0, 3000, 'down');
      const before = r.poses.length;
      await waitFor(() => r.poses.length > before + 10, 8000, 'poses after the restart');
      const snap = hub.get('vrpn')!;
      assert.ok(snap.health.reconnects >= 1);
      assert.equal(snap.health.state, 'streaming');
      assert.equal(sim.counters.connections, 2);
    });
  }

  for (const tcpOnly of [true, false]) {
    const mode = tcpOnly ? 'TCP' : 'UDP + TCP';
    test(`cut connection (${mode}): down with the reason, then back`, async (t) => {
      const sim = await startSim(t);
      const { r } = await hubWith(t, sim, tcpOnly);
      sim.cut();
      await waitFor(() => r.downs.length > 0, 3000, 'down');
      assert.match(r.downs[0]!, /closed the connection/);
      const before = r.poses.length;
      await waitFor(() => r.poses.length > before + 5, 5000, 'poses after the cut');
    });

    test(`garbage bytes (${mode}): the connection is closed with a clear reason, nothing thrown, then back`, async (t) => {
      const sim = await startSim(t);
      const { r } = await hubWith(t, sim, tcpOnly);
      sim.garbage(64);
      await waitFor(() => r.downs.length > 0, 3000, 'down');
      assert.match(r.downs[0]!, /exceeds the 64000-byte limit/);
      const before = r.poses.length;
      await waitFor(() => r.poses.length > before + 5, 5000, 'poses after the garbage');
    });
  }

  test('a slow reader (the server stops reading): pongs wait, the warning shows, then it recovers', async (t) => {
    const sim = await startSim(t);
    const hub = new Hub();
    t.after(() => hub.close());
    const r = clientFor(t, sim, { id: 'vrpn', pingIntervalMs: 50, warnAfterMs: 300, flatlineAfterMs: 5000 });
    hub.add(r.client);
    await hub.connect('vrpn');
    await waitFor(() => r.client.status().clock !== undefined, 3000, 'a first pong');
    sim.slowReader(800);
    await waitFor(() => r.client.status().state === 'stale', 3000, 'the warning');
    assert.match(hub.get('vrpn')!.health.lastError ?? r.client.status().lastError ?? '', /no response/);
    await waitFor(() => r.client.status().state === 'streaming', 3000, 'recovery');
    assert.equal(r.downs.length, 0);
  });

  test('a bad cookie from a client is refused by the simulator with the reason', async (t) => {
    const sim = await startSim(t);
    const reasons: string[] = [];
    sim.on('rejected', (why) => reasons.push(why));
    const { connect } = await import('node:net');
    const socket = connect({ host: LOOPBACK, port: sim.port });
    t.after(() => socket.destroy());
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(Buffer.from('vrpn: ver. 08.00  0\0\0\0\0\0', 'latin1'));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.resume();
    await closed;
    assert.match(reasons[0] ?? '', /incompatible VRPN major version/);
  });

  test('a connection request with a hostname containing "-" or a low port is refused', async (t) => {
    const sim = await startSim(t);
    const reasons: string[] = [];
    sim.on('rejected', (why) => reasons.push(why));
    const dgram = await import('node:dgram');
    const s = dgram.createSocket('udp4');
    t.after(() => s.close());
    s.send(Buffer.from('bad-host 4000\0'), sim.port, LOOPBACK);
    s.send(Buffer.from('127.0.0.1 80\0'), sim.port, LOOPBACK);
    await waitFor(() => reasons.length >= 2, 2000, 'two refusals');
    assert.match(reasons.join('\n'), /not "<ip> <port>"/);
    assert.match(reasons.join('\n'), /port 80/);
  });

  test('1000 Hz over TCP: every Pos_Quat the simulator sent arrives', async (t) => {
    const sim = await startSim(t, { ...simulatorDevices(2, 2, 1000) });
    const r = clientFor(t, sim, { devices: ['Tracker0', 'Tracker1'] });
    await r.client.connect();
    await sleep(500);
    const sent = () => sim.posQuatSentPerConnection()[0] ?? 0;
    await waitFor(() => sent() > 1000, 5000, '1000 poses sent');
    await sim.stop();
    // One client, so everything the simulator sent was sent to it; stop() closes after the last write.
    const total = sim.counters.sent[TypeName.PosQuat] ?? 0;
    await waitFor(() => r.poses.length === total, 2000, `all ${total} poses (have ${r.poses.length})`);
    assert.equal(r.client.counters().dropped, 0);
  });
});
