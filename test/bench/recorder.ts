/**
 * The recorder at every simulator's top rate: Motive 1000 Hz × 100 bodies, a Pupil Companion (gaze
 * 200 Hz, scene video 30 fps), VRPN 10 trackers × 1000 Hz and a Teleport server, each simulator in a
 * child process (`sightline sim …`) and every client in this process, first without and then with a
 * recording, so the CPU share the recorder adds to the main process is the difference. Lost = what a
 * client counted as dropped while recording + samples the recorder dropped; the file is read back to
 * count what is really in it.
 */
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../main/hub/hub';
import type { Source } from '../../main/hub/source';
import { NatNetClient } from '../../main/protocols/natnet/client';
import { PupilClient } from '../../main/protocols/pupil/client';
import { TeleportClient } from '../../main/protocols/teleport/client';
import { VrpnClient } from '../../main/protocols/vrpn/client';
import { scanRecording } from '../../main/recording/mcap-reader';
import { deviceOfTopic } from '../../main/recording/sample-decoding';
import { Recorder } from '../../main/recording/recorder';
import { spawnCliSimulator } from './cli-simulator';

export interface DeviceFigures {
  /** Samples the recorder was handed. */
  recorded: number;
  /** Sample messages of the device found in the file (one per sample: poses, gaze, video_frames, events, analog). */
  inFile: number;
  /** What the client counted as dropped while recording. */
  dropped: number;
  perSec: number;
}

export interface RecorderBenchResult {
  seconds: number;
  devices: Record<string, DeviceFigures>;
  /** Samples the recorder itself dropped (disk too slow). */
  recorderLost: number;
  messagesPerSec: number;
  bytesPerSec: number;
  /** Main-process CPU share without the recorder and with it (1.0 = one core). */
  cpuShareBaseline: number;
  cpuShareRecording: number;
}

const SAMPLE_STREAMS = new Set(['poses', 'gaze', 'video_frames', 'events', 'analog']);

async function cpuWindow(seconds: number): Promise<{ share: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  return { share: (cpu.user + cpu.system) / 1000 / wallMs, wallMs };
}

async function simulators(children: ChildProcess[]): Promise<Source[]> {
  const start = async (args: string[]): Promise<Record<string, unknown>> => {
    const { child, lines } = await spawnCliSimulator(args);
    children.push(child);
    return JSON.parse(lines[0]!) as Record<string, unknown>;
  };
  const motive = await start(['natnet', '--port', '0', '--data-port', '0', '--bodies', '100', '--rate', '1000']);
  const pupil = await start(['pupil', '--port', '0', '--rtsp-port', '0', '--time-echo-port', '0']);
  const vrpn = await start(['vrpn', '--port', '0', '--trackers', '10', '--sensors', '1', '--rate', '1000']);
  const teleport = await start(['teleport', '--discovery-port', '0', '--service-port', '0', '--nodes', '8']);
  return [
    new NatNetClient({ id: 'motive', host: '127.0.0.1', commandPort: motive.commandPort as number }),
    new PupilClient({ id: 'pupil', host: '127.0.0.1', port: pupil.port as number }),
    new VrpnClient({
      id: 'vrpn',
      host: '127.0.0.1',
      port: vrpn.port as number,
      devices: Array.from({ length: 10 }, (_, i) => `Tracker${i}`),
    }),
    new TeleportClient({ id: 'teleport', host: '127.0.0.1', discoveryPort: teleport.discoveryPort as number }),
  ];
}

export async function benchRecorder(seconds = 5): Promise<RecorderBenchResult> {
  const children: ChildProcess[] = [];
  const out = await mkdtemp(join(tmpdir(), 'sightline-bench-'));
  const hub = new Hub();
  try {
    const sources = await simulators(children);
    for (const source of sources) {
      hub.add(source);
      await hub.connect(source.id);
    }
    await new Promise((r) => setTimeout(r, 1500));
    const baseline = await cpuWindow(seconds);

    const before = new Map(sources.map((s) => [s.id, s.counters().dropped]));
    const recorder = await Recorder.start(hub, { outDir: out, sessionName: 'bench' });
    const recording = await cpuWindow(seconds);
    const summary = await recorder.stop();
    const inFile = new Map<string, number>();
    await scanRecording(recorder.mcapPath, {
      onMessage: (m) => {
        const device = deviceOfTopic(m.channel.topic);
        const stream = m.channel.topic.split('/')[2] ?? '';
        if (device && SAMPLE_STREAMS.has(stream)) inFile.set(device, (inFile.get(device) ?? 0) + 1);
      },
    });
    const wallS = recording.wallMs / 1000;
    const devices: Record<string, DeviceFigures> = {};
    for (const source of sources) {
      const recorded = summary.devices.find((d) => d.id === source.id)?.samples ?? 0;
      devices[source.id] = {
        recorded,
        inFile: inFile.get(source.id) ?? 0,
        dropped: source.counters().dropped - (before.get(source.id) ?? 0),
        perSec: recorded / wallS,
      };
    }
    return {
      seconds: wallS,
      devices,
      recorderLost: summary.lost,
      messagesPerSec: summary.messages / wallS,
      bytesPerSec: statSync(recorder.mcapPath).size / wallS,
      cpuShareBaseline: baseline.share,
      cpuShareRecording: recording.share,
    };
  } finally {
    await hub.close();
    for (const child of children) child.kill('SIGTERM');
    await rm(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRecorder().then((r) => console.log(JSON.stringify(r)));
}
