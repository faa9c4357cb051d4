/** `sightline record`, `info FILE` and `play FILE` in-process: the documented JSON lines and exit codes. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../main/cli/index';
import { captureIo } from '../helpers/cli-capture';
import { tempDir } from '../helpers/recording';

test('record --demo --device --duration, then info and play on what it wrote', async () => {
  const out = tempDir('cli-record');
  const rec = captureIo();
  const code = await runCli(
    [
      'record',
      '--out',
      out,
      '--demo',
      '--device',
      'demo-motive',
      '--device',
      'nope',
      '--duration',
      '1.5',
      '--name',
      'cli take',
    ],
    rec.io,
  );
  assert.equal(code, 0, rec.err());
  const [started, finished] = rec.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual([started?.type, started?.state, started?.name], ['recording', 'started', 'cli take']);
  assert.equal(finished?.state, 'finished');
  assert.ok((finished?.messages as number) > 100);
  assert.equal(finished?.lost, 0);
  const remote = finished?.remote as { deviceId: string; outcome: string }[];
  assert.deepEqual(
    remote.map((r) => `${r.deviceId} ${r.outcome}`),
    ['demo-motive stopped'],
    'the simulated Motive recorded too, and was stopped',
  );
  assert.match(rec.err(), /no device "nope"/);
  assert.match(rec.err(), /recording 1 s: \d+ messages/);
  assert.match(rec.err(), /remote start demo-motive: started/);

  const mcap = join(finished!.folder as string, 'recording.mcap');
  const info = captureIo();
  assert.equal(await runCli(['info', mcap], info.io), 0, info.err());
  const report = JSON.parse(info.lines[0]!) as {
    type: string;
    complete: boolean;
    messages: number;
    durationS: number;
    channels: { topic: string; messages: number }[];
    clocks: { device: string; lastUncertaintyNs: number }[];
    metadata: Record<string, Record<string, string>>;
  };
  assert.equal(report.type, 'recording-info');
  assert.equal(report.complete, true);
  assert.equal(report.messages, finished?.messages);
  assert.ok(report.durationS > 1 && report.durationS < 3, `duration ${report.durationS}`);
  const poses = report.channels.find((c) => c.topic === '/demo-motive/poses');
  assert.ok(poses && poses.messages > 120);
  assert.equal(report.clocks[0]?.device, 'demo-motive');
  assert.ok(report.clocks[0]!.lastUncertaintyNs > 0);
  assert.equal(report.metadata.session?.name, 'cli take');

  const play = captureIo();
  assert.equal(await runCli(['play', mcap, '--speed', '8', '--from', '0.5'], play.io), 0, play.err());
  const lines = play.lines.map((l) => JSON.parse(l) as { type: string; device?: string; bodies?: { name: string }[] });
  const frames = lines.filter((l) => l.type === 'frame');
  assert.ok(frames.length > 60 && frames.length < poses.messages, `${frames.length} frames from 0.5 s on`);
  assert.equal(frames[0]?.device, 'demo-motive');
  assert.ok(
    frames[0]?.bodies?.some((b) => b.name === 'Wand'),
    'body names from the recorded catalog',
  );
  assert.equal(lines.at(-1)?.type, 'playback');
});

test('info and play on a file that is not a recording: a clear message and exit 1; wrong calls exit 2', async () => {
  const bad = join(tempDir('cli-bad'), 'bad.mcap');
  writeFileSync(bad, 'garbage that is not MCAP at all');
  const info = captureIo();
  assert.equal(await runCli(['info', bad], info.io), 1);
  assert.match(info.err(), /not an MCAP recording/);
  const play = captureIo();
  assert.equal(await runCli(['play', bad], play.io), 1);
  assert.match(play.err(), /not an MCAP recording/);
  const usage = captureIo();
  assert.equal(await runCli(['record', '--demo'], usage.io), 2);
  assert.match(usage.err(), /record needs --out DIR/);
  assert.equal(await runCli(['play'], captureIo().io), 2);
});
