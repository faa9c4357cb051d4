/**
 * `npm run bench`: every figure the README quotes, measured in one run on this machine.
 * Rates and ratios only; nothing here is a pass/fail test (speed never goes in unit tests), but the
 * targets are printed next to each figure so a regression is visible at a glance.
 */
import os from 'node:os';
import { benchHubThroughput } from './hub-throughput';
import { benchLinkLatency } from './link-latency';
import { benchNatNetDecode } from './natnet-decode';
import { reportPupilBench } from './pupil';
import { benchPlots } from './plots';
import { reportRecorder } from './recorder-report';
import { benchVideoGaze, reportVideoGaze } from './video-gaze';
import { benchVrpn } from './vrpn';
import { benchTeleportEnet } from './teleport-enet';
import { benchLsl } from './lsl';

function line(name: string, value: string, target: string, met: boolean | null): void {
  const mark = met === null ? '   ' : met ? 'ok ' : 'MISS';
  console.log(`${mark.padEnd(4)} ${name.padEnd(52)} ${value.padEnd(36)} target ${target}`);
}

async function main(): Promise<void> {
  console.log(
    `Sightline benchmarks — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, node ${process.versions.node}, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (figures from a loaded machine are upper bounds)`,
  );

  const decode = await benchNatNetDecode();
  line(
    `NatNet 4.1 decode (50 RBs + 200 markers, ${decode.frameBytes} B)`,
    `${Math.round(decode.framesPerSec).toLocaleString('en')} frames/s, ${Math.round(decode.mbPerSec)} MB/s`,
    '≥ 50,000 frames/s',
    decode.framesPerSec >= 50_000,
  );

  const hub = await benchHubThroughput(1000, 100, 5);
  line(
    'Hub ← simulator, 1000 Hz × 100 rigid bodies, 5 s',
    `${hub.framesReceived} frames, ${hub.framesLost} lost, ${hub.malformed} malformed`,
    '0 lost',
    hub.framesLost === 0,
  );
  line('  main-process CPU share at that rate', `${(hub.cpuShare * 100).toFixed(1)} % of one core`, '—', null);

  await reportRecorder(line);
  await benchVrpn(line);

  await benchTeleportEnet(line);

  await benchLsl(line);

  for (const rate of [120, 1000]) {
    const lat = await benchLinkLatency(rate, 10, 5);
    if ('skipped' in lat) {
      line(`arrival → renderer store, ${rate} Hz`, 'skipped', lat.skipped, null);
      continue;
    }
    line(
      `arrival → renderer store (headless, Chromium), ${rate} Hz × 10 bodies`,
      `p50 ${lat.p50Ms.toFixed(1)} ms, p99 ${lat.p99Ms.toFixed(1)} ms`,
      'p50 < 5 ms, p99 < 20 ms',
      lat.p50Ms < 5 && lat.p99Ms < 20,
    );
    line(
      '  batches to the renderer / render rate',
      `${lat.batchesPerSec.toFixed(1)} batches/s, ${lat.renderFps} fps`,
      '≈ display rate',
      null,
    );
  }

  await reportPupilBench(line);
  reportVideoGaze(await benchVideoGaze(10), line);

  const plots = await benchPlots(5);
  if ('skipped' in plots) line('Plots: six series at 1000 Hz', 'skipped', plots.skipped, null);
  else {
    line(
      'Plots (Chromium): six series at 1000 Hz in one 10 s plot',
      `${plots.plotFps.toFixed(1)} fps (${plots.idleFps.toFixed(1)} without)`,
      'the frame rate holds (≥ 90 % of it)',
      plots.plotFps >= 0.9 * plots.idleFps,
    );
    line(
      '  the plot per frame (buffers → uPlot data)',
      `p50 ${plots.updateP50Ms.toFixed(2)} ms, p99 ${plots.updateP99Ms.toFixed(2)} ms`,
      '—',
      null,
    );
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
