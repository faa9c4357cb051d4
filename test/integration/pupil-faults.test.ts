// The Pupil client against the Companion simulator's faults (protocol notes, docs/protocols/pupil.md §10.1):
// PLAY 500, no sender report for a while, RTP loss and reordering, RTP silence, a dropped status
// WebSocket, a phone clock step, Sensor churn, a phone that vanishes mid-recording.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GazeSample, Sample, VideoSample } from '../../main/hub/source';
import { toAnnexB } from '../../main/net/rtsp/h264';
import { PupilClient, type PupilClientOptions } from '../../main/protocols/pupil/client';
import { gazeAt } from '../../main/protocols/pupil/gaze-path';
import { CompanionSimulator, type CompanionSimulatorOptions } from '../../main/protocols/pupil/simulator';
import { collectUntil } from './pupil-helpers';

async function withPair(
  simOptions: CompanionSimulatorOptions,
  clientOptions: Partial<PupilClientOptions>,
  body: (sim: CompanionSimulator, client: PupilClient) => Promise<void>,
): Promise<void> {
  const sim = new CompanionSimulator({ port: 0, rtspPort: 0, timeEchoPort: 0, ...simOptions });
  const { port } = await sim.start();
  const client = new PupilClient({ host: '127.0.0.1', port, ...clientOptions });
  try {
    await body(sim, client);
  } finally {
    await client.close();
    await sim.stop();
  }
}

const gazeOf = (s: Sample[]) => s.filter((x): x is GazeSample => x.kind === 'gaze');
const videoOf = (s: Sample[]) => s.filter((x): x is VideoSample => x.kind === 'video');

test('PLAY answered 500: the phone reason is shown, the stream retries and plays once the phone recovers', async () => {
  await withPair({ faults: { playError: true } }, { streams: { world: true, gaze: false } }, async (sim, client) => {
    await client.connect();
    await collectUntil(
      client,
      () => /world stream: PLAY refused: 500 Internal Server Error/.test(client.status().lastError ?? ''),
      5000,
    );
    sim.setFaults({});
    const s = await collectUntil(client, (x) => videoOf(x).length >= 3, 10_000);
    assert.equal(videoOf(s)[0]!.key, true);
    assert.ok(client.diagnostics().streamRestarts >= 1);
    assert.equal(client.status().lastError, undefined, 'the error clears once the stream plays');
  });
});

test('no sender report for 1.5 s: gaze before it is unsynced (no phone time), never shifted by a guess', async () => {
  await withPair(
    { faults: { noSenderReportS: 1.5 } },
    { streams: { gaze: true, world: false }, timeEchoIntervalMs: 0 },
    async (_sim, client) => {
      await client.connect();
      const s = gazeOf(
        await collectUntil(
          client,
          (x) => gazeOf(x).some((g) => g.deviceClockNs !== undefined) && gazeOf(x).length > 10,
          8000,
        ),
      );
      const firstSynced = s.findIndex((g) => g.deviceClockNs !== undefined);
      assert.ok(firstSynced > 50, `unsynced samples first (${firstSynced})`);
      for (const g of s.slice(0, firstSynced)) assert.equal(g.deviceTimeNs, undefined);
      const g = s.at(-1)!;
      const truth = gazeAt(g.deviceClockNs!);
      assert.ok(Math.abs(truth.x - g.x) < 1e-4);
      assert.equal(client.diagnostics().unsyncedGaze, firstSynced);
    },
  );
});

test('RTP loss and reordering over UDP: losses counted, every access unit passed on is intact', async () => {
  await withPair(
    { faults: { rtpLoss: 0.01, rtpReorder: 0.05 }, seed: 7 },
    { transport: 'udp' },
    async (sim, client) => {
      await client.connect();
      const s = await collectUntil(client, (x) => videoOf(x).length >= 30 && gazeOf(x).length >= 600, 20_000);
      const video = videoOf(s);
      const pts0 = video[0]!.ptsUs;
      const clipFrames = sim.clip.units.map((u) => Buffer.from(toAnnexB(u)));
      // Each unit must be byte-identical to the clip frame its timestamp names.
      const base = clipFrames.findIndex((f) => f.equals(video[0]!.data));
      assert.ok(base >= 0, 'the first unit is a clip frame');
      for (const v of video) {
        const k = Math.round((v.ptsUs - pts0) / (1e6 / 30));
        assert.ok(clipFrames[(base + k) % clipFrames.length]!.equals(v.data), `frame +${k} is intact`);
      }
      assert.ok(client.counters().dropped > 0, 'losses are counted');
      const gaze = gazeOf(s);
      for (let i = 1; i < gaze.length; i++)
        assert.ok(gaze[i]!.deviceClockNs! > gaze[i - 1]!.deviceClockNs!, 'gaze in order after reordering');
    },
  );
});

test('RTP silence: the stream is restarted after rtpSilenceMs and plays again', async () => {
  await withPair({}, { streams: { gaze: true, world: false }, rtpSilenceMs: 800 }, async (sim, client) => {
    await client.connect();
    await collectUntil(client, (x) => gazeOf(x).length > 5, 5000);
    sim.setFaults({ rtpSilent: true });
    await collectUntil(client, () => /gaze stream: no RTP for/.test(client.status().lastError ?? ''), 5000);
    sim.setFaults({});
    await collectUntil(client, (x) => gazeOf(x).length > 5, 8000);
    assert.ok(client.diagnostics().streamRestarts >= 1);
  });
});

test('status WebSocket dropped: the client reconnects, gets the burst again and later pushes', async () => {
  await withPair({}, { streams: { world: false, gaze: false } }, async (sim, client) => {
    await client.connect();
    await collectUntil(client, () => client.companionState().live, 3000);
    sim.dropStatusSockets();
    await collectUntil(client, () => !client.companionState().live, 3000);
    await collectUntil(client, () => client.companionState().live, 5000);
    sim.setBattery(12);
    await collectUntil(client, () => client.companionState().batteryState === 'LOW', 3000);
    assert.ok(client.diagnostics().statusReconnects >= 1);
  });
});

test('a phone clock step shows in phone times at the next sender report; gaze stays on its path', async () => {
  await withPair({}, { streams: { gaze: true, world: false } }, async (sim, client) => {
    await client.connect();
    await collectUntil(client, (x) => gazeOf(x).length > 20, 5000);
    sim.stepClock(5000);
    const s = gazeOf(await collectUntil(client, (x) => gazeOf(x).length > 300, 8000));
    const jumps = s.slice(1).map((g, i) => g.deviceClockNs! - s[i]!.deviceClockNs!);
    assert.ok(
      jumps.some((d) => d > 4.9e9 && d < 5.1e9),
      'one 5 s jump',
    );
    const last = s.at(-1)!;
    const truth = gazeAt(last.deviceClockNs!);
    assert.ok(Math.abs(truth.x - last.x) < 1e-4 && Math.abs(truth.y - last.y) < 1e-4);
  });
});

test('Sensor churn does not restart streams; a disconnected sensor stops its stream, a reconnected one restarts it', async () => {
  await withPair({}, {}, async (sim, client) => {
    await client.connect();
    await collectUntil(client, (x) => videoOf(x).length > 2 && gazeOf(x).length > 2, 8000);
    assert.equal(sim.activeRtspSessions, 2);
    sim.repeatSensors();
    sim.repeatSensors();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(client.diagnostics().streamRestarts, 0);
    assert.equal(sim.activeRtspSessions, 2);
    sim.setSensorConnected('world', false);
    await collectUntil(client, () => sim.activeRtspSessions === 1, 3000);
    assert.equal(client.companionState().sensors.find((s) => s.name === 'world')?.connected, false);
    sim.setSensorConnected('world', true);
    await collectUntil(client, (x) => videoOf(x).length > 2, 8000);
  });
});

test('TCP without the interleaved echo (Companion 2.9.31) still streams', async () => {
  await withPair({ echoInterleaved: false }, { transport: 'tcp' }, async (_sim, client) => {
    await client.connect();
    await collectUntil(client, (x) => videoOf(x).length > 3 && gazeOf(x).length > 10, 8000);
  });
});

test('the phone vanishing mid-recording: down for the Hub, and a clear message for the next command', async () => {
  const sim = new CompanionSimulator({ port: 0, rtspPort: 0, timeEchoPort: 0 });
  const { port } = await sim.start();
  const client = new PupilClient({ host: '127.0.0.1', port, phoneGoneMs: 1000, requestTimeoutMs: 800 });
  try {
    await client.connect();
    await client.capabilities.recording!.start();
    const down = new Promise<string>((resolve) => client.once('down', resolve));
    await sim.stop();
    const reason = await Promise.race([
      down,
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no down event')), 8000)),
    ]);
    assert.match(reason, /stopped answering/);
    await assert.rejects(client.capabilities.recording!.stop(), /stop and save: cannot reach the phone/);
  } finally {
    await client.close();
    await sim.stop();
  }
});

test('RTSP housekeeping: keep-alives before the session timeout, receiver reports back, TEARDOWN on close', async () => {
  await withPair({ rtspSessionTimeoutS: 2 }, { streams: { gaze: true, world: false } }, async (sim, client) => {
    let receiverReports = 0;
    sim.on('receiverReport', (blocks) => {
      if (blocks.length === 1 && blocks[0]!.highestSequence > 0) receiverReports++;
    });
    await client.connect();
    await collectUntil(client, () => receiverReports >= 2, 5000);
    // The session times out after 2 s: a GET_PARAMETER (listed in Public) must come before that.
    await collectUntil(client, () => sim.rtspRequests('GET_PARAMETER') >= 1, 2500);
    assert.equal(sim.activeRtspSessions, 1);
    assert.equal(sim.rtspRequests('TEARDOWN'), 0);
    await client.close();
    assert.equal(sim.rtspRequests('TEARDOWN'), 1);
    await collectUntil(client, () => sim.activeRtspSessions === 0, 3000);
  });
});

test('a recording error on the phone (watchdog) reaches the model with its message; the recording is over', async () => {
  await withPair({ family: 'neon' }, { streams: { world: false, gaze: false } }, async (sim, client) => {
    await client.connect();
    await collectUntil(client, () => client.companionState().live, 3000);
    await client.capabilities.recording!.start();
    await collectUntil(client, () => client.status().recording === true, 3000);
    sim.failRecording();
    await collectUntil(client, () => client.companionState().recording?.action === 'ERROR', 3000);
    assert.equal(client.companionState().recording?.message, 'Recording Watchdog failure');
    assert.equal(client.status().recording, false);
    await assert.rejects(client.capabilities.recording!.stop(), /Recording not running/);
  });
});

test('TCP: a 400 answer written inside interleaved frames is skipped; the video that reaches the decoder is intact', async () => {
  await withPair({ faults: { tcpCorruption: 0.01 }, seed: 3 }, { transport: 'tcp' }, async (sim, client) => {
    await client.connect();
    const s = await collectUntil(client, (x) => videoOf(x).length >= 30 && gazeOf(x).length >= 600, 20_000);
    const video = videoOf(s);
    const clipFrames = sim.clip.units.map((u) => Buffer.from(toAnnexB(u)));
    const base = clipFrames.findIndex((f) => f.equals(video[0]!.data));
    assert.ok(base >= 0, 'the first unit is a clip frame');
    for (const v of video) {
      const k = Math.round((v.ptsUs - video[0]!.ptsUs) / (1e6 / 30));
      assert.ok(clipFrames[(base + k) % clipFrames.length]!.equals(v.data), `frame +${k} is intact`);
    }
    const c = client.counters();
    assert.ok(c.malformed > 0, 'the corrupted frames are counted as malformed');
    for (const g of gazeOf(s)) assert.ok(Math.abs(gazeAt(g.deviceClockNs!).x - g.x) < 1e-4);
  });
});

test('receiver reports under 10 % loss carry the fraction lost, the cumulative loss and the jitter; status shows the transit', async () => {
  await withPair(
    { faults: { rtpLoss: 0.1 }, seed: 11 },
    { streams: { gaze: true, world: false } },
    async (sim, client) => {
      const reports: { fractionLost: number; cumulativeLost: number; jitter: number }[] = [];
      sim.on('receiverReport', (blocks) => reports.push(...blocks));
      await client.connect();
      await collectUntil(client, () => reports.filter((r) => r.cumulativeLost > 0).length >= 2, 6000);
      const last = reports.at(-1)!;
      assert.ok(last.fractionLost > 5 && last.fractionLost < 60, `fraction lost ${last.fractionLost}/256 for 10 %`);
      assert.ok(reports.some((r) => r.jitter > 0));
      const transit = client.status().latency?.transitMs;
      assert.ok(transit !== undefined && transit > -5 && transit < 100, `transit ${transit} ms`);
    },
  );
});
