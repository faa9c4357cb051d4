/**
 * Time alignment against ground truth: a simulated Motive whose clock has an injected offset and
 * drift, a real NatNet client on loopback, the Hub and the recorder. Every recorded device time
 * (publish time, and device_time_ns in the message) must agree with the time the simulator's clock
 * really read at that frame's mid-exposure, within ±1 ms; the raw clock reading is kept exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hub } from '../../main/hub/hub';
import { NatNetClient } from '../../main/protocols/natnet/client';
import { ticksToNs } from '../../main/protocols/natnet/frame-timing';
import { Recorder } from '../../main/recording/recorder';
import { readRecording, tempDir } from '../helpers/recording';
import { LOOPBACK, startSimulator, waitFor } from './natnet-helpers';

const DRIFT_PPM = 300;
const FREQUENCY = 10_000_000;

test('NatNet: recorded device times match the simulator clock truth within ±1 ms (offset + 300 ppm drift)', async (t) => {
  const sim = await startSimulator(t, {
    bodies: 2,
    rateHz: 250,
    clockDriftPpm: DRIFT_PPM,
    clockStartS: 98_765.4321,
    clockFrequency: FREQUENCY,
  });
  const hub = new Hub();
  t.after(() => hub.close());
  const client = new NatNetClient({ id: 'sim', host: LOOPBACK, commandPort: sim.commandPort });
  hub.add(client);
  await hub.connect('sim');
  // Recording starts once the client has a clock, so every recorded frame must carry a device time
  // (on a loaded machine the first echoes can take a while).
  await waitFor(() => client.status().clock !== undefined, 10_000, 'a clock model');
  const recorder = await Recorder.start(hub, { outDir: tempDir('time-truth'), flushIntervalMs: 100 });
  // 7 s at 250 Hz: long enough for the drift to be fitted (it needs 2 s of round trips).
  await waitFor(() => (recorder.counts().perDevice.sim ?? 0) >= 1750, 20_000, '1750 recorded frames');
  await recorder.stop();
  const estimate = client.status().clock!;

  const { messages } = await readRecording(recorder.mcapPath);
  const midTicks = new Map<number, number>();
  for (const m of messages) {
    if (m.topic === '/sim/natnet_frame')
      midTicks.set(m.json.frame_number as number, m.json.camera_mid_exposure_ticks as number);
  }
  const recorded = messages.filter((m) => m.topic === '/sim/poses');
  const poses = recorded.filter((m) => typeof m.json.device_time_ns === 'number');
  assert.ok(recorded.length >= 1750, `${recorded.length} frames recorded`);
  assert.equal(poses.length, recorded.length, 'a frame recorded after the clock was known has no device time');
  const first = Number(poses[0]!.logNs);
  let worst = 0;
  let checked = 0;
  for (const p of poses) {
    const ticks = midTicks.get(p.json.frame_number as number);
    assert.ok(ticks !== undefined, 'every frame has its raw stamps');
    // The raw clock reading is kept as it was (ns on Motive's own clock).
    assert.ok(Math.abs((p.json.device_clock_ns as number) - ticksToNs(ticks, FREQUENCY)) < 1);
    // The clock model fits drift once its round trips span 2 s: until then 300 ppm runs away by
    // 0.3 ms a second. Check from 3 s on.
    if (Number(p.logNs) - first < 3e9) continue;
    const truth = sim.hostTimeOfTicks(ticks);
    const error = Number(p.publishNs) - truth;
    assert.ok(Math.abs((p.json.device_time_ns as number) - Number(p.publishNs)) < 1e3, 'publish time = device time');
    worst = Math.max(worst, Math.abs(error));
    checked++;
  }
  t.diagnostic(
    `${checked} frames checked; worst error ${(worst / 1e3).toFixed(1)} µs; model drift ${estimate.driftPpm.toFixed(1)} ppm (injected ${DRIFT_PPM}), uncertainty ${(estimate.uncertaintyNs / 1e3).toFixed(1)} µs`,
  );
  assert.ok(checked > 900);
  assert.ok(worst < 1e6, `worst error ${worst} ns exceeds 1 ms`);
  assert.ok(Math.abs(estimate.driftPpm - DRIFT_PPM) < 50, `drift ${estimate.driftPpm} ppm`);
});
