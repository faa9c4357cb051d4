/**
 * The recorder at full rate: Motive (simulated in a child process) at 1000 Hz × 100 bodies into the
 * Hub, first without and then with a recording running, so the CPU share the recorder adds to the
 * main process is the difference. Lost = frames the Hub never got (sequence gaps) + samples the
 * recorder dropped; the file is read back to count what is really in it.
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { Hub } from '../../main/hub/hub';
import type { Source, SourceCounters, SourceEvents, SourceStatus, VideoSample } from '../../main/hub/source';
import { hostTimeNs } from '../../main/time/host-clock';
import { NatNetClient } from '../../main/protocols/natnet/client';
import { scanRecording } from '../../main/recording/mcap-reader';
import { Recorder } from '../../main/recording/recorder';
import { spawnMotiveSimulator } from './simulator-child';

export interface RecorderBenchResult {
  rateHz: number;
  bodies: number;
  seconds: number;
  framesReceived: number;
  /** Frames the recorder was handed. */
  framesRecorded: number;
  /** Frames the Hub never got while recording + samples the recorder dropped. */
  lost: number;
  /** Pose messages found in the file. */
  posesInFile: number;
  /** The synthetic eye tracker's gaze and video samples: handed to the recorder, found in the file. */
  eyeSamplesRecorded: number;
  eyeSamplesInFile: number;
  gazePerSec: number;
  videoPerSec: number;
  messagesPerSec: number;
  bytesPerSec: number;
  /** Main-process CPU share without the recorder and with it (1.0 = one core). */
  cpuShareBaseline: number;
  cpuShareRecording: number;
}

async function cpuWindow(seconds: number): Promise<{ share: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  return { share: (cpu.user + cpu.system) / 1000 / wallMs, wallMs };
}

/**
 * A stand-in for an eye tracker until its simulator lands: gaze at 200 Hz and 30 fps of H.264-sized
 * access units (a 40 kB key frame each second, 12 kB otherwise), emitted in this process.
 */
class SyntheticEyeTracker extends EventEmitter<SourceEvents> implements Source {
  readonly id = 'eyes';
  readonly kind = 'pupil' as const;
  readonly label = 'Synthetic eye tracker';
  readonly capabilities = {};
  private timers: ReturnType<typeof setInterval>[] = [];
  private sent = 0;
  async connect(): Promise<void> {
    const key = new Uint8Array(40_000).fill(7);
    const delta = new Uint8Array(12_000).fill(9);
    const t0 = performance.now();
    let gaze = 0;
    let frames = 0;
    // Timers run late on a busy loop: each tick emits every sample that is due, so the rates hold.
    this.timers.push(
      setInterval(() => {
        const elapsedS = (performance.now() - t0) / 1000;
        for (; gaze < elapsedS * 200; gaze++) {
          this.sent++;
          this.emit('sample', {
            kind: 'gaze',
            hostTimeNs: hostTimeNs(),
            x: Math.random(),
            y: Math.random(),
            worn: true,
          });
        }
        for (; frames < elapsedS * 30; frames++) {
          this.sent++;
          const isKey = frames % 30 === 0;
          const sample: VideoSample = {
            kind: 'video',
            hostTimeNs: hostTimeNs(),
            key: isKey,
            ptsUs: frames * 33_333,
            data: isKey ? key : delta,
            width: 1600,
            height: 1200,
          };
          this.emit('sample', sample);
        }
      }, 5),
    );
  }
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
  counters(): SourceCounters {
    return { packets: this.sent, bytes: 0, samples: this.sent, malformed: 0, dropped: 0 };
  }
  status(): SourceStatus {
    return { state: 'streaming' };
  }
}

export async function benchRecorder(rateHz = 1000, bodies = 100, seconds = 5): Promise<RecorderBenchResult> {
  const { commandPort, child } = await spawnMotiveSimulator(rateHz, bodies);
  const out = await mkdtemp(join(tmpdir(), 'sightline-bench-'));
  const hub = new Hub();
  try {
    const client = new NatNetClient({ id: 'bench', host: '127.0.0.1', commandPort });
    hub.add(client);
    await hub.connect('bench');
    const eyes = new SyntheticEyeTracker();
    hub.add(eyes);
    await hub.connect('eyes');
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = await cpuWindow(seconds);

    const before = client.counters();
    const recorder = await Recorder.start(hub, { outDir: out, sessionName: 'bench' });
    const recording = await cpuWindow(seconds);
    const summary = await recorder.stop();
    const after = client.counters();
    let poses = 0;
    let gaze = 0;
    let video = 0;
    await scanRecording(recorder.mcapPath, {
      onMessage: (m) => {
        if (m.channel.topic === '/bench/poses') poses++;
        else if (m.channel.topic === '/eyes/gaze') gaze++;
        else if (m.channel.topic === '/eyes/video') video++;
      },
    });
    const eyesRecorded = summary.devices.find((d) => d.id === 'eyes')?.samples ?? 0;
    const bytes = statSync(recorder.mcapPath).size;
    return {
      rateHz,
      bodies,
      seconds: recording.wallMs / 1000,
      framesReceived: after.samples - before.samples,
      framesRecorded: summary.devices.find((d) => d.id === 'bench')?.samples ?? 0,
      lost: after.dropped - before.dropped + summary.lost,
      posesInFile: poses,
      eyeSamplesRecorded: eyesRecorded,
      eyeSamplesInFile: gaze + video,
      gazePerSec: gaze / (recording.wallMs / 1000),
      videoPerSec: video / (recording.wallMs / 1000),
      messagesPerSec: summary.messages / (recording.wallMs / 1000),
      bytesPerSec: bytes / (recording.wallMs / 1000),
      cpuShareBaseline: baseline.share,
      cpuShareRecording: recording.share,
    };
  } finally {
    await hub.close();
    child.kill('SIGTERM');
    await rm(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRecorder().then((r) => console.log(JSON.stringify(r)));
}
