/**
 * Demo mode end to end on loopback: the real Motive simulator and the real NatNet client, behind the
 * headless server, seen by a WebSocket renderer. Also: config-driven start-up against a simulator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHeadless } from '../../main/headless';
import { DEMO_DEVICE_ID } from '../../main/protocols/natnet/demo';
import { DEMO_PUPIL_ID } from '../../main/protocols/pupil/demo';
import { DEMO_TELEPORT_ID } from '../../main/protocols/teleport/demo';
import { DEMO_VRPN_DEVICE_ID } from '../../main/protocols/vrpn/demo';
import { MotiveSimulator } from '../../main/protocols/natnet/simulator';
import { waitFor } from '../helpers/fake-source';
import { wsRenderer } from '../helpers/ws-renderer';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-demo-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const renderer = wsRenderer;

test('demo mode: a streaming simulated Motive, moving bodies, names, and recording through RPC', async () => {
  const server = await startHeadless({ demo: true, staticRoot: dir, env: {}, log: () => {} });
  try {
    assert.equal(server.devices?.mode, 'demo');
    const motive = server.devices!.demo!.motive!;
    const r = renderer(`ws://127.0.0.1:${server.port}/link`);
    await waitFor(
      () => r.devices().some((d) => d.id === DEMO_DEVICE_ID && d.health.state === 'streaming'),
      'a streaming demo device',
      10_000,
    );
    const device = r.devices().find((d) => d.id === DEMO_DEVICE_ID)!;
    assert.equal(device.kind, 'natnet');
    assert.equal(device.simulated, true);
    assert.equal(device.capabilities.recording, true);

    await waitFor(() => r.batches.length >= 20, '20 batches', 10_000);
    // Demo mode runs other simulated devices too (VRPN): this test is about the Motive one.
    const motivePoses = r.batches.flatMap((b) => b.poses.filter((p) => p.handle === device.handle));
    const first = motivePoses[1]!;
    const last = motivePoses.at(-1)!;
    assert.equal(first.handle, device.handle);
    // Skeleton segments follow the rigid bodies, with ids of skeletonId << 16 | boneId.
    const rigid = first.bodies.filter((b) => b.id < 0x10000);
    assert.ok(rigid.length >= 3 && rigid.length <= 5, `${rigid.length} rigid bodies`);
    assert.ok(first.bodies.length > rigid.length, 'the skeleton’s segments too');
    assert.ok(last.frameNumber! > first.frameNumber!);
    const moved = last.bodies.some((b, i) => {
      const a = first.bodies[i]!;
      return Math.hypot(b.x - a.x, b.y - a.y, b.z - a.z) > 1e-6 || Math.abs(b.qw - a.qw) > 1e-9;
    });
    assert.ok(moved, 'bodies move between batches');
    await waitFor(
      () => r.messages.some((m) => m.t === 'event' && m.event.type === 'catalog' && m.event.bodies.length >= 3),
      'the body names',
      10_000,
    );

    assert.equal(motive.recording, false);
    assert.deepEqual(await r.rpc('startRecording', { deviceId: DEMO_DEVICE_ID, takeName: 'demo_take' }), {
      ok: true,
      value: null,
    });
    assert.equal(motive.recording, true);
    await waitFor(
      () => r.devices().find((d) => d.id === DEMO_DEVICE_ID)?.recording === true,
      'recording shown',
      10_000,
    );
    assert.deepEqual(await r.rpc('stopRecording', { deviceId: DEMO_DEVICE_ID }), { ok: true, value: null });
    assert.equal(motive.recording, false);
    r.ws.close();
  } finally {
    await server.close();
  }
});

test('no device configured → demo mode; --config with a device → that device, unsupported kinds reported', async () => {
  const empty = await startHeadless({
    staticRoot: dir,
    env: {},
    defaultConfigPath: join(dir, 'none.json'),
    log: () => {},
  });
  try {
    assert.equal(empty.devices?.mode, 'demo');
    assert.deepEqual(
      empty.hub.snapshots().map((d) => d.id),
      [DEMO_DEVICE_ID, DEMO_TELEPORT_ID, DEMO_VRPN_DEVICE_ID, DEMO_PUPIL_ID],
    );
  } finally {
    await empty.close();
  }

  const motive = new MotiveSimulator({ host: '127.0.0.1', commandPort: 0, dataPort: 0, bodies: 2 });
  const { commandPort } = await motive.start();
  const file = join(dir, 'devices.json');
  writeFileSync(
    file,
    JSON.stringify({
      devices: [
        { id: 'lab-motive', kind: 'natnet', label: 'Lab Motive', host: '127.0.0.1', commandPort },
        { id: 'eyes', kind: 'pupil', host: '127.0.0.1' },
      ],
    }),
  );
  const configured = await startHeadless({ staticRoot: dir, env: {}, configPath: file, log: () => {} });
  try {
    assert.equal(configured.devices?.mode, 'config');
    assert.deepEqual(
      configured.hub.snapshots().map((d) => [d.id, d.simulated]),
      [
        ['lab-motive', false],
        ['eyes', false],
      ],
    );
    await waitFor(
      () => configured.hub.get('lab-motive')?.health.state === 'streaming',
      'the configured device to stream',
      10_000,
    );
  } finally {
    await configured.close();
    await motive.stop();
  }

  const missing = await startHeadless({ staticRoot: dir, env: {}, configPath: join(dir, 'typo.json'), log: () => {} });
  try {
    assert.equal(missing.hub.snapshots().length, 0, 'a mistyped --config shows the error, not simulated data');
    assert.ok(missing.hub.notices().some((n) => n.level === 'error' && /typo\.json/.test(n.message)));
  } finally {
    await missing.close();
  }
});
