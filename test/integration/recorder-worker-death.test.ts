/**
 * The recorder's worker thread dying mid-recording, two ways: killed (worker.terminate(), as an
 * out-of-memory kill or a crash of the thread would end it) and a throw inside it (an uncaught error
 * in the worker). Each time: the session fails with a clear reason, this process carries on, the file
 * written so far reads back (no footer) with every sample from before the death, session.json says
 * what happened and counts the samples that died with the worker, and a new recording starts and
 * finishes normally afterwards.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Hub } from '../../main/hub/hub';
import { Recorder } from '../../main/recording/recorder';
import type { CoreCommand } from '../../main/recording/recording-core';
import type { SessionSummary } from '../../main/recording/session-summary';
import { FakeSource, waitFor } from '../helpers/fake-source';
import { readRecording, tempDir } from '../helpers/recording';

/** The recorder's link to its worker: the test's way in to kill the thread or plant a bad command. */
interface WorkerLink {
  send(command: CoreCommand | { t: 'batch'; items: null; bytes: number }): void;
  terminate(): Promise<void>;
}
const linkOf = (recorder: Recorder): WorkerLink => (recorder as unknown as { link: WorkerLink }).link;

async function hubWithDevice(t: TestContext): Promise<{ hub: Hub; source: FakeSource }> {
  const hub = new Hub();
  t.after(() => hub.close());
  const source = new FakeSource({ id: 'dev' });
  hub.add(source);
  await hub.connect('dev');
  return { hub, source };
}

/** Emits `count` poses and waits until they are in chunks the OS has accepted. */
async function recordedOnDisk(recorder: Recorder, source: FakeSource, count: number): Promise<void> {
  for (let i = 0; i < count; i++) source.emitPoses(2);
  await waitFor(
    () => {
      const c = recorder.counts();
      return (recorder.channelCounts()['/dev/poses'] ?? 0) >= count && c.written > 0 && c.written === c.bytes;
    },
    `${count} poses written`,
    10_000,
  );
}

function frameNumbers(messages: { topic: string; json: Record<string, unknown> }[]): number[] {
  return messages.filter((m) => m.topic === '/dev/poses').map((m) => Number(m.json.frame_number));
}

async function expectRecoverable(hub: Hub, source: FakeSource): Promise<void> {
  // The Hub (this process) still runs: a new recording starts, records and finishes.
  const next = await Recorder.start(hub, { outDir: tempDir('worker-after'), flushIntervalMs: 50 });
  assert.equal(next.state, 'recording');
  const first = source.emitPoses(2).frameNumber!;
  for (let i = 0; i < 9; i++) source.emitPoses(2);
  const summary = await next.stop();
  assert.equal(summary.state, 'finished');
  assert.equal(summary.error, null);
  assert.equal(summary.lost, 0);
  const { scan, messages } = await readRecording(next.mcapPath);
  assert.equal(scan.complete, true);
  const frames = frameNumbers(messages);
  assert.deepEqual(
    frames,
    Array.from({ length: 10 }, (_, i) => first + i),
  );
}

test('the worker killed mid-recording: the session fails with the reason, the file keeps what was written, a new one starts', async (t) => {
  const { hub, source } = await hubWithDevice(t);
  const recorder = await Recorder.start(hub, { outDir: tempDir('worker-killed'), flushIntervalMs: 50 });
  const notices: string[] = [];
  hub.on('notice', (n) => notices.push(n.message));
  await recordedOnDisk(recorder, source, 40);
  // Handed over but not yet processed when the thread dies: these die with it and must be counted.
  for (let i = 0; i < 5; i++) source.emitPoses(2);
  const failed = once(recorder, 'failed') as Promise<[Error]>;
  await linkOf(recorder).terminate();
  const [error] = await failed;
  assert.match(
    error.message,
    /^recording stopped: the recorder's worker stopped unexpectedly \(exit 1\); what was written before is kept in .*recording\.mcap$/,
  );
  assert.equal(recorder.failure(), error);
  assert.ok(notices.includes(error.message), 'the operator is told');

  const summary = await recorder.stop();
  assert.equal(summary.state, 'failed');
  assert.equal(summary.error, error.message);
  // Samples after the death are not taken: the session is over.
  source.emitPoses(2);
  const onDisk = JSON.parse(readFileSync(join(recorder.folder, 'session.json'), 'utf8')) as SessionSummary;
  assert.equal(onDisk.state, 'failed');
  assert.equal(onDisk.error, error.message);
  assert.ok(onDisk.endedAt);
  const dev = onDisk.devices.find((d) => d.id === 'dev')!;
  assert.equal(dev.samples, 45, 'every sample handed over');

  const { scan, messages } = await readRecording(recorder.mcapPath);
  assert.equal(scan.complete, false, 'no footer: the writer died');
  const frames = frameNumbers(messages);
  assert.deepEqual(
    frames.slice(0, 40),
    Array.from({ length: 40 }, (_, i) => i + 1),
    'every sample before the death',
  );
  // What the worker did not write is lost, and said so.
  assert.equal(dev.losses!.recorderLosses, 45 - frames.length);
  assert.equal(onDisk.lost, 45 - frames.length);
  assert.ok(onDisk.lost > 0 || frames.length === 45);

  await expectRecoverable(hub, source);
});

test('a throw inside the worker: the session fails with the error, the file keeps what was written, a new one starts', async (t) => {
  const { hub, source } = await hubWithDevice(t);
  const recorder = await Recorder.start(hub, { outDir: tempDir('worker-throw'), flushIntervalMs: 50 });
  await recordedOnDisk(recorder, source, 30);
  const failed = once(recorder, 'failed') as Promise<[Error]>;
  // A catalog without its bodies: a TypeError thrown in the worker, which nothing there catches.
  linkOf(recorder).send({ t: 'catalog', handle: 1, bodies: null as unknown as [] });
  const [error] = await failed;
  assert.match(
    error.message,
    /^recording stopped: the recorder's worker failed: Cannot read properties of null \(reading 'map'\); what was written before is kept in /,
  );

  const summary = await recorder.stop();
  assert.equal(summary.state, 'failed');
  const onDisk = JSON.parse(readFileSync(join(recorder.folder, 'session.json'), 'utf8')) as SessionSummary;
  assert.equal(onDisk.state, 'failed');
  assert.equal(onDisk.error, error.message);
  const { scan, messages } = await readRecording(recorder.mcapPath);
  assert.equal(scan.complete, false);
  assert.deepEqual(
    frameNumbers(messages),
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  assert.equal(onDisk.lost, 0, 'nothing was handed over after the last write');

  await expectRecoverable(hub, source);
});
