/** The recorder's bench lines (test/bench/recorder.ts), with the targets and the figures before the worker. */
import { benchRecorder, benchRecorderHandOff, benchRecorderLab, benchRecorderWorker } from './recorder';

type Line = (name: string, value: string, target: string, met: boolean | null) => void;

const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;

export async function reportRecorder(line: Line): Promise<void> {
  const rec = await benchRecorder(10);
  for (const [id, d] of Object.entries(rec.devices)) {
    const l = d.losses;
    line(
      `Recorder, every simulator at top rate, 10 s: ${id}`,
      `${d.recorded} samples (${Math.round(d.perSec).toLocaleString('en')}/s), ${d.inFile} in the file; gaps ${l.frameGaps}, kernel ${l.kernelDrops ?? 'n/a'}, overflow ${l.handoffOverflows}, recorder ${l.recorderLosses}`,
      'all in the file; 0 gaps, 0 kernel, 0 overflow, 0 recorder (before: Motive 12 % lost)',
      d.inFile === d.recorded &&
        l.frameGaps === 0 &&
        !l.kernelDrops &&
        l.handoffOverflows === 0 &&
        l.recorderLosses === 0,
    );
  }
  line(
    '  written at top rate',
    `${(rec.bytesPerSec / 1e6).toFixed(1)} MB/s, ${Math.round(rec.messagesPerSec).toLocaleString('en')} messages/s, lost ${rec.lost}`,
    '0 lost',
    rec.lost === 0,
  );
  const added = rec.cpuShareRecording - rec.cpuShareBaseline;
  line(
    `  sockets' thread CPU added by recording${rec.perThread ? '' : ' (whole process)'}`,
    `${pct(added)} of one core (${pct(rec.cpuShareBaseline)} → ${pct(rec.cpuShareRecording)})`,
    '≤ 10 % (before: +79 %)',
    added <= 0.1,
  );
  line(
    "  whole process CPU (the recorder's worker included)",
    `${pct(rec.processShareBaseline)} → ${pct(rec.processShareRecording)} of one core`,
    'for information',
    null,
  );
  line(
    "  sockets' thread event-loop delay while recording",
    `p99 ${rec.loopDelayP99Ms.toFixed(1)} ms (${rec.loopDelayP99BaselineMs.toFixed(1)} ms without recording)`,
    '≤ 10 ms',
    rec.loopDelayP99Ms <= 10,
  );

  const handOff = await benchRecorderHandOff();
  line(
    "  sockets' thread CPU per sample handed over (no sockets; thread CPU)",
    `Motive 100 bodies + 300 markers: ${handOff.motiveUs.toFixed(1)} µs; VRPN 10 trackers: ${handOff.vrpnUs.toFixed(2)} µs`,
    'for information (what the +CPU above is made of)',
    null,
  );

  const lab = await benchRecorderLab(30);
  line(
    'Recorder, realistic lab (Motive 360 Hz × 30, Neon, 2 VRPN × 120 Hz, Teleport), 30 s',
    `${(lab.bytesPerSec / 1e6).toFixed(2)} MB/s on disk (${(lab.receivedBytesPerSec / 1e6).toFixed(2)} MB/s received), lost ${lab.lost}`,
    '≤ 1.0 MB/s (before: 4.2 MB/s)',
    lab.bytesPerSec <= 1e6,
  );
  line('  bytes written ÷ bytes received', lab.ratio.toFixed(2), '≤ 0.33', lab.ratio <= 0.33);

  const worker = await benchRecorderWorker(3);
  line(
    "Recorder worker's core alone (Motive 30 bodies + 100 markers, zstd)",
    `${Math.round(worker.messagesPerSec).toLocaleString('en')} messages/s, ${worker.mbInPerSec.toFixed(1)} MB/s in, ${worker.mbOutPerSec.toFixed(2)} MB/s out`,
    'headroom over the top rate',
    null,
  );
}
