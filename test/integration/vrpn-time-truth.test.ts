/**
 * Time alignment against ground truth for VRPN: the simulated server's wall clock has an injected
 * offset and drift; every recorded device time must agree, within ±1 ms, with the host time at
 * which the server's clock read the message's timestamp; the raw timestamp is kept as sent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hub } from '../../main/hub/hub';
import { VrpnClient } from '../../main/protocols/vrpn/client';
import { simulatorDevices, VrpnSimulator } from '../../main/protocols/vrpn/simulator';
import { Recorder } from '../../main/recording/recorder';
import { hostTimeNs } from '../../main/time/host-clock';
import { readRecording, tempDir } from '../helpers/recording';
import { LOOPBACK, waitFor } from './natnet-helpers';

const DRIFT_PPM = -250;
const OFFSET_NS = -7_654_321_987;

test('VRPN: recorded device times match the server clock truth within ±1 ms (offset + −250 ppm drift)', async (t) => {
  const origin = hostTimeNs();
  const rate = 1 + DRIFT_PPM / 1e6;
  const serverNs = (hostNs: number): number => origin + OFFSET_NS + (hostNs - origin) * rate;
  const truthHostNs = (deviceNs: number): number => origin + (deviceNs - origin - OFFSET_NS) / rate;
  const sim = new VrpnSimulator({
    host: LOOPBACK,
    port: 0,
    ...simulatorDevices(1, 2, 200),
    clock: () => {
      const us = Math.floor(serverNs(hostTimeNs()) / 1e3);
      return { tsSec: Math.floor(us / 1e6), tsUsec: us % 1e6 };
    },
  });
  await sim.start();
  t.after(() => sim.stop());
  const hub = new Hub();
  t.after(() => hub.close());
  const client = new VrpnClient({
    id: 'vrpn',
    host: LOOPBACK,
    port: sim.port,
    devices: ['Tracker0'],
    // Four round trips a second give the clock model its drift within the test's few seconds.
    pingIntervalMs: 250,
  });
  hub.add(client);
  await hub.connect('vrpn');
  const recorder = await Recorder.start(hub, { outDir: tempDir('vrpn-time-truth'), flushIntervalMs: 100 });
  // 2 sensors × 200 Hz for 6 s.
  await waitFor(() => (recorder.counts().perDevice.vrpn ?? 0) >= 2400, 20_000, '2400 recorded poses');
  await recorder.stop();
  const estimate = client.status().clock!;

  const { messages } = await readRecording(recorder.mcapPath);
  const poses = messages.filter((m) => m.topic === '/vrpn/poses' && typeof m.json.device_time_ns === 'number');
  assert.ok(poses.length >= 2000, `${poses.length} poses with a device time`);
  const first = Number(poses[0]!.logNs);
  let worst = 0;
  let checked = 0;
  for (const p of poses) {
    const raw = p.json.device_clock_ns as number;
    assert.equal(typeof raw, 'number', 'the raw server timestamp is kept');
    if (Number(p.logNs) - first < 3e9) continue;
    // The server stamps to the µs: the truth is known to ±1 µs.
    const error = Number(p.publishNs) - truthHostNs(raw);
    worst = Math.max(worst, Math.abs(error));
    checked++;
  }
  t.diagnostic(
    `${checked} poses checked; worst error ${(worst / 1e3).toFixed(1)} µs; model drift ${estimate.driftPpm.toFixed(1)} ppm (injected ${DRIFT_PPM}), uncertainty ${(estimate.uncertaintyNs / 1e3).toFixed(1)} µs`,
  );
  assert.ok(checked > 1000);
  assert.ok(worst < 1e6, `worst error ${worst} ns exceeds 1 ms`);
});
