import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { McapWriter } from '@mcap/core';
import { Hub } from '../../main/hub/hub';
import type { BodyPose, Sample } from '../../main/hub/source';
import { RecordingPlayer } from '../../main/recording/playback';
import { PlaybackController } from '../../main/recording/playback-controller';
import { Recorder } from '../../main/recording/recorder';
import { FakeSource, waitFor } from '../helpers/fake-source';
import { tempDir } from '../helpers/recording';

const T0 = 1.7e18;
const FRAMES = 200;

/** 1 s of a lab: poses at 200 Hz, gaze at 100 Hz, video at 20 fps, an event and analogs. */
function script(): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const t = T0 + i * 5e6;
    out.push({
      kind: 'poses',
      hostTimeNs: t,
      deviceTimeNs: t - 4.2e6,
      deviceClockNs: 3.6e12 + i * 5e6,
      frameNumber: 1000 + i,
      bodies: [
        { id: 1, x: 0.1 * i, y: 1.234567, z: -0.5, qx: 0, qy: 0.7071068, qz: 0, qw: 0.7071068, valid: true },
        { id: 7, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: i % 2 === 0 },
      ],
      markers: new Float32Array([i, 0.25, -1.5]),
      recording: i > 100,
    });
    if (i % 2 === 0)
      out.push({ kind: 'gaze', hostTimeNs: t + 1e6, deviceTimeNs: t, x: i / FRAMES, y: 0.5, worn: i % 4 === 0 });
    if (i % 10 === 0) {
      out.push({
        kind: 'video',
        hostTimeNs: t + 2e6,
        deviceTimeNs: t + 1e6,
        key: i % 50 === 0,
        ptsUs: i * 5000,
        data: new Uint8Array([0, 0, 0, 1, i % 256, 1, 2, 3]),
        width: 1088,
        height: 1080,
        codec: 'h264',
      });
    }
    if (i === 50) {
      out.push({
        kind: 'event',
        hostTimeNs: t + 3e6,
        name: 'Button0/button 2',
        value: 1,
        control: { device: 'Button0', kind: 'button', index: 2 },
      });
    }
    if (i % 20 === 0) out.push({ kind: 'analog', hostTimeNs: t + 4e6, channels: [i, 0.5 - i / 2], device: 'Analog0' });
  }
  return out;
}

async function record(): Promise<{ path: string; samples: Sample[] }> {
  const hub = new Hub();
  const source = new FakeSource({ id: 'lab' });
  hub.add(source);
  await hub.connect('lab');
  const recorder = await Recorder.start(hub, { outDir: tempDir('playback'), maxChunkBytes: 16 * 1024 });
  source.emit('catalog', { bodies: [{ id: 1, name: 'Wand' }] });
  const samples = script();
  for (const s of samples) source.emit('sample', s);
  await recorder.stop();
  await hub.close();
  return { path: recorder.mcapPath, samples };
}

async function playAll(path: string, speed: number): Promise<{ played: Sample[]; wallMs: number; names: string[] }> {
  const hub = new Hub();
  const controller = new PlaybackController(hub);
  const played: Sample[] = [];
  const names: string[] = [];
  hub.addSink((_d, s) => played.push(s));
  hub.on('catalog', (c) => names.push(...c.bodies.map((b) => b.name)));
  const t0 = performance.now();
  const state = await controller.open(path);
  assert.deepEqual(state.devices, ['playback:lab']);
  controller.control({ action: 'speed', speed });
  await waitFor(() => controller.state()?.ended === true, 'the end of the recording', 10_000);
  const wallMs = performance.now() - t0;
  assert.equal(hub.get('playback:lab')?.kind, 'playback');
  await controller.close();
  assert.equal(hub.get('playback:lab'), undefined, 'closing removes the playback devices');
  await hub.close();
  return { played, wallMs, names };
}

test('round trip: what was recorded is what is played (every kind, values, relative times)', async () => {
  const { path, samples } = await record();
  const { played, wallMs, names } = await playAll(path, 4);
  assert.equal(played.length, samples.length);
  assert.deepEqual(names, ['Wand']);
  for (let i = 0; i < samples.length; i++) {
    const a = samples[i]!;
    const b = played[i]!;
    assert.equal(b.kind, a.kind, `sample ${i}`);
    // Times are shifted to now, together: the device-vs-host relation and the raw clock survive.
    assert.equal(b.deviceTimeNs === undefined, a.deviceTimeNs === undefined);
    if (a.deviceTimeNs !== undefined)
      assert.ok(Math.abs(b.deviceTimeNs! - b.hostTimeNs - (a.deviceTimeNs - a.hostTimeNs)) < 1e3);
    assert.equal(b.deviceClockNs, a.deviceClockNs);
    if (a.kind === 'poses' && b.kind === 'poses') {
      assert.equal(b.frameNumber, a.frameNumber);
      assert.equal(b.recording, a.recording);
      assert.deepEqual([...b.markers!], [...a.markers!]);
      assert.equal(b.bodies.length, a.bodies.length);
      for (let k = 0; k < a.bodies.length; k++) {
        const x: BodyPose = a.bodies[k]!;
        const y: BodyPose = b.bodies[k]!;
        assert.equal(y.id, x.id);
        assert.equal(y.valid, x.valid);
        // float32 positions: 1 µm or better up to 8 m, the float's own resolution beyond.
        for (const f of ['x', 'y', 'z'] as const)
          assert.ok(Math.abs(y[f] - x[f]) <= Math.max(5e-7, Math.abs(x[f]) * 6e-8), `${f} to float32 resolution`);
        for (const f of ['qx', 'qy', 'qz', 'qw'] as const) assert.ok(Math.abs(y[f] - x[f]) <= 5e-8);
      }
    } else if (a.kind === 'gaze' && b.kind === 'gaze') {
      assert.ok(Math.abs(b.x - a.x) < 1e-7 && b.y === a.y && b.worn === a.worn);
    } else if (a.kind === 'video' && b.kind === 'video') {
      assert.deepEqual([...b.data], [...a.data]);
      assert.deepEqual([b.key, b.ptsUs, b.width, b.height, b.codec], [a.key, a.ptsUs, a.width, a.height, a.codec]);
    } else if (a.kind === 'event' && b.kind === 'event') {
      assert.deepEqual([b.name, b.value, b.control], [a.name, a.value, a.control]);
    } else if (a.kind === 'analog' && b.kind === 'analog') {
      assert.deepEqual([b.channels, b.device], [a.channels, a.device]);
    }
  }
  // Paced as recorded, never faster: about 1 s at 4× takes at least ~250 ms from play to the end
  // (a busy machine may take longer; samples that fall behind are caught up at once).
  const recordedMs = (samples[samples.length - 1]!.hostTimeNs - samples[0]!.hostTimeNs) / 1e6;
  assert.ok(wallMs >= (recordedMs / 4) * 0.95, `played ${recordedMs.toFixed(0)} ms at 4× in ${wallMs.toFixed(0)} ms`);
});

/** A Hub with the player's device in it, and the frame numbers it plays. */
async function framesOf(player: RecordingPlayer): Promise<{ hub: Hub; frames: number[] }> {
  const hub = new Hub();
  const source = player.sources[0]!;
  hub.add(source);
  await hub.connect(source.id);
  const frames: number[] = [];
  hub.addSink((_d, s) => {
    if (s.kind === 'poses') frames.push(s.frameNumber!);
  });
  return { hub, frames };
}

test('pause holds, seek jumps, play after the end starts again', async () => {
  const { path } = await record();
  const player = await RecordingPlayer.open(path);
  const { hub, frames } = await framesOf(player);
  const state = player.state();
  assert.equal(state.playing, false);
  player.setSpeed(0.5);
  player.play();
  await waitFor(() => frames.length >= 5, 'a few frames', 5_000);
  player.pause();
  const held = frames.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(frames.length <= held + 1, 'paused: nothing more comes');
  // Seek to 0.8 s into the recording and play fast: the next frame is the one recorded there.
  frames.length = 0;
  player.seek(state.startNs + 0.8e9);
  player.setSpeed(20);
  player.play();
  await waitFor(() => player.state().ended, 'the end', 5_000);
  assert.equal(frames[0], 1000 + 160);
  assert.equal(frames.at(-1), 1000 + FRAMES - 1);
  frames.length = 0;
  player.play();
  await waitFor(() => frames.length > 0, 'a replay from the start', 5_000);
  assert.equal(frames[0], 1000);
  player.close();
  await hub.close();
});

test('paused after the last sample: the position holds, and play then runs on to the end', async () => {
  const { path } = await record();
  const player = await RecordingPlayer.open(path);
  const { hub, frames } = await framesOf(player);
  // At 1× the recording's last second (statuses at stop) leaves ample time to pause after the last frame.
  player.play();
  await waitFor(() => frames.at(-1) === 1000 + FRAMES - 1, 'the last frame', 5_000);
  player.pause();
  const held = player.state();
  // Every message has been read by now: the pass must not end the timeline while paused.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(player.state().positionNs, held.positionNs, 'paused: the position holds');
  assert.equal(player.state().ended, false);
  player.play();
  await waitFor(() => player.state().ended, 'the end', 5_000);
  assert.equal(player.state().positionNs, player.state().endNs);
  player.close();
  await hub.close();
});

test('play after the end starts again without a "paused at the start" state in between', async () => {
  const { path } = await record();
  const player = await RecordingPlayer.open(path);
  const { hub, frames } = await framesOf(player);
  player.setSpeed(20);
  player.play();
  await waitFor(() => player.state().ended, 'the end', 5_000);
  const told: { playing: boolean; ended: boolean }[] = [];
  player.on('state', (s) => told.push({ playing: s.playing, ended: s.ended }));
  frames.length = 0;
  player.play();
  assert.deepEqual(told[0], { playing: true, ended: false }, `the UI was told ${JSON.stringify(told)}`);
  await waitFor(() => frames.length > 0, 'a replay from the start', 5_000);
  assert.equal(frames[0], 1000);
  player.close();
  await hub.close();
});

test('pause and play while the pass reads ahead: one pass goes on, no frame played twice', async () => {
  const { path } = await record();
  const player = await RecordingPlayer.open(path);
  const { hub, frames } = await framesOf(player);
  player.setSpeed(20);
  player.play();
  // The pass is reading its first chunk now, not waiting in the timeline.
  player.pause();
  player.play();
  await waitFor(() => player.state().ended, 'the end', 5_000);
  assert.deepEqual(
    frames,
    Array.from({ length: FRAMES }, (_, i) => 1000 + i),
    'every frame once, in order',
  );
  player.close();
  await hub.close();
});

test('a truncated recording plays what is readable and says why it stops', async () => {
  const { path } = await record();
  const cut = join(tempDir('cut'), 'cut.mcap');
  const bytes = readFileSync(path);
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const player = await RecordingPlayer.open(cut);
  assert.match(player.state().problem ?? '', /not finished/);
  const { hub, frames } = await framesOf(player);
  player.setSpeed(20);
  player.play();
  await waitFor(() => player.state().ended, 'the end of what is readable', 5_000);
  assert.ok(frames.length > 20 && frames.length < FRAMES, `${frames.length} frames readable`);
  assert.deepEqual(
    frames,
    frames.map((_, i) => 1000 + i),
    'from the first frame on, none missing',
  );
  player.close();
  await hub.close();
});

test('not MCAP, or MCAP from another tool: a clear message, no crash', async () => {
  const dir = tempDir('foreign');
  const text = join(dir, 'notes.mcap');
  writeFileSync(text, 'this is not a recording\n');
  await assert.rejects(RecordingPlayer.open(text), /not an MCAP recording/);

  const foreign = join(dir, 'foreign.mcap');
  const chunks: Uint8Array[] = [];
  let size = 0n;
  const writer = new McapWriter({
    writable: {
      write: async (b) => {
        chunks.push(b.slice());
        size += BigInt(b.byteLength);
      },
      position: () => size,
    },
  });
  await writer.start({ profile: '', library: 'another tool' });
  const channelId = await writer.registerChannel({
    topic: '/imu',
    schemaId: 0,
    messageEncoding: 'json',
    metadata: new Map(),
  });
  await writer.addMessage({
    channelId,
    sequence: 1,
    logTime: 1n,
    publishTime: 1n,
    data: new TextEncoder().encode('{}'),
  });
  await writer.end();
  writeFileSync(foreign, Buffer.concat(chunks));
  await assert.rejects(RecordingPlayer.open(foreign), /nothing to play \(no device samples in it\)/);

  const empty = join(dir, 'empty.mcap');
  copyFileSync(text, empty);
  writeFileSync(empty, '');
  await assert.rejects(RecordingPlayer.open(empty), /nothing to play \(the file is empty\)/);
});
