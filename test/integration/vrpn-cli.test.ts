/** `sightline sim vrpn` and `sightline probe vrpn`, in-process, against each other on loopback. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../main/cli/index';
import { captureIo } from '../helpers/cli-capture';
import { waitFor } from './natnet-helpers';

async function startSim(): Promise<{ port: number; stop: () => Promise<void> }> {
  const c = captureIo();
  const abort = new AbortController();
  const running = runCli(
    ['sim', 'vrpn', '--port', '0', '--trackers', '2', '--sensors', '1', '--rate', '100'],
    c.io,
    abort.signal,
  );
  await waitFor(() => c.lines.length > 0, 5000, 'the listening line');
  const listening = JSON.parse(c.lines[0]!) as { type: string; device: string; port: number; devices: string[] };
  assert.equal(listening.type, 'listening');
  assert.equal(listening.device, 'vrpn');
  assert.deepEqual(listening.devices, ['Tracker0', 'Tracker1', 'Button0', 'Analog0', 'Dial0']);
  return {
    port: listening.port,
    stop: async () => {
      abort.abort();
      assert.equal(await running, 0);
    },
  };
}

for (const prefix of ['tcp://', '']) {
  test(`probe vrpn ${prefix ? 'over TCP' : 'in UDP + TCP mode'}: one JSON line per message, several devices on one connection`, async () => {
    const sim = await startSim();
    try {
      const c = captureIo();
      const at = `${prefix}127.0.0.1:${sim.port}`;
      const code = await runCli(
        ['probe', 'vrpn', `Tracker1@${at}`, `Button0@${at}`, `Analog0@${at}`, '--messages', '60'],
        c.io,
      );
      assert.equal(code, 0, c.err());
      assert.equal(c.lines.length, 60);
      const lines = c.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const pose = lines.find((l) => l.message === 'vrpn_Tracker Pos_Quat')!;
      assert.equal(pose.type, 'vrpn');
      assert.equal(pose.device, 'Tracker1');
      assert.equal(pose.sensor, 0);
      assert.equal((pose.position as number[]).length, 3);
      assert.equal((pose.quaternion as number[]).length, 4);
      assert.equal(typeof pose.hostTimeNs, 'number');
      assert.equal(typeof pose.serverTimeNs, 'number');
      assert.ok('deviceTimeNs' in pose);
      assert.ok(lines.some((l) => l.message === 'vrpn_Button States' && Array.isArray(l.states)));
      assert.ok(lines.some((l) => l.message === 'vrpn_Analog Channel' && (l.channels as number[]).length === 4));
      assert.ok(!lines.some((l) => l.device === 'Tracker0'), 'only the devices asked for');
      assert.match(c.err(), /connected: /);
    } finally {
      await sim.stop();
    }
  });
}

test('probe vrpn: nobody there → exit 1 with the reason; bad names → exit 2', async () => {
  const c = captureIo();
  assert.equal(await runCli(['probe', 'vrpn', 'Tracker0@tcp://127.0.0.1:1', '--timeout', '500'], c.io), 1);
  assert.match(c.err(), /probe: .*(cannot connect|no VRPN)/);
  for (const argv of [
    ['probe', 'vrpn'],
    ['probe', 'vrpn', 'Tracker0'],
    ['probe', 'vrpn', 'T@file://x'],
  ]) {
    const u = captureIo();
    assert.equal(await runCli(argv, u.io), 2, argv.join(' '));
  }
});
