/**
 * Soak: `npm run soak -- --minutes N [--config FILE] [--out DIR]` records demo mode (or the devices
 * of a device file) for N minutes. Every minute it prints the process's RSS and the recorder
 * worker's heap; at the end, per device, the samples its source counted during the recording, the
 * samples handed to the recorder, the losses, and the samples found in the file (read back with
 * the playback reader). Exits 1 when the file does not hold every sample the recorder was handed.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfigPath } from '../../main/config';
import { setupDevices } from '../../main/demo';
import { Hub } from '../../main/hub/hub';
import { scanRecording } from '../../main/recording/mcap-reader';
import { Recorder } from '../../main/recording/recorder';

/** The channel that holds one message per sample of each kind. */
const SAMPLE_TOPICS = ['poses', 'gaze', 'video_frames', 'events', 'analog'];

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      minutes: { type: 'string', default: '1' },
      config: { type: 'string' },
      out: { type: 'string', default: join('test-results', 'soak') },
      keep: { type: 'boolean', default: false },
    },
  });
  const minutes = Number(values.minutes);
  if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error('--minutes must be between 0 and 1440');
  const hub = new Hub();
  const devices = await setupDevices(hub, {
    demo: values.config === undefined,
    configPath: values.config,
    defaultConfigPath: defaultConfigPath(),
  });
  // Let the devices connect and settle before the baseline.
  await new Promise((r) => setTimeout(r, 3000));
  const recorder = await Recorder.start(hub, { outDir: values.out, sessionName: 'soak' });
  // The sources' counts from here on (the recorder's sink was attached a few ms before).
  const before = new Map(hub.snapshots().map((d) => [d.id, d.health.samples]));
  const startedAt = Date.now();
  console.log(`soak: recording ${values.config ?? 'demo mode'} for ${minutes} min into ${recorder.folder}`);
  const report = (): void => {
    const c = recorder.counts();
    const elapsed = (Date.now() - startedAt) / 60_000;
    console.log(
      `soak ${elapsed.toFixed(1)} min: rss ${mb(process.memoryUsage().rss)}, worker heap ${mb(c.workerHeapBytes)}, ` +
        `${c.messages} messages, ${mb(c.written)} written (${mb(c.disk.bytesPerSecond)}/s), lost ${c.lost}, queue ${mb(c.pendingBytes)}`,
    );
  };
  const ticker = setInterval(report, 60_000);
  await new Promise((r) => setTimeout(r, minutes * 60_000));
  clearInterval(ticker);
  report();
  const sourceCounted = new Map(hub.snapshots().map((d) => [d.id, d.health.samples - (before.get(d.id) ?? 0)]));
  const summary = await recorder.stop();
  await hub.close();
  await devices.close();

  const inFile = new Map<string, number>();
  const scan = await scanRecording(recorder.mcapPath, {
    onMessage: (m) => {
      const [, device, stream] = m.channel.topic.split('/');
      if (device && stream && SAMPLE_TOPICS.includes(stream)) inFile.set(device, (inFile.get(device) ?? 0) + 1);
    },
  });
  let ok = scan.complete;
  console.log(`soak: file ${mb(scan.fileBytes)}, complete ${scan.complete}, lost ${summary.lost}`);
  for (const d of summary.devices) {
    const file = inFile.get(d.id) ?? 0;
    const l = d.losses!;
    console.log(
      `soak: ${d.id}: source counted ${sourceCounted.get(d.id) ?? 0}, handed to the recorder ${d.samples}, in the file ${file}; ` +
        `gaps ${l.frameGaps}, kernel ${l.kernelDrops ?? 'n/a'}, overflow ${l.handoffOverflows}, recorder ${l.recorderLosses}`,
    );
    // Every sample handed over is in the file, unless the recorder counted it lost.
    if (file + l.recorderLosses !== d.samples) ok = false;
  }
  if (!values.keep) rmSync(recorder.folder, { recursive: true, force: true });
  console.log(ok ? 'soak: ok' : 'soak: FAILED (the file does not hold every sample handed over)');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak: ${(error as Error).message}`);
    process.exit(2);
  },
);
