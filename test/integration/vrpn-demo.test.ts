/**
 * The VRPN part of demo mode as a renderer sees it over the headless WebSocket: the device's health,
 * its bodies named `Device/sensor` in pose batches, low-rate inputs events, the transform RPC, and a
 * configured VRPN device from the device file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startHeadless } from '../../main/headless';
import { DEMO_VRPN_DEVICE_ID } from '../../main/protocols/vrpn/demo';
import { VrpnSimulator, simulatorDevices } from '../../main/protocols/vrpn/simulator';
import type { DeviceSnapshot, InputsEvent, PosesSection } from '../../preload/api';
import { waitFor } from '../helpers/fake-source';
import { wsRenderer } from '../helpers/ws-renderer';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-vrpn-demo-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The shared WebSocket renderer, with VRPN's views on top. */
function renderer(url: string) {
  const r = wsRenderer(url);
  const poses = (): PosesSection[] => r.batches.flatMap((b) => b.poses);
  const device = (id: string): DeviceSnapshot | undefined => r.devices().find((d) => d.id === id);
  return { ...r, poses, device };
}

test('demo mode: VRPN bodies, health, inputs and the transform, over the WebSocket', async () => {
  const server = await startHeadless({ demo: true, staticRoot: dir, env: {}, log: () => {} });
  try {
    assert.ok(server.devices?.demo?.vrpn, 'the VRPN simulator runs in demo mode');
    const r = renderer(server.url.replace(/^http/, 'ws') + 'link');
    await waitFor(() => r.device(DEMO_VRPN_DEVICE_ID)?.health.state === 'streaming', 'VRPN streaming', 10_000);
    const snap = r.device(DEMO_VRPN_DEVICE_ID)!;
    assert.equal(snap.kind, 'vrpn');
    assert.equal(snap.simulated, true);
    assert.deepEqual(snap.capabilities.transform, { up: 'z' });
    assert.match(snap.peer ?? '', /VRPN 07\.38/);
    await waitFor(
      () => r.events('catalog').some((c) => c.handle === snap.handle && c.bodies.length === 2),
      'the VRPN body names',
      10_000,
    );
    const names = (
      r
        .events('catalog')
        .filter((c) => c.handle === snap.handle)
        .at(-1) as { bodies: { name: string }[] }
    ).bodies.map((b) => b.name);
    assert.deepEqual(names, ['Tracker0/0', 'Tracker0/1']);
    const mine = () => r.poses().filter((p) => p.handle === snap.handle);
    await waitFor(() => mine().length > 5, 'VRPN pose batches', 10_000);
    // Z up → Y up: heights (1.05..1.35 m in the room's Z) are on Y in the scene.
    for (const b of mine().at(-1)!.bodies) assert.ok(b.y > 1 && b.y < 1.4, `y ${b.y}`);

    await waitFor(
      () =>
        r
          .events('inputs')
          .some((e) => (e as InputsEvent).devices.some((d) => d.name === 'Button0' && d.presses.some((p) => p > 0))),
      'a button press in the inputs events',
      10_000,
    );
    const inputs = r.events('inputs').at(-1) as InputsEvent;
    // State, not samples: every input device seen so far, with its latest values.
    for (const name of ['Button0', 'Analog0', 'Dial0'])
      assert.ok(
        inputs.devices.some((d) => d.name === name),
        name,
      );
    assert.equal(inputs.devices.find((d) => d.name === 'Analog0')!.analog.length, 4);

    assert.deepEqual(await r.rpc('setTransform', { deviceId: DEMO_VRPN_DEVICE_ID, transform: { up: 'y' } }), {
      ok: true,
      value: null,
    });
    await waitFor(() => r.device(DEMO_VRPN_DEVICE_ID)?.capabilities.transform?.up === 'y', 'the new transform', 5000);
    const count = mine().length;
    await waitFor(() => mine().length > count + 3, 'poses after the change', 5000);
    for (const b of mine().at(-1)!.bodies) assert.ok(b.z > 1 && b.z < 1.4, `as sent, the height is on Z: ${b.z}`);
    const refused = await r.rpc('setTransform', { deviceId: 'demo-motive', transform: { up: 'z' } });
    assert.equal(refused.ok, false);
    r.ws.close();
  } finally {
    await server.close();
  }
});

test('a VRPN device from the device file connects with its transform', async () => {
  const sim = new VrpnSimulator({ host: '127.0.0.1', port: 0, ...simulatorDevices(1, 1, 50) });
  const { port } = await sim.start();
  const file = join(dir, 'devices.json');
  writeFileSync(
    file,
    JSON.stringify({
      devices: [
        { id: 'lab-vrpn', kind: 'vrpn', host: '127.0.0.1', port, trackers: ['Tracker0'], transform: { up: 'z' } },
      ],
    }),
  );
  const server = await startHeadless({ staticRoot: dir, env: {}, configPath: file, log: () => {} });
  try {
    await waitFor(() => server.hub.get('lab-vrpn')?.health.state === 'streaming', 'the configured device', 10_000);
    const snap = server.hub.get('lab-vrpn')!;
    assert.equal(snap.label, `VRPN @ 127.0.0.1:${port}`);
    assert.deepEqual(snap.capabilities.transform, { up: 'z' });
  } finally {
    await server.close();
    await sim.stop();
  }
});
