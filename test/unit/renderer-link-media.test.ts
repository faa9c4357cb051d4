import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hub } from '../../main/hub/hub';
import { RendererLink } from '../../main/link/renderer-link';
import type { GazeSample, VideoSample } from '../../main/hub/source';
import { FakeSource } from '../helpers/fake-source';
import { FakeTransport, settle } from '../helpers/fake-transport';

async function setup(options: { maxVideoBacklogBytes?: number; minIntervalMs?: number } = {}) {
  const hub = new Hub({ healthTickMs: 60_000 });
  const phone = new FakeSource({ id: 'phone' });
  hub.add(phone);
  await hub.connect('phone');
  const transport = new FakeTransport();
  const link = new RendererLink(hub, transport, { minIntervalMs: 0, ...options });
  return {
    hub,
    phone,
    transport,
    link,
    gaze(i: number, extra: Partial<GazeSample> = {}): void {
      const sample: GazeSample = {
        kind: 'gaze',
        hostTimeNs: 1_763_700_000_000e6 + i * 5e6,
        deviceTimeNs: 1_763_700_000_000e6 + i * 5e6 - 2e6,
        x: i / 100,
        y: 1 - i / 100,
        worn: i % 2 === 0,
        ...extra,
      };
      phone.emit('sample', sample);
    },
    video(frame: number, key: boolean, bytes = 100): void {
      const sample: VideoSample = {
        kind: 'video',
        hostTimeNs: 1_763_700_000_000e6 + frame * 33.3e6,
        key,
        ptsUs: frame * 33_333,
        data: new Uint8Array(bytes).fill(frame & 0xff),
        width: 1088,
        height: 1080,
      };
      phone.emit('sample', sample);
    },
    async done() {
      link.close();
      await hub.close();
    },
  };
}

test('gaze: every sample since the last batch goes, in order, with both times and the worn flag', async () => {
  const t = await setup();
  try {
    t.gaze(0);
    await settle();
    assert.equal(t.transport.batches.length, 1);
    // Unacknowledged: the next samples wait, all of them, not just the newest.
    for (let i = 1; i <= 7; i++) t.gaze(i, i === 3 ? { deviceTimeNs: undefined } : {});
    await settle();
    assert.equal(t.transport.batches.length, 1);
    t.transport.ackLatest();
    await settle();
    assert.equal(t.transport.batches.length, 2);
    const section = t.transport.batches[1]!.gaze[0]!;
    assert.equal(section.handle, 1);
    assert.equal(section.count, 7);
    const s = section.samples;
    for (let i = 0; i < 7; i++) {
      const n = i + 1;
      assert.ok(Math.abs(s[i * 5]! - (1_763_700_000_000 + n * 5)) < 1e-3);
      if (n === 3) assert.ok(Number.isNaN(s[i * 5 + 1]), 'unknown device time is NaN');
      else assert.ok(Math.abs(s[i * 5 + 1]! - (1_763_700_000_000 + n * 5 - 2)) < 1e-3);
      assert.equal(s[i * 5 + 2], n / 100);
      assert.equal(s[i * 5 + 4], n % 2 === 0 ? 1 : 0);
    }
    assert.equal(t.link.stats().gazeDropped, 0);
  } finally {
    await t.done();
  }
});

test('gaze: a renderer that never acknowledges gets a bounded section; the oldest are dropped, counted', async () => {
  const t = await setup();
  try {
    t.gaze(0);
    await settle();
    for (let i = 1; i <= 1200; i++) t.gaze(i);
    t.transport.ackLatest();
    await settle();
    const section = t.transport.batches[1]!.gaze[0]!;
    assert.equal(section.count, 1000);
    assert.equal(section.samples[2], 201 / 100, 'the newest 1000 are kept');
    assert.equal(t.link.stats().gazeDropped, 200);
  } finally {
    await t.done();
  }
});

test('video: each access unit goes at once as its own message, starting at a key frame, outside the batch credit', async () => {
  const t = await setup();
  try {
    t.video(0, false);
    t.video(1, false);
    assert.equal(t.transport.videos.length, 0, 'nothing before the first key frame');
    t.video(2, true, 5000);
    t.video(3, false);
    t.video(4, false);
    assert.deepEqual(
      t.transport.videos.map((v) => [v.ptsUs, v.key, v.data.byteLength, v.width, v.height, v.deviceTimeMs]),
      [
        [66_666, true, 5000, 1088, 1080, null],
        [99_999, false, 100, 1088, 1080, null],
        [133_332, false, 100, 1088, 1080, null],
      ],
    );
    assert.equal(t.transport.videos[1]!.data[0], 3);
    assert.equal(t.transport.batches.length, 0, 'video never waits for, nor makes, a batch');
    assert.deepEqual(t.link.stats().video, { sent: 3, droppedBacklog: 0, skippedToKey: 2 });
  } finally {
    await t.done();
  }
});

test('video: a renderer that falls behind loses frames up to the next key frame, never a broken group', async () => {
  const t = await setup({ maxVideoBacklogBytes: 1000 });
  try {
    t.video(0, true);
    t.video(1, false);
    t.transport.backlog = 5000;
    t.video(2, false);
    t.video(3, false);
    t.transport.backlog = 0;
    // Caught up, but frames 4 and 5 reference the dropped ones: skipped until the key frame.
    t.video(4, false);
    t.video(5, false);
    t.video(6, true);
    t.video(7, false);
    assert.deepEqual(
      t.transport.videos.map((v) => v.ptsUs / 33_333),
      [0, 1, 6, 7],
    );
    assert.deepEqual(t.link.stats().video, { sent: 4, droppedBacklog: 2, skippedToKey: 2 });
  } finally {
    await t.done();
  }
});

test('video: a page that reloads starts again at a key frame', async () => {
  const t = await setup();
  try {
    t.video(0, true);
    t.video(1, false);
    t.link.replay();
    t.video(2, false);
    t.video(3, true);
    assert.deepEqual(
      t.transport.videos.map((v) => v.ptsUs / 33_333),
      [0, 1, 3],
    );
  } finally {
    await t.done();
  }
});

test('video: gaze held back by the batch interval goes out just before the frame, when the link has credit', async () => {
  const t = await setup({ minIntervalMs: 1000 });
  try {
    t.video(0, true);
    t.gaze(0);
    await settle();
    assert.equal(t.transport.batches.length, 1, 'the first gaze goes at once');
    t.transport.ackLatest();
    t.gaze(1);
    t.gaze(2);
    await settle();
    assert.equal(t.transport.batches.length, 1, 'held by the interval');
    t.video(1, false);
    assert.equal(t.transport.batches.length, 2, 'sent ahead of the frame');
    assert.equal(t.transport.batches[1]!.gaze[0]!.count, 2);
    // No credit (the last batch is unacknowledged): the frame does not wait, and no batch jumps the queue.
    t.gaze(3);
    t.video(2, false);
    assert.equal(t.transport.batches.length, 2);
    assert.equal(t.transport.videos.length, 3);
  } finally {
    await t.done();
  }
});
