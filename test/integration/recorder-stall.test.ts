/**
 * A stalled recorder worker (nothing it is handed comes back acknowledged, as when the disk stops
 * answering): the bounded hand-off queue fills, further samples are dropped and counted as hand-off
 * overflows, shown in `sightline record`'s live line and written to session.json; once the stall
 * ends, recording goes on and the file holds exactly the samples that were not dropped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { progressLine } from '../../main/cli/recording-commands';
import { Hub } from '../../main/hub/hub';
import { Recorder } from '../../main/recording/recorder';
import type { CoreCommand } from '../../main/recording/recording-core';
import type { SessionSummary } from '../../main/recording/session-summary';
import { FakeSource, waitFor } from '../helpers/fake-source';
import { readRecording, tempDir } from '../helpers/recording';

interface Link {
  send(command: CoreCommand, transfer?: ArrayBuffer[]): void;
}

/** Holds everything the recorder hands its worker until released: a worker that stopped answering. */
function stall(recorder: Recorder): () => void {
  const link = (recorder as unknown as { link: Link }).link;
  const send = link.send.bind(link);
  const held: [CoreCommand, ArrayBuffer[] | undefined][] = [];
  link.send = (command, transfer) => held.push([command, transfer]);
  return () => {
    link.send = send;
    for (const [command, transfer] of held) send(command, transfer);
  };
}

test('a stalled worker: the queue fills, overflows are counted, shown in the live line and in session.json', async (t) => {
  const hub = new Hub();
  t.after(() => hub.close());
  const source = new FakeSource({ id: 'dev' });
  hub.add(source);
  await hub.connect('dev');
  // Room for about 70 two-body poses (the queue counts ~288 bytes each).
  const recorder = await Recorder.start(hub, {
    outDir: tempDir('stall'),
    maxPendingBytes: 20_000,
    flushIntervalMs: 50,
  });
  const release = stall(recorder);
  // Spread over several batches (the hand-off batches every 10 ms), as a device's frames arrive.
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 20; i++) source.emitPoses(2);
    await new Promise((r) => setTimeout(r, 12));
  }
  const during = recorder.counts();
  const overflows = during.losses.dev!.handoffOverflows;
  assert.ok(overflows > 100 && overflows < 200, `${overflows} of 200 overflowed`);
  assert.equal(during.perDevice.dev, 200 - overflows, 'handed over + overflowed = emitted');
  assert.ok(during.pendingBytes <= 20_000, `queue bounded (${during.pendingBytes} bytes)`);
  assert.equal(during.lost, overflows);
  const line = progressLine(during, 3);
  assert.match(
    line,
    new RegExp(
      `lost ${overflows} \\| dev ${200 - overflows} \\(gaps 0, kernel \\S+, overflow ${overflows}, recorder 0\\)`,
    ),
  );
  assert.match(line, /^recording 3 s: /);

  // The stall ends: the queue drains and new samples are recorded again.
  release();
  await waitFor(() => recorder.counts().pendingBytes === 0, 'the queue to drain', 10_000);
  for (let i = 0; i < 10; i++) source.emitPoses(2);
  const summary = await recorder.stop();
  assert.equal(summary.state, 'finished');
  assert.equal(summary.losses!.handoffOverflows, overflows);
  assert.equal(summary.lost, overflows);
  const onDisk = JSON.parse(readFileSync(join(recorder.folder, 'session.json'), 'utf8')) as SessionSummary;
  const dev = onDisk.devices.find((d) => d.id === 'dev')!;
  assert.equal(dev.losses!.handoffOverflows, overflows);
  assert.equal(dev.samples, 210 - overflows);
  assert.equal(onDisk.lost, overflows);
  const { scan, messages } = await readRecording(recorder.mcapPath);
  assert.equal(scan.complete, true);
  const frames = messages.filter((m) => m.topic === '/dev/poses').map((m) => Number(m.json.frame_number));
  assert.equal(frames.length, 210 - overflows, 'the file holds every sample not dropped');
  assert.deepEqual(frames.slice(-10), [201, 202, 203, 204, 205, 206, 207, 208, 209, 210], 'recording resumed');
});
