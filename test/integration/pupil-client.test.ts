// The Pupil client against the Companion simulator over loopback: status, gaze and scene video over
// RTSP (UDP and TCP interleaved), phone time through RTCP, clock offset through Time Echo.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GazeSample, Sample, VideoSample } from '../../main/hub/source';
import { PupilClient } from '../../main/protocols/pupil/client';
import { gazeAt } from '../../main/protocols/pupil/gaze-path';
import { CompanionSimulator, type SimulatorPorts } from '../../main/protocols/pupil/simulator';
import { collectUntil } from './pupil-helpers';

let sim: CompanionSimulator;
let ports: SimulatorPorts;

before(async () => {
  sim = new CompanionSimulator({ port: 0, rtspPort: 0, timeEchoPort: 0, clockOffsetMs: 250 });
  ports = await sim.start();
});
after(async () => {
  await sim.stop();
});

for (const transport of ['udp', 'tcp'] as const) {
  test(`gaze on the simulator's path and decodable scene video over ${transport.toUpperCase()}`, async () => {
    const client = new PupilClient({ host: '127.0.0.1', port: ports.port, transport });
    try {
      await client.connect();
      const samples = await collectUntil(
        client,
        (s) => s.filter((x) => x.kind === 'video').length >= 10 && s.filter((x) => x.kind === 'gaze').length >= 50,
        10_000,
      );
      const gaze = samples.filter((s): s is GazeSample => s.kind === 'gaze');
      const video = samples.filter((s): s is VideoSample => s.kind === 'video');
      assert.ok(gaze.length >= 50, `gaze samples: ${gaze.length}`);
      for (const g of gaze) {
        assert.ok(g.deviceClockNs !== undefined, 'the simulator sends a sender report at once: no unsynced gaze');
        const truth = gazeAt(g.deviceClockNs);
        assert.ok(
          Math.abs(truth.x - g.x) < 1e-4 && Math.abs(truth.y - g.y) < 1e-4,
          `gaze ${g.x},${g.y} vs ${truth.x},${truth.y}`,
        );
        assert.equal(g.worn, true);
      }
      assert.equal(video[0]!.key, true, 'the first access unit is a key frame');
      assert.deepEqual([video[0]!.width, video[0]!.height, video[0]!.codec], [1088, 1080, 'avc1.42C028']);
      // SPS and PPS are in the key frame (start code + NAL type 7 then 8).
      const types = annexBTypes(video[0]!.data);
      assert.ok(types.includes(7) && types.includes(8) && types.includes(5), `NAL types ${types}`);
      for (let i = 1; i < video.length; i++) {
        const dt = video[i]!.ptsUs - video[i - 1]!.ptsUs;
        assert.ok(Math.abs(dt - 1e6 / 30) < 1, `frame interval ${dt} µs`);
      }
      assert.deepEqual(client.counters().malformed, 0);
      assert.deepEqual(client.counters().dropped, 0);
    } finally {
      await client.close();
    }
  });
}

test('Time Echo finds the phone clock offset; device times land in host time', async () => {
  const client = new PupilClient({ host: '127.0.0.1', port: ports.port, transport: 'udp' });
  try {
    await client.connect();
    await collectUntil(client, () => (client.status().clock?.samples ?? 0) > 0, 5000);
    const offsetMs = client.status().clock!.offsetNs / 1e6;
    // host = phone + offset; the phone runs 250 ms ahead. Time Echo has 1 ms resolution.
    assert.ok(Math.abs(offsetMs + 250) < 3, `offset ${offsetMs} ms`);
    const later = await collectUntil(client, (s) => s.filter((x) => x.kind === 'gaze').length >= 20, 5000);
    const g = later.filter((s) => s.kind === 'gaze').at(-1) as GazeSample;
    // In host time a sample is a little older than its arrival, never 250 ms off.
    const ageMs = (g.hostTimeNs - g.deviceTimeNs!) / 1e6;
    assert.ok(ageMs > -5 && ageMs < 50, `arrival − device time = ${ageMs} ms`);
  } finally {
    await client.close();
  }
});

test('status: model, battery push, recording state machine with the phone reasons, events', async () => {
  const client = new PupilClient({ host: '127.0.0.1', port: ports.port, streams: { world: false, gaze: false } });
  try {
    await client.connect();
    const c0 = client.companionState();
    assert.equal(c0.family, 'Pupil Invisible');
    assert.equal(c0.phoneName, 'OnePlus8');
    assert.deepEqual(
      c0.sensors.map((s) => s.name),
      ['world', 'gaze'],
    );
    await collectUntil(client, () => client.companionState().live, 3000);
    sim.setBattery(42);
    await collectUntil(client, () => client.companionState().batteryLevel === 42, 3000);

    await client.capabilities.recording!.start();
    await collectUntil(client, () => client.status().recording === true, 3000);
    await assert.rejects(client.capabilities.recording!.start(), /Recording already running/);
    const e = await client.sendEvent('trial 1');
    assert.equal(e.name, 'trial 1');
    assert.ok(e.recording_id, 'an event during a recording belongs to it');
    await client.capabilities.recording!.stop();
    await collectUntil(client, () => client.companionState().recording?.action === 'SAVE', 3000);
    await assert.rejects(client.capabilities.recording!.stop(), /Recording not running/);
    await assert.rejects(client.capabilities.recording!.cancel!(), /Recording not running/);
  } finally {
    await client.close();
  }
});

function annexBTypes(data: Uint8Array): number[] {
  const types: number[] = [];
  for (let i = 0; i + 4 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 0 && data[i + 3] === 1) types.push(data[i + 4]! & 0x1f);
  }
  return types;
}

export type { Sample };

test('counters stay monotonic across close and connect (the Hub reconnecting)', async () => {
  const client = new PupilClient({ host: '127.0.0.1', port: ports.port });
  try {
    await client.connect();
    await collectUntil(client, (s) => s.filter((x) => x.kind === 'video').length >= 3, 8000);
    const first = client.counters();
    await client.close();
    assert.deepEqual(client.counters(), {
      ...first,
      packets: client.counters().packets,
      bytes: client.counters().bytes,
    });
    assert.ok(client.counters().packets >= first.packets);
    await client.connect();
    await collectUntil(client, (s) => s.filter((x) => x.kind === 'video').length >= 3, 8000);
    const second = client.counters();
    assert.ok(second.packets > first.packets && second.samples > first.samples && second.bytes > first.bytes);
  } finally {
    await client.close();
  }
});

test('Neon: IMU at 110 Hz as analog samples on its own tsNs, eye events as named events, keep-alives skipped', async () => {
  const neon = new CompanionSimulator({ family: 'neon', port: 0, rtspPort: 0, timeEchoPort: 0 });
  const { port } = await neon.start();
  const client = new PupilClient({ host: '127.0.0.1', port, streams: { world: false, gaze: false } });
  try {
    await client.connect();
    const s = await collectUntil(client, (x) => x.filter((y) => y.kind === 'event').length >= 2, 8000);
    const imu = s.filter((x) => x.kind === 'analog');
    assert.ok(imu.length > 50, `${imu.length} IMU samples`);
    const first = imu[0]!;
    assert.equal(first.kind === 'analog' && first.channels.length, 10);
    assert.ok(first.deviceClockNs! > 1.7e18, 'phone Unix ns from tsNs');
    const events = s.filter((x) => x.kind === 'event');
    assert.deepEqual(
      events.map((e) => e.kind === 'event' && [e.name, e.value]),
      [
        ['fixation', 300],
        ['blink', 150],
      ],
    );
    assert.equal(client.counters().malformed, 0);
  } finally {
    await client.close();
    await neon.stop();
  }
});

test('the 32-bit RTP timestamp wraps mid-stream: presentation and phone times stay continuous', async () => {
  // 0.4 s of 90 kHz ticks before 2^32.
  const wrapping = new CompanionSimulator({
    port: 0,
    rtspPort: 0,
    timeEchoPort: 0,
    faults: { rtpTimestampStart: 2 ** 32 - 36_000 },
  });
  const { port } = await wrapping.start();
  const client = new PupilClient({ host: '127.0.0.1', port });
  try {
    await client.connect();
    const s = await collectUntil(client, (x) => x.filter((y) => y.kind === 'video').length >= 30, 10_000);
    const video = s.filter((x): x is VideoSample => x.kind === 'video');
    assert.ok(video[0]!.ptsUs < 2 ** 32 / 0.09 && video.at(-1)!.ptsUs > 2 ** 32 / 0.09, 'the stream crossed the wrap');
    for (let i = 1; i < video.length; i++) {
      assert.ok(Math.abs(video[i]!.ptsUs - video[i - 1]!.ptsUs - 1e6 / 30) < 1, `pts step at ${i}`);
      const step = (video[i]!.deviceClockNs! - video[i - 1]!.deviceClockNs!) / 1e6;
      assert.ok(Math.abs(step - 1000 / 30) < 0.01, `phone time step ${step} ms at ${i}`);
    }
    const gaze = s.filter((x): x is GazeSample => x.kind === 'gaze');
    for (const g of gaze) assert.ok(Math.abs(gazeAt(g.deviceClockNs!).y - g.y) < 1e-4);
  } finally {
    await client.close();
    await wrapping.stop();
  }
});
