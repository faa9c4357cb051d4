/**
 * Devices from the window, against real simulators on loopback: discovery finds a Motive (broadcast
 * discovery sent to 127.0.0.1), a Teleport server (UDP discovery) and a Companion phone (mDNS bound to
 * 127.0.0.1); adding one from its found row makes it stream and drops it from the found list; rename,
 * disconnect, connect, a VRPN device added by hand, and remove each change the Hub at once and the device
 * file on disk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadDeviceConfig } from '../../main/config';
import { loopbackTargets } from '../../main/devices/discovery-service';
import { startDashboard, type DashboardSetup } from '../../main/devices/setup';
import { Hub } from '../../main/hub/hub';
import { MotiveSimulator } from '../../main/protocols/natnet/simulator';
import { CompanionSimulator } from '../../main/protocols/pupil/simulator';
import { TeleportSimulator } from '../../main/protocols/teleport/simulator';
import { VrpnSimulator } from '../../main/protocols/vrpn/simulator';

let dir = '';
let motive: MotiveSimulator;
let teleport: TeleportSimulator;
let phone: CompanionSimulator;
let vrpn: VrpnSimulator;
let ports: { natnet: number; teleport: number; phone: number; vrpn: number };
let hub: Hub;
let setup: DashboardSetup;
let file = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-devlist-int-'));
  file = join(dir, 'devices.json');
  motive = new MotiveSimulator({ host: '127.0.0.1', commandPort: 0, dataPort: 0, bodies: 2, rateHz: 100 });
  teleport = new TeleportSimulator({ host: '127.0.0.1', discoveryPort: 0, servicePort: 0, rateHz: 30 });
  phone = new CompanionSimulator({
    port: 0,
    rtspPort: 0,
    timeEchoPort: 0,
    mdnsInterface: '127.0.0.1',
    phoneName: 'Lab phone',
    deviceId: 'feedc0de12345678',
  });
  vrpn = new VrpnSimulator({ host: '127.0.0.1', port: 0 });
  const [m, t, p, v] = await Promise.all([motive.start(), teleport.start(), phone.start(), vrpn.start()]);
  ports = { natnet: m.commandPort, teleport: t.discoveryPort, phone: p.port, vrpn: v.port };
  hub = new Hub({ healthTickMs: 100 });
  setup = startDashboard(hub, {
    deviceFile: file,
    discovery: loopbackTargets({
      natnet: [{ address: '127.0.0.1', port: ports.natnet }],
      teleport: [{ address: '127.0.0.1', port: ports.teleport }],
    }),
    discoveryOptions: { intervalMs: 0, listenMs: 1500 },
  });
});

after(async () => {
  await setup?.close();
  await hub?.close();
  await Promise.all([motive?.stop(), teleport?.stop(), phone?.stop(), vrpn?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; i < 1000; i++) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stateOf(id: string): string | undefined {
  return hub.get(id)?.health.state;
}

function fileDevices(): unknown[] {
  const read = loadDeviceConfig(file, 'flag');
  assert.deepEqual(read.notices, [], 'the file the app wrote reads back cleanly');
  return read.devices;
}

test('discovery on loopback finds each simulator kind, not added yet', async () => {
  const discovery = setup.dashboard.discovery!;
  await discovery.scan();
  const found = setup.dashboard.snapshot().found;
  const byKind = (kind: string) => found.filter((f) => f.kind === kind);
  assert.deepEqual(
    byKind('natnet').map((f) => f.address),
    [`127.0.0.1:${ports.natnet}`],
  );
  assert.match(byKind('natnet')[0]!.detail, /NatNet \d/);
  assert.deepEqual(
    byKind('teleport').map((f) => f.address),
    [`127.0.0.1:${ports.teleport}`],
  );
  const phones = byKind('pupil');
  assert.deepEqual(
    phones.map((f) => [f.name, f.address]),
    [['Lab phone', `127.0.0.1:${ports.phone}`]],
  );
});

test('adding a found Motive makes it stream, takes it off the found list and writes the file', async () => {
  const found = setup.dashboard.snapshot().found.find((f) => f.kind === 'natnet')!;
  const added = await setup.dashboard.devices.add({ kind: 'natnet', name: found.name, address: found.address });
  await until('the added Motive to stream', () => stateOf(added.id) === 'streaming');
  assert.equal(
    setup.dashboard.snapshot().found.some((f) => f.kind === 'natnet'),
    false,
  );
  assert.deepEqual(fileDevices(), [
    { id: added.id, kind: 'natnet', label: found.name, host: '127.0.0.1', commandPort: ports.natnet },
  ]);
  assert.deepEqual(
    setup.dashboard.snapshot().saved.map((s) => s.address),
    [`127.0.0.1:${ports.natnet}`],
  );
});

test('rename, disconnect and connect apply at once and are saved', async () => {
  const id = setup.dashboard.devices.saved()[0]!.deviceId;
  await setup.dashboard.devices.rename(id, 'Stage Motive');
  assert.equal(hub.get(id)?.label, 'Stage Motive');
  await until('the renamed Motive to stream', () => stateOf(id) === 'streaming');
  await setup.dashboard.devices.disconnect(id);
  assert.equal(stateOf(id), 'closed');
  assert.equal((fileDevices()[0] as { enabled?: boolean }).enabled, false);
  await setup.dashboard.devices.connect(id);
  await until('the reconnected Motive to stream', () => stateOf(id) === 'streaming');
  assert.equal((fileDevices()[0] as { enabled?: boolean; label: string }).enabled, undefined);
  assert.equal((fileDevices()[0] as { label: string }).label, 'Stage Motive');
});

test('edit: a new expected rate and address apply at once; fields the form does not show survive', async () => {
  const id = setup.dashboard.devices.saved()[0]!.deviceId;
  await assert.rejects(
    setup.dashboard.devices.edit(id, { kind: 'natnet', address: '127.0.0.1:99999' }),
    /port "99999"/,
  );
  await setup.dashboard.devices.edit(id, {
    kind: 'natnet',
    name: 'Stage Motive',
    address: `localhost:${ports.natnet}`,
    expectedRateHz: 100,
  });
  assert.deepEqual(fileDevices(), [
    { id, kind: 'natnet', label: 'Stage Motive', host: 'localhost', commandPort: ports.natnet, expectedRateHz: 100 },
  ]);
  await until('the edited Motive to stream', () => stateOf(id) === 'streaming');
  await until('the configured expected rate in the history', () =>
    setup.dashboard.snapshot().history.find((h) => h.deviceId === id && h.expectedHz === 100),
  );
});

test('a VRPN device added by hand (Device@host:port) streams; a bad address changes nothing', async () => {
  await assert.rejects(
    setup.dashboard.devices.add({ kind: 'vrpn', address: `127.0.0.1:${ports.vrpn}` }),
    /Device@host/,
  );
  assert.equal(fileDevices().length, 1);
  const added = await setup.dashboard.devices.add({ kind: 'vrpn', address: `Tracker0@127.0.0.1:${ports.vrpn}` });
  await until('VRPN to stream', () => stateOf(added.id) === 'streaming');
  assert.equal(fileDevices().length, 2);
  // The rate history and the expectation build up from the health ticks.
  await until('a learned expected rate', () =>
    setup.dashboard.snapshot().history.find((h) => h.deviceId === added.id && h.expectedHz !== null),
  );
});

test('remove: gone from the Hub and from the file', async () => {
  for (const { deviceId } of setup.dashboard.devices.saved()) await setup.dashboard.devices.remove(deviceId);
  assert.deepEqual(hub.snapshots(), []);
  assert.deepEqual(fileDevices(), []);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, 1);
  await assert.rejects(setup.dashboard.devices.remove('nope'), /no device "nope"/);
});
