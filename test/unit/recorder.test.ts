import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Hub } from '../../main/hub/hub';
import type { Sample } from '../../main/hub/source';
import { decodeJsonMessage, IndexedRecording, scanRecording } from '../../main/recording/mcap-reader';
import { Recorder } from '../../main/recording/recorder';
import { schemaProblems } from '../helpers/json-schema-check';
import type { AppendTarget } from '../../main/recording/byte-sink';
import { FakeSource, waitFor } from '../helpers/fake-source';
import { readRecording, tempDir } from '../helpers/recording';

const T0 = 1.7e18;

async function connectedHub(id = 'dev'): Promise<{ hub: Hub; source: FakeSource }> {
  const hub = new Hub();
  const source = new FakeSource({ id });
  hub.add(source);
  await hub.connect(id);
  return { hub, source };
}

function emitEveryKind(source: FakeSource): Sample[] {
  const samples: Sample[] = [
    {
      kind: 'poses',
      hostTimeNs: T0 + 1e6,
      deviceTimeNs: T0 + 0.5e6,
      deviceClockNs: 12_345_000,
      frameNumber: 7,
      bodies: [
        { id: 1, x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1, valid: true },
        { id: 2, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: false },
      ],
      markers: new Float32Array([0.5, 0.25, 1]),
    },
    { kind: 'gaze', hostTimeNs: T0 + 2e6, deviceTimeNs: T0 + 1.5e6, x: 0.25, y: 0.5, worn: true },
    {
      kind: 'video',
      hostTimeNs: T0 + 3e6,
      deviceTimeNs: T0 + 2.5e6,
      key: true,
      ptsUs: 90_000,
      data: new Uint8Array([0, 0, 0, 1, 0x67, 1, 2, 3]),
      width: 1088,
      height: 1080,
    },
    { kind: 'gaze', hostTimeNs: T0 + 4e6, x: 0.5, y: 0.5, worn: true },
    { kind: 'event', hostTimeNs: T0 + 5e6, name: 'button0', value: true },
    { kind: 'analog', hostTimeNs: T0 + 6e6, channels: [0.1, -0.2] },
  ];
  for (const s of samples) source.emit('sample', s);
  return samples;
}

test('every Sample kind is recorded with host log time, device publish time and raw device time', async () => {
  const { hub, source } = await connectedHub();
  const dir = tempDir('kinds');
  const recorder = await Recorder.start(hub, { outDir: dir, sessionName: 'take one', operator: 'ana' });
  emitEveryKind(source);
  recorder.operatorEvent('stimulus on', 'text field', {}, T0 + 7e6);
  const summary = await recorder.stop();
  await hub.close();

  assert.equal(summary.state, 'finished');
  assert.equal(summary.operator, 'ana');
  assert.equal(summary.devices.find((d) => d.id === 'dev')?.samples, 6);
  const onDisk = JSON.parse(readFileSync(join(recorder.folder, 'session.json'), 'utf8')) as { state: string };
  assert.equal(onDisk.state, 'finished');
  assert.match(recorder.folder, /take_one$/);

  const { scan, messages } = await readRecording(recorder.mcapPath);
  assert.equal(scan.complete, true, scan.problem);
  const byTopic = (t: string) => messages.filter((m) => m.topic === t);

  const poses = byTopic('/dev/poses');
  assert.equal(poses.length, 1);
  assert.equal(poses[0]!.schema, 'sightline.Poses');
  assert.equal(poses[0]!.logNs, BigInt(T0 + 1e6));
  assert.equal(poses[0]!.publishNs, BigInt(T0 + 0.5e6));
  assert.equal(poses[0]!.json.device_clock_ns, 12_345_000);
  assert.deepEqual(poses[0]!.json.valid, [true, false]);
  assert.deepEqual(poses[0]!.json.positions, [1, 2, 3, 0, 0, 0]);
  assert.deepEqual(poses[0]!.json.markers, [0.5, 0.25, 1]);
  assert.equal(poses[0]!.json.frame_number, 7);

  const tf = byTopic('/dev/tf');
  assert.equal(tf[0]!.schema, 'foxglove.FrameTransforms');
  const transforms = tf[0]!.json.transforms as { child_frame_id: string }[];
  assert.deepEqual(
    transforms.map((t) => t.child_frame_id),
    ['dev/body_1'],
    'only the tracked body gets a transform',
  );

  const video = byTopic('/dev/video');
  assert.equal(video[0]!.schema, 'foxglove.CompressedVideo');
  assert.equal(video[0]!.json.format, 'h264');
  // Raw H.264 bytes (protobuf bytes field), never base64.
  assert.deepEqual([...(video[0]!.json.data as Uint8Array)], [0, 0, 0, 1, 0x67, 1, 2, 3]);
  assert.equal(byTopic('/dev/video_frames')[0]!.json.pts_us, 90_000);

  const annotations = byTopic('/dev/gaze_annotations');
  assert.equal(annotations[0]!.schema, 'foxglove.ImageAnnotations');
  // Before any video: the default scene size; after the 1088×1080 video: that size.
  const circle = (i: number) => (annotations[i]!.json.circles as { position: { x: number; y: number } }[])[0]!.position;
  assert.deepEqual(circle(0), { x: 400, y: 600 });
  assert.deepEqual(circle(1), { x: 544, y: 540 });
  assert.equal(byTopic('/dev/gaze')[1]!.publishNs, BigInt(T0 + 4e6), 'no device time: publish = log time');
  assert.deepEqual(byTopic('/dev/events')[0]!.json.value, true);
  assert.deepEqual(byTopic('/dev/analog')[0]!.json.channels, [0.1, -0.2]);
  assert.equal(byTopic('/operator/events')[0]!.json.text, 'stimulus on');
  assert.ok(byTopic('/dev/status').length >= 1, 'device status recorded');
  assert.equal(scan.metadata.session?.operator, 'ana');

  // A finished file is a standard indexed MCAP: @mcap/core's indexed reader opens it from its summary.
  const indexed = await IndexedRecording.open(recorder.mcapPath);
  assert.ok(indexed, 'the indexed reader opens it');
  try {
    const logTimes = messages.map((m) => m.logNs);
    const last = logTimes.reduce((a, b) => (b > a ? b : a));
    assert.equal(indexed.span()?.endNs, last, 'its statistics say when the last message was');
    let n = 0;
    for await (const _ of indexed.messages({ topics: ['/dev/poses'] })) n++;
    assert.equal(n, 1);
    let all = 0;
    for await (const _ of indexed.messages()) all++;
    assert.equal(all, messages.length);
  } finally {
    await indexed.close();
  }
});

test('chunks reach the disk within the flush interval, while the recording runs', async () => {
  const { hub, source } = await connectedHub();
  const recorder = await Recorder.start(hub, { outDir: tempDir('flush'), flushIntervalMs: 100 });
  source.emitPoses(3, T0);
  await waitFor(
    () => (recorder.channelCounts()['/dev/poses'] ?? 0) >= 1 && recorder.counts().written >= recorder.counts().bytes,
    'a flush',
  );
  const { scan, messages } = await readRecording(recorder.mcapPath);
  assert.equal(scan.complete, false);
  assert.match(scan.problem ?? '', /not finished/);
  assert.equal(messages.filter((m) => m.topic === '/dev/poses').length, 1);
  await recorder.stop();
  await hub.close();
});

test('a write error mid-session stops the recording with a clear reason and keeps what was written', async () => {
  const { hub, source } = await connectedHub();
  let writes = 0;
  let failNow = false;
  let file: AppendTarget | undefined;
  const recorder = await Recorder.start(hub, {
    outDir: tempDir('enospc'),
    flushIntervalMs: 50,
    openTarget: async (path) => {
      const { openAppendFile } = await import('../../main/recording/byte-sink');
      file = await openAppendFile(path);
      return {
        write: async (bytes) => {
          writes++;
          if (failNow) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          await file!.write(bytes);
        },
        close: () => file!.close(),
      };
    },
  });
  const failed = new Promise<Error>((resolve) => recorder.once('failed', resolve));
  source.emitPoses(2, T0);
  await waitFor(
    () =>
      (recorder.channelCounts()['/dev/poses'] ?? 0) >= 1 &&
      recorder.counts().written >= recorder.counts().bytes &&
      writes >= 2,
    'first chunk on disk',
  );
  failNow = true;
  source.emitPoses(2, T0 + 1e7);
  const error = await failed;
  assert.match(error.message, /disk is full \(ENOSPC\)/);
  assert.match(error.message, /kept in/);
  const summary = await recorder.stop();
  assert.equal(summary.state, 'failed');
  assert.match(summary.error ?? '', /disk is full/);
  // Samples after the failure are not taken.
  source.emitPoses(2, T0 + 2e7);
  const { messages } = await readRecording(recorder.mcapPath);
  assert.equal(messages.filter((m) => m.topic === '/dev/poses').length, 1, 'the first frame survived');
  assert.ok(hub.notices().some((n) => n.level === 'error' && /disk is full/.test(n.message)));
  await hub.close();
});

test('a sample that cannot be mapped is counted as lost; the session goes on', async () => {
  const { hub, source } = await connectedHub();
  const recorder = await Recorder.start(hub, { outDir: tempDir('bad-sample') });
  source.emit('sample', { kind: 'poses', hostTimeNs: T0, bodies: null } as unknown as Sample);
  source.emitPoses(1, T0 + 1);
  const summary = await recorder.stop();
  assert.equal(summary.state, 'finished');
  assert.equal(summary.lost, 1);
  const { messages } = await readRecording(recorder.mcapPath);
  assert.equal(messages.filter((m) => m.topic === '/dev/poses').length, 1);
  await hub.close();
});

test('every message decodes with the schema stored with its channel: JSON Schema or protobuf descriptor (foxglove.* as Foxglove defines them)', async () => {
  const { hub, source } = await connectedHub();
  const recorder = await Recorder.start(hub, { outDir: tempDir('schemas') });
  source.emit('catalog', { bodies: [{ id: 1, name: 'Wand' }] });
  emitEveryKind(source);
  recorder.operatorEvent('mark', 'hotkey', { dev: 'sent' });
  recorder.remoteRecording({
    deviceId: 'dev',
    action: 'start',
    outcome: 'refused',
    takeName: 't',
    reason: 'busy',
    elapsedMs: 3,
  });
  await recorder.stop();
  await hub.close();
  const seen = new Set<string>();
  const problems: string[] = [];
  await scanRecording(recorder.mcapPath, {
    onMessage: (m) => {
      seen.add(m.channel.schemaName);
      if (m.channel.messageEncoding === 'protobuf') {
        assert.equal(m.channel.schemaEncoding, 'protobuf');
        if (!decodeJsonMessage(m)) problems.push(`${m.channel.topic}: does not decode with its descriptor`);
        return;
      }
      assert.equal(m.channel.schemaEncoding, 'jsonschema');
      assert.equal(m.channel.messageEncoding, 'json');
      const schema = JSON.parse(new TextDecoder().decode(m.channel.schemaData)) as object;
      seen.add(m.channel.schemaName);
      problems.push(...schemaProblems(schema, decodeJsonMessage(m), m.channel.topic));
    },
  });
  assert.deepEqual(problems, []);
  for (const name of [
    'foxglove.FrameTransforms',
    'foxglove.CompressedVideo',
    'foxglove.ImageAnnotations',
    'sightline.Poses',
    'sightline.Gaze',
    'sightline.VideoFrame',
    'sightline.Event',
    'sightline.Analog',
    'sightline.DeviceStatus',
    'sightline.Catalog',
    'sightline.OperatorEvent',
    'sightline.RemoteRecording',
  ]) {
    assert.ok(seen.has(name), `${name} recorded`);
  }
  // The checker is not a rubber stamp.
  assert.notDeepEqual(schemaProblems({ type: 'object', required: ['x'] }, {}), []);
});
