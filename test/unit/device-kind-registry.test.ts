/**
 * Adding a device kind is a folder with its descriptor and one line in main/protocols/registry.ts.
 * This test proves the second half: a kind that exists only here, registered next to the real ones,
 * is served by the device file, the Add-device form and its validator, the device manager, discovery,
 * demo mode, the CLI, the recorder and the device list's row states, with no other edit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { deviceRowState, type DeviceHealth } from '../../preload/api';
import { validateRpc } from '../../preload/api-schemas';
import { runCli, usage } from '../../main/cli/index';
import { infoReport } from '../../main/cli/info';
import { parseDeviceConfig } from '../../main/config';
import { setupDevices } from '../../main/demo';
import { addressOf, configFromForm, newDeviceId } from '../../main/devices/device-address';
import { DeviceManager } from '../../main/devices/device-manager';
import { DiscoveryService, loopbackTargets } from '../../main/devices/discovery-service';
import { Hub } from '../../main/hub/hub';
import type { Sample } from '../../main/hub/source';
import { printJson } from '../../main/cli/output';
import { defineKind, type Endpoint } from '../../main/protocols/descriptor';
import { deviceEntry, port } from '../../main/protocols/device-entry';
import { formatHostPort, hostPortFields } from '../../main/protocols/host-port';
import { KINDS, KindRegistry, useKinds } from '../../main/protocols/registry';
import { openAppendFile } from '../../main/recording/byte-sink';
import { Recorder } from '../../main/recording/recorder';
import { captureIo } from '../helpers/cli-capture';
import { FakeSource } from '../helpers/fake-source';

const FakeEntry = deviceEntry('fake', { port: port.optional(), channel: z.number().int().optional() });

/** What the fake kind was asked to do, so each test can see the generic code reached it. */
const calls = { created: [] as string[], demo: 0, probed: [] as string[][], recorded: [] as string[] };

const fake = defineKind({
  kind: 'fake',
  name: 'Fake',
  label: 'Fake device (tests)',
  entry: FakeEntry,
  form: {
    address: { address: 'Fake address', example: '10.0.0.9 or 10.0.0.9:7000' },
    defaultPort: 7000,
    toEntry: (address) => hostPortFields(address, 'port'),
    addressOf: (entry) => formatHostPort(entry.host, entry.port),
    fields: ['host', 'port'],
    idPrefix: 'fakey',
  },
  createSource: (entry) => {
    calls.created.push(entry.id);
    return new FakeSource({ id: entry.id, kind: 'fake', label: entry.label ?? `Fake @ ${entry.host}` });
  },
  discovery: {
    lan: [] as Endpoint[],
    loopback: (extra) => [{ address: '127.0.0.1', port: 7000 }, ...extra],
    scan: (targets, listenMs) =>
      targets.map((t) => ({
        what: `fake discovery on ${t.address}:${t.port}`,
        run: async () => [
          { kind: 'fake', name: 'Fake box', address: `${t.address}:${t.port}`, detail: `listened ${listenMs} ms` },
        ],
      })),
  },
  demo: {
    key: 'fake',
    start: async (hub) => {
      calls.demo++;
      hub.add(new FakeSource({ id: 'demo-fake', kind: 'fake' }), { simulated: true });
      await hub.connect('demo-fake');
      return { simulator: { running: true }, close: async () => {} };
    },
  },
  cli: {
    commands: {
      probe: async (argv, io) => {
        calls.probed.push(argv);
        printJson(io, { type: 'fake', device: 'fake', host: argv[0] ?? null });
        return 0;
      },
    },
    usage: `  probe fake HOST\n      print one line from a fake device`,
    summary: 'fake (a kind of this test)',
    info: { status: 'supported', versions: ['1'] },
  },
  recording: { raw: (device, sample) => void calls.recorded.push(`${device.id}:${sample.kind}`) },
  panel: { searchesFirst: true },
});

/** The real kinds and the fake one, for the length of one test. */
function withFake(t: { after(fn: () => void): void }, only = false): void {
  const restore = useKinds(new KindRegistry(only ? [fake] : [...KINDS, fake]));
  t.after(restore);
}

test('the device file takes the new kind, checked by its own schema', (t) => {
  withFake(t);
  const { devices, notices } = parseDeviceConfig(
    {
      devices: [
        { id: 'f1', kind: 'fake', host: '10.0.0.9', port: 7001, channel: 3 },
        { id: 'f2', kind: 'fake', host: '10.0.0.9', colour: 'red' },
        { id: 'x', kind: 'kinect', host: '10.0.0.1' },
      ],
    },
    'devices.json',
  );
  assert.deepEqual(devices, [{ id: 'f1', kind: 'fake', host: '10.0.0.9', port: 7001, channel: 3 }]);
  assert.equal(notices.length, 2);
  assert.match(notices[0]!.message, /device 2 \("f2"\): .*colour/);
  assert.match(
    notices[1]!.message,
    /unknown kind "kinect" \(expected one of natnet, pupil, vrpn, teleport, lsl, fake\)/,
  );
});

test('the Add-device form and its validator take the new kind; the row says searching while it connects', (t) => {
  withFake(t);
  assert.ok(validateRpc('addDevice', { kind: 'fake', address: '10.0.0.9' }).ok);
  const made = configFromForm({ kind: 'fake', address: '10.0.0.9:7002', name: ' Box ' }, 'f');
  assert.deepEqual(made, { ok: true, config: { id: 'f', kind: 'fake', label: 'Box', host: '10.0.0.9', port: 7002 } });
  const wrong = configFromForm({ kind: 'fake', address: 'Tracker0@10.0.0.9' }, 'f');
  assert.equal(wrong.ok, false);
  assert.match(
    !wrong.ok ? wrong.message : '',
    /only VRPN or LSL addresses .* \(a Fake address looks like 10\.0\.0\.9 or/,
  );
  assert.equal(addressOf({ id: 'f', kind: 'fake', host: '::1', port: 7003 }), '[::1]:7003');
  assert.equal(
    newDeviceId({ kind: 'fake', host: '10.0.0.9' }, () => false),
    'fakey-10-0-0-9',
  );
  const connecting = { state: 'connecting', lastSampleAgeMs: null, samples: 0, lastError: null } as Pick<
    DeviceHealth,
    'state' | 'lastSampleAgeMs' | 'samples' | 'lastError'
  >;
  assert.equal(deviceRowState('fake', connecting), 'searching');
  assert.equal(deviceRowState('natnet', connecting), 'connecting');
});

test('the device manager adds, edits and recognises a device of the new kind; discovery finds it', async (t) => {
  withFake(t);
  const hub = new Hub();
  t.after(() => hub.close());
  const manager = new DeviceManager(hub, null);
  const snapshot = await manager.add({ kind: 'fake', address: '127.0.0.1:7000' });
  assert.equal(snapshot.kind, 'fake');
  assert.equal(snapshot.id, 'fakey-127-0-0-1');
  assert.deepEqual(calls.created.slice(-1), ['fakey-127-0-0-1']);
  assert.deepEqual(manager.saved(), [
    {
      deviceId: 'fakey-127-0-0-1',
      kind: 'fake',
      address: '127.0.0.1:7000',
      name: null,
      expectedRateHz: null,
      enabled: true,
    },
  ]);
  await manager.edit('fakey-127-0-0-1', { kind: 'fake', address: '127.0.0.1', name: 'Box' });
  assert.equal(manager.config('fakey-127-0-0-1')?.label, 'Box');

  const discovery = new DiscoveryService(loopbackTargets({ fake: [{ address: '127.0.0.1', port: 7009 }] }), {
    listenMs: 5,
    intervalMs: 0,
  });
  t.after(() => discovery.close());
  const found = (await discovery.scan()).filter((f) => f.kind === 'fake');
  assert.deepEqual(
    found.map((f) => f.address),
    ['127.0.0.1:7000', '127.0.0.1:7009'],
  );
  // The default port makes 127.0.0.1 and 127.0.0.1:7000 the same device: added, not found again.
  assert.equal(manager.isAdded(found[0]!), true);
  assert.equal(manager.isAdded(found[1]!), false);
});

test('demo mode starts the new kind’s demo device', async (t) => {
  withFake(t, true);
  const dir = mkdtempSync(join(tmpdir(), 'sightline-kinds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hub = new Hub();
  const before = calls.demo;
  const setup = await setupDevices(hub, { demo: true, defaultConfigPath: join(dir, 'none.json') });
  try {
    assert.equal(setup.mode, 'demo');
    assert.equal(calls.demo, before + 1);
    assert.deepEqual((setup.demo as Record<string, unknown> | null)?.fake, { running: true });
    assert.deepEqual(
      hub.snapshots().map((d) => [d.id, d.kind, d.simulated]),
      [['demo-fake', 'fake', true]],
    );
    assert.match(hub.notices()[0]!.message, /simulated devices \(Fake\)/);
  } finally {
    await hub.close();
    await setup.close();
  }
});

test('the CLI lists and runs the new kind’s commands', async (t) => {
  withFake(t);
  const text = usage();
  assert.ok(text.includes('  probe fake HOST\n      print one line from a fake device\n  info\n'), text);
  assert.ok(text.endsWith(', fake (a kind of this test).'), text);
  const run = captureIo();
  assert.equal(await runCli(['probe', 'fake', '10.0.0.9'], run.io), 0);
  assert.deepEqual(calls.probed.at(-1), ['10.0.0.9']);
  assert.deepEqual(
    run.lines.map((l) => JSON.parse(l) as unknown),
    [{ type: 'fake', device: 'fake', host: '10.0.0.9' }],
  );
  const wrong = captureIo();
  assert.equal(await runCli(['sim', 'fake'], wrong.io), 2);
  assert.match(wrong.err(), /^sightline: sim fake: not available for this device/);
  assert.deepEqual(infoReport().devices.fake, { status: 'supported', versions: ['1'] });
});

test('the recorder hands the new kind’s samples to its recording mapping', async (t) => {
  withFake(t);
  const dir = mkdtempSync(join(tmpdir(), 'sightline-kinds-rec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hub = new Hub();
  const source = new FakeSource({ id: 'box', kind: 'fake' });
  hub.add(source);
  await hub.connect('box');
  // Inline (no worker thread): a worker has its own registry (KINDS), so a kind registered only by
  // this test exists on this thread alone. The worker path for the real kinds is checked in
  // test/integration/recording-mcap-core.test.ts (NatNet's frame channel comes from its descriptor).
  const recorder = await Recorder.start(hub, { outDir: dir, openTarget: openAppendFile });
  const before = calls.recorded.length;
  source.emit('sample', { kind: 'gaze', hostTimeNs: Date.now() * 1e6, x: 0.5, y: 0.5, worn: true } satisfies Sample);
  source.emitPoses(1);
  await recorder.stop();
  await hub.close();
  assert.deepEqual(calls.recorded.slice(before), ['box:gaze', 'box:poses']);
});
