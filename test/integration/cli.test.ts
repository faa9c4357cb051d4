import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../main/cli/index';
import { captureIo } from '../helpers/cli-capture';
import type { FrameLine } from '../../main/cli/frame-line';

async function waitFor<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('sim natnet + probe natnet --frames: JSON lines with bodies, names, host and device time', async () => {
  const sim = captureIo();
  const stopSim = new AbortController();
  const simDone = runCli(
    ['sim', 'natnet', '--port', '0', '--data-port', '0', '--bodies', '2', '--rate', '200'],
    sim.io,
    stopSim.signal,
  );
  try {
    const listening = JSON.parse(await waitFor(() => sim.lines[0], 5000, 'the listening line')) as {
      type: string;
      commandPort: number;
      dataPort: number;
    };
    assert.equal(listening.type, 'listening');
    assert.ok(listening.commandPort > 0 && listening.dataPort > 0);

    const probe = captureIo();
    const code = await runCli(
      ['probe', 'natnet', '127.0.0.1', '--port', String(listening.commandPort), '--frames', '40'],
      probe.io,
    );
    assert.equal(code, 0, probe.err());
    assert.equal(probe.lines.length, 40);
    const frames = probe.lines.map((l) => JSON.parse(l) as FrameLine);
    for (const f of frames) {
      assert.equal(f.type, 'frame');
      assert.equal(f.device, 'natnet');
      assert.equal(f.bodies.length, 2);
      assert.ok(f.hostTimeNs > 1.6e18, 'host time is Unix ns');
      for (const b of f.bodies) {
        assert.equal(b.position.length, 3);
        assert.equal(b.quaternion.length, 4);
        assert.ok(Math.abs(Math.hypot(...b.quaternion) - 1) < 1e-3, 'unit quaternion');
      }
    }
    assert.deepEqual(
      Object.keys(frames[0]!),
      ['type', 'device', 'frame', 'hostTimeNs', 'deviceTimeNs', 'recording', 'bodies'],
      'field order is part of the documented output',
    );
    for (let i = 1; i < frames.length; i++)
      assert.ok(frames[i]!.frame! > frames[i - 1]!.frame!, 'frame numbers increase');
    // Names come from the model definitions, so they are not the "Body <id>" fallback once defined.
    const last = frames.at(-1)!;
    assert.ok(
      last.bodies.every((b) => !b.name.startsWith('Body ')),
      JSON.stringify(last.bodies.map((b) => b.name)),
    );
    // By the 40th frame (200 ms at 200 Hz) echo-based clock sync has produced device times close to host times.
    assert.ok(last.deviceTimeNs !== null, 'device time known once the clock is synced');
    assert.ok(Math.abs(last.deviceTimeNs! - last.hostTimeNs) < 50e6, 'device time within 50 ms of arrival');
  } finally {
    stopSim.abort();
    assert.equal(await simDone, 0);
  }
});

test('probe with no Motive answering fails with a clear message and exit code 1', async () => {
  const probe = captureIo();
  // A port nothing listens on: the OS picks it for a socket we close at once.
  const dgram = await import('node:dgram');
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  s.close();
  const code = await runCli(['probe', 'natnet', '127.0.0.1', '--port', String(port), '--timeout', '400'], probe.io);
  assert.equal(code, 1);
  assert.match(probe.err(), /probe: .*(Motive|answer|ServerInfo)/i);
  assert.equal(probe.lines.length, 0);
});

test('usage mistakes exit with code 2 and say what is wrong', async () => {
  const cases: [string[], RegExp][] = [
    [[], /usage/],
    [['frobnicate', 'natnet'], /unknown command/],
    [['probe'], /needs a device/],
    [['probe', 'natnet'], /needs the Motive host/],
    [['decode', 'teleport', 'x'], /decode teleport: not available/],
    [['sim', 'natnet', '--rate', '5000'], /--rate must be/],
    [['sim', 'natnet', '--bogus'], /bogus/],
  ];
  for (const [argv, message] of cases) {
    const c = captureIo();
    assert.equal(await runCli(argv, c.io), 2, argv.join(' '));
    assert.match(c.err(), message, argv.join(' '));
  }
});

test('info prints one JSON object naming what is supported', async () => {
  const c = captureIo();
  assert.equal(await runCli(['info'], c.io), 0);
  assert.equal(c.lines.length, 1);
  const info = JSON.parse(c.lines[0]!) as { type: string; devices: Record<string, { status: string }> };
  assert.equal(info.type, 'info');
  assert.equal(info.devices.natnet!.status, 'supported');
  assert.equal(info.devices.pupil!.status, 'supported');
});

test('the installed `sightline` command (bin/sightline.cjs → the bundled CLI) runs and exits with its code', (t) => {
  const root = join(__dirname, '..', '..');
  if (!existsSync(join(root, 'dist/main/cli.cjs'))) {
    t.skip('dist/ not built: run `npm run build` first (npm test does)');
    return;
  }
  const bin = join(root, 'bin/sightline.cjs');
  const info = spawnSync(process.execPath, [bin, 'info'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(info.status, 0, info.stderr);
  const lines = info.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.equal((JSON.parse(lines[0]!) as { type: string }).type, 'info');
  const usage = spawnSync(process.execPath, [bin, 'probe', 'natnet'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /needs the Motive host/);
  assert.equal(usage.stdout, '');
});
