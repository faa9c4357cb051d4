/**
 * Time alignment against ground truth for Pupil: the simulated phone's clock runs with an injected
 * offset and drift; every recorded gaze device time must agree, within ±2 ms (Time Echo has 1 ms
 * resolution), with the host time at which the phone's clock read the gaze sample's timestamp.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hub } from '../../main/hub/hub';
import { PupilClient } from '../../main/protocols/pupil/client';
import { CompanionSimulator } from '../../main/protocols/pupil/simulator';
import { Recorder } from '../../main/recording/recorder';
import { hostTimeNs } from '../../main/time/host-clock';
import { readRecording, tempDir } from '../helpers/recording';
import { waitFor } from './natnet-helpers';

const OFFSET_MS = 1234.5;
const DRIFT_PPM = 150;

test('Pupil: recorded gaze device times match the phone clock truth within ±2 ms (offset + 150 ppm drift)', async (t) => {
  // The phone clock starts when the simulator is made: host = origin + (phone − origin − offset) / rate.
  const before = hostTimeNs();
  const sim = new CompanionSimulator({
    host: '127.0.0.1',
    port: 0,
    rtspPort: 0,
    timeEchoPort: 0,
    clockOffsetMs: OFFSET_MS,
    clockDriftPpm: DRIFT_PPM,
  });
  const after = hostTimeNs();
  const origin = (before + after) / 2;
  const rate = 1 + DRIFT_PPM / 1e6;
  const truthHostNs = (phoneNs: number): number => origin + (phoneNs - origin - OFFSET_MS * 1e6) / rate;
  const ports = await sim.start();
  t.after(() => sim.stop());
  const hub = new Hub();
  t.after(() => hub.close());
  hub.add(new PupilClient({ id: 'pupil', host: '127.0.0.1', port: ports.port, transport: 'udp' }));
  await hub.connect('pupil');
  const recorder = await Recorder.start(hub, { outDir: tempDir('pupil-time-truth'), flushIntervalMs: 100 });
  await waitFor(() => (recorder.counts().perDevice.pupil ?? 0) >= 1000, 20_000, '1000 recorded samples');
  await recorder.stop();

  const { messages } = await readRecording(recorder.mcapPath);
  const gaze = messages.filter(
    (m) =>
      m.topic === '/pupil/gaze' &&
      typeof m.json.device_clock_ns === 'number' &&
      typeof m.json.device_time_ns === 'number',
  );
  assert.ok(gaze.length >= 500, `${gaze.length} gaze samples with phone time`);
  const first = Number(gaze[0]!.logNs);
  let worst = 0;
  let checked = 0;
  for (const g of gaze) {
    // Time Echo answers within the first second; give it two.
    if (Number(g.logNs) - first < 2e9) continue;
    const error = Number(g.publishNs) - truthHostNs(g.json.device_clock_ns as number);
    worst = Math.max(worst, Math.abs(error));
    checked++;
  }
  t.diagnostic(`${checked} gaze samples checked; worst error ${(worst / 1e3).toFixed(1)} µs`);
  assert.ok(checked > 200);
  assert.ok(worst < 2e6, `worst error ${worst} ns exceeds 2 ms`);
});
