// `sightline sim|probe|discover pupil` end to end over loopback (mDNS on 127.0.0.1 only).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../main/cli/index';
import { captureIo } from '../helpers/cli-capture';
import { waitFor } from './natnet-helpers';

interface Listening {
  type: string;
  port: number;
  rtspPort: number;
  timeEchoPort: number;
  family: string;
  name: string;
}

test('sim pupil --neon + probe pupil HOST:PORT --samples + discover pupil: the documented JSON lines', async () => {
  const sim = captureIo();
  const stopSim = new AbortController();
  const simDone = runCli(
    [
      'sim',
      'pupil',
      '--neon',
      '--port',
      '0',
      '--rtsp-port',
      '0',
      '--time-echo-port',
      '0',
      '--mdns',
      '127.0.0.1',
      '--name',
      'Lab Neon',
    ],
    sim.io,
    stopSim.signal,
  );
  try {
    await waitFor(() => sim.lines.length > 0, 5000, 'the listening line');
    const listening = JSON.parse(sim.lines[0]!) as Listening;
    assert.equal(listening.type, 'listening');
    assert.equal(listening.family, 'neon');
    assert.equal(listening.name, 'PI monitor:Lab Neon:d55a33b5ab845785');
    assert.ok(listening.port > 0 && listening.rtspPort > 0 && listening.timeEchoPort > 0);

    const probe = captureIo();
    const code = await runCli(['probe', 'pupil', `127.0.0.1:${listening.port}`, '--samples', '120'], probe.io);
    assert.equal(code, 0, probe.err());
    const lines = probe.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines[0]!.type, 'status');
    assert.equal(lines[0]!.family, 'Neon');
    assert.equal(lines[0]!.phoneName, 'Lab Neon');
    const rest = lines.slice(1);
    assert.equal(rest.length, 120);
    const gaze = rest.filter((l) => l.type === 'gaze');
    const video = rest.filter((l) => l.type === 'video');
    assert.ok(gaze.length > 50 && video.length > 0, `${gaze.length} gaze, ${video.length} video`);
    assert.deepEqual(Object.keys(gaze[0]!), [
      'type',
      'device',
      'phoneTimeNs',
      'hostTimeNs',
      'deviceTimeNs',
      'x',
      'y',
      'worn',
    ]);
    assert.deepEqual(Object.keys(video[0]!), [
      'type',
      'device',
      'phoneTimeNs',
      'hostTimeNs',
      'deviceTimeNs',
      'ptsUs',
      'bytes',
      'key',
    ]);
    assert.equal(video[0]!.key, true);
    assert.ok((gaze[0]!.x as number) > 0 && (gaze[0]!.x as number) < 1);

    const found = captureIo();
    assert.equal(await runCli(['discover', 'pupil', '--interface', '127.0.0.1', '--timeout', '2500'], found.io), 0);
    const phones = found.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((p) => p.type === 'phone');
    const ours = phones.find((p) => p.name === listening.name);
    assert.ok(ours, `discover saw ${found.lines.join(' ')}`);
    assert.deepEqual(
      [ours.phoneName, ours.deviceId, ours.address, ours.port],
      ['Lab Neon', 'd55a33b5ab845785', '127.0.0.1', listening.port],
    );
  } finally {
    stopSim.abort();
    assert.equal(await simDone, 0);
  }
});

test('probe pupil with no phone answering: a clear message and exit code 1; usage mistakes exit 2', async () => {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  const probe = captureIo();
  assert.equal(await runCli(['probe', 'pupil', `127.0.0.1:${port}`, '--timeout', '500'], probe.io), 1);
  assert.match(probe.err(), /probe: status: cannot reach the phone/);
  assert.equal(probe.lines.length, 0);

  for (const [argv, message] of [
    [['probe', 'pupil'], /needs the phone address/],
    [['sim', 'pupil', '--neon', '--invisible'], /not both/],
    [['sim', 'pupil', '--gaze-bytes', '10'], /must be one of/],
  ] as [string[], RegExp][]) {
    const c = captureIo();
    assert.equal(await runCli(argv, c.io), 2, argv.join(' '));
    assert.match(c.err(), message);
  }
});
