/**
 * `sightline sim KIND --lsl`: the simulator prints what it prints without the flag, and its samples come
 * out as LSL streams in serve --lsl's layout (source_id `sightline:sim-KIND:…`), read back by our inlet
 * over loopback. `--lsl` on a kind without it (lsl itself) stays a usage error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../main/cli/index';
import { describedChannels } from '../../main/protocols/lsl/info';
import { fetchFullInfo } from '../../main/protocols/lsl/inlet';
import { captureIo } from '../helpers/cli-capture';
import { LOOPBACK, openInlet, resolveOn } from '../helpers/lsl-loopback';
import { waitFor } from './natnet-helpers';

interface Announced {
  type: 'lsl';
  name: string;
  streamType: string;
  sourceId: string;
  uid: string;
  dataPort: number;
}

function announced(lines: string[]): Announced[] {
  return lines.map((l) => JSON.parse(l) as { type: string }).filter((l): l is Announced => l.type === 'lsl');
}

test('sim vrpn --lsl publishes the tracker as MoCap and the analogs, readable by an inlet', async (t) => {
  const c = captureIo();
  const stop = new AbortController();
  const running = runCli(['sim', 'vrpn', '--port', '0', '--rate', '100', '--lsl'], c.io, stop.signal);
  t.after(async () => {
    stop.abort();
    await running;
  });
  await waitFor(() => announced(c.lines).some((s) => s.streamType === 'MoCap'), 10_000, 'a MoCap stream announced');
  // The simulator's own first line is what it prints without --lsl.
  const first = JSON.parse(c.lines[0]!) as Record<string, unknown>;
  assert.equal(first.type, 'listening');
  assert.equal(first.device, 'vrpn');
  const mocap = announced(c.lines).find((s) => s.streamType === 'MoCap')!;
  assert.equal(mocap.sourceId, 'sightline:sim-vrpn:MoCap');
  assert.equal(mocap.name, 'VRPN (sim) MoCap');
  const targets = () => announced(c.lines).map((s) => ({ address: LOOPBACK, port: s.dataPort }));
  const [stream] = await resolveOn(targets, "source_id='sightline:sim-vrpn:MoCap'");
  assert.ok(stream, 'resolved by source_id');
  const full = await fetchFullInfo(LOOPBACK, stream.info.v4dataPort);
  const channels = describedChannels(full.desc);
  assert.equal(channels.length % 7, 0);
  assert.ok(channels.length >= 14, 'two sensors, seven channels each');
  assert.deepEqual(
    channels.slice(0, 7).map((ch) => ch.unit),
    ['meters', 'meters', 'meters', 'quaternion', 'quaternion', 'quaternion', 'quaternion'],
  );
  const r = openInlet(t, stream, undefined, { timeCorrection: false });
  await waitFor(() => r.samples.length >= 5, 10_000, 'pose samples through LSL');
  for (const s of r.samples) assert.equal(s.values.length, channels.length);
  // Quaternions of the simulated sensors stay unit length through the republishing.
  const v = r.samples.at(-1)!.values as number[];
  assert.ok(Math.abs(Math.hypot(v[3]!, v[4]!, v[5]!, v[6]!) - 1) < 1e-3);
  stop.abort();
  assert.equal(await running, 0, c.err());
});

test('sim natnet --lsl publishes Motive bodies with source_id sightline:sim-natnet:MoCap', async (t) => {
  const c = captureIo();
  const stop = new AbortController();
  const running = runCli(
    ['sim', 'natnet', '--port', '0', '--data-port', '0', '--bodies', '2', '--rate', '60', '--lsl'],
    c.io,
    stop.signal,
  );
  t.after(async () => {
    stop.abort();
    await running;
  });
  await waitFor(() => announced(c.lines).length > 0, 10_000, 'a stream announced');
  const [stream] = announced(c.lines);
  assert.equal(stream!.sourceId, 'sightline:sim-natnet:MoCap');
  assert.equal(stream!.streamType, 'MoCap');
  stop.abort();
  assert.equal(await running, 0, c.err());
  // The listening line came first, untouched; the lsl line after it.
  assert.equal((JSON.parse(c.lines[0]!) as { device: string }).device, 'natnet');
});

test('--lsl on sim lsl is still a usage error', async () => {
  const c = captureIo();
  assert.equal(await runCli(['sim', 'lsl', '--lsl'], c.io), 2);
  assert.match(c.err(), /lsl/);
});

for (const [kind, argv, streamType] of [
  ['pupil', ['--port', '0', '--rtsp-port', '0', '--time-echo-port', '0'], 'Gaze'],
  ['teleport', ['--discovery-port', '0', '--service-port', '0'], 'MoCap'],
] as const) {
  test(`sim ${kind} --lsl reaches its simulator and publishes ${streamType}`, async (t) => {
    const c = captureIo();
    const stop = new AbortController();
    const running = runCli(['sim', kind, ...argv, '--lsl'], c.io, stop.signal);
    t.after(async () => {
      stop.abort();
      await running;
    });
    await waitFor(() => announced(c.lines).some((s) => s.streamType === streamType), 20_000, `a ${streamType} stream`);
    assert.equal(
      announced(c.lines).find((s) => s.streamType === streamType)!.sourceId,
      `sightline:sim-${kind}:${streamType}`,
    );
    stop.abort();
    assert.equal(await running, 0, c.err());
  });
}
