/**
 * The recorder, three ways:
 *
 * 1. Top rate: Motive 1000 Hz × 100 bodies, a Pupil Companion (gaze 200 Hz, scene video 30 fps),
 *    VRPN 10 trackers × 1000 Hz and a Teleport server, each simulator in a child process
 *    (`sightline sim …`) and every client in this process, first without and then with a
 *    recording. The sockets' thread (this process's main thread) is measured on its own: its CPU
 *    from /proc/self/task (the recorder's worker thread is not in it) and its event-loop delay.
 *    Losses: the recorder's four counters per device, and the file read back.
 * 2. The realistic lab (defined once, here): Motive 360 Hz × 30 bodies, a Neon (gaze + scene
 *    video), two VRPN trackers at 120 Hz and a Teleport server: MB/s on disk, and bytes written ÷
 *    bytes received from the devices.
 * 3. The worker's core alone on one core: synthetic Motive frames in, messages/s and MB/s.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Hub, type DeviceRef } from '../../main/hub/hub';
import type { PosesSample, Source } from '../../main/hub/source';
import type { LossCounters } from '../../preload/api';
import { NatNetClient } from '../../main/protocols/natnet/client';
import { PupilClient } from '../../main/protocols/pupil/client';
import { TeleportClient } from '../../main/protocols/teleport/client';
import { VrpnClient } from '../../main/protocols/vrpn/client';
import { compressionReady } from '../../main/recording/compression';
import { SamplePacker } from '../../main/recording/handoff-codec';
import { scanRecording } from '../../main/recording/mcap-reader';
import { deviceOfTopic } from '../../main/recording/sample-decoding';
import { Recorder } from '../../main/recording/recorder';
import { RecordingCore } from '../../main/recording/recording-core';
import { FakeSource } from '../helpers/fake-source';
import { spawnCliSimulator } from './cli-simulator';

export interface DeviceFigures {
  /** Samples the recorder was handed. */
  recorded: number;
  /** Sample messages of the device found in the file (one per sample: poses, gaze, video_frames, events, analog). */
  inFile: number;
  losses: LossCounters;
  perSec: number;
}

export interface RecorderBenchResult {
  seconds: number;
  devices: Record<string, DeviceFigures>;
  lost: number;
  messagesPerSec: number;
  bytesPerSec: number;
  /** The sockets' thread's CPU share without the recorder and with it (1.0 = one core). */
  cpuShareBaseline: number;
  cpuShareRecording: number;
  /** The whole process (the recorder's worker included), without and with the recorder. */
  processShareBaseline: number;
  processShareRecording: number;
  /** Whether the share is the main thread's alone (Linux) or the whole process's. */
  perThread: boolean;
  /** Event-loop delay of the sockets' thread while recording, p99 ms. */
  loopDelayP99Ms: number;
  /** The same without the recorder (the devices alone), p99 ms. */
  loopDelayP99BaselineMs: number;
}

export interface LabBenchResult {
  seconds: number;
  bytesPerSec: number;
  receivedBytesPerSec: number;
  ratio: number;
  lost: number;
}

export interface WorkerBenchResult {
  messagesPerSec: number;
  mbInPerSec: number;
  mbOutPerSec: number;
}

const SAMPLE_STREAMS = new Set(['poses', 'gaze', 'video_frames', 'events', 'analog']);

/** CPU seconds of this process's main thread (Linux), else of the whole process. */
function mainThreadCpuS(): { seconds: number; perThread: boolean } {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime: fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return { seconds: (Number(fields[11]) + Number(fields[12])) / 100, perThread: true };
  } catch {
    const u = process.cpuUsage();
    return { seconds: (u.user + u.system) / 1e6, perThread: false };
  }
}

async function cpuWindow(
  seconds: number,
): Promise<{ share: number; processShare: number; wallMs: number; perThread: boolean }> {
  const cpu0 = mainThreadCpuS();
  const process0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu1 = mainThreadCpuS();
  const process1 = process.cpuUsage(process0);
  const wallMs = performance.now() - t0;
  return {
    share: ((cpu1.seconds - cpu0.seconds) * 1000) / wallMs,
    processShare: (process1.user + process1.system) / 1000 / wallMs,
    wallMs,
    perThread: cpu1.perThread,
  };
}

async function startSimulators(children: ChildProcess[], lab: boolean): Promise<Source[]> {
  const start = async (args: string[]): Promise<Record<string, unknown>> => {
    const { child, lines } = await spawnCliSimulator(args);
    children.push(child);
    return JSON.parse(lines[0]!) as Record<string, unknown>;
  };
  const [bodies, rate, trackers, trackerRate] = lab ? [30, 360, 2, 120] : [100, 1000, 10, 1000];
  const motive = await start([
    'natnet',
    '--port',
    '0',
    '--data-port',
    '0',
    '--bodies',
    `${bodies}`,
    '--rate',
    `${rate}`,
  ]);
  const pupil = await start(['pupil', '--port', '0', '--rtsp-port', '0', '--time-echo-port', '0']);
  const vrpn = await start([
    'vrpn',
    '--port',
    '0',
    '--trackers',
    `${trackers}`,
    '--sensors',
    '1',
    '--rate',
    `${trackerRate}`,
  ]);
  const teleport = await start(['teleport', '--discovery-port', '0', '--service-port', '0', '--nodes', '8']);
  return [
    new NatNetClient({ id: 'motive', host: '127.0.0.1', commandPort: motive.commandPort as number }),
    new PupilClient({ id: 'pupil', host: '127.0.0.1', port: pupil.port as number }),
    new VrpnClient({
      id: 'vrpn',
      host: '127.0.0.1',
      port: vrpn.port as number,
      devices: Array.from({ length: trackers }, (_, i) => `Tracker${i}`),
    }),
    new TeleportClient({ id: 'teleport', host: '127.0.0.1', discoveryPort: teleport.discoveryPort as number }),
  ];
}

async function withDevices<T>(
  lab: boolean,
  run: (hub: Hub, sources: Source[], out: string) => Promise<T>,
  keepIn?: string,
): Promise<T> {
  const children: ChildProcess[] = [];
  const out = keepIn ?? (await mkdtemp(join(tmpdir(), 'sightline-bench-')));
  const hub = new Hub();
  try {
    const sources = await startSimulators(children, lab);
    for (const source of sources) {
      hub.add(source);
      await hub.connect(source.id);
    }
    await new Promise((r) => setTimeout(r, 1500));
    return await run(hub, sources, out);
  } finally {
    await hub.close();
    for (const child of children) child.kill('SIGTERM');
    if (!keepIn) await rm(out, { recursive: true, force: true });
  }
}

export function benchRecorder(seconds = 10): Promise<RecorderBenchResult> {
  return withDevices(false, async (hub, sources, out) => {
    const baselineDelay = monitorEventLoopDelay({ resolution: 1 });
    baselineDelay.enable();
    const baseline = await cpuWindow(seconds);
    baselineDelay.disable();
    const recorder = await Recorder.start(hub, { outDir: out, sessionName: 'bench' });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const recording = await cpuWindow(seconds);
    delay.disable();
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
      const d = summary.devices.find((x) => x.id === source.id);
      devices[source.id] = {
        recorded: d?.samples ?? 0,
        inFile: inFile.get(source.id) ?? 0,
        losses: d?.losses ?? { frameGaps: 0, kernelDrops: null, handoffOverflows: 0, recorderLosses: 0 },
        perSec: (d?.samples ?? 0) / wallS,
      };
    }
    return {
      seconds: wallS,
      devices,
      lost: summary.lost,
      messagesPerSec: summary.messages / wallS,
      bytesPerSec: statSync(recorder.mcapPath).size / wallS,
      cpuShareBaseline: baseline.share,
      cpuShareRecording: recording.share,
      processShareBaseline: baseline.processShare,
      processShareRecording: recording.processShare,
      perThread: recording.perThread,
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      loopDelayP99BaselineMs: baselineDelay.percentile(99) / 1e6,
    };
  });
}

/** `keepIn`: a folder where the recording is left for inspection (`sightline info`). */
export function benchRecorderLab(seconds = 30, keepIn?: string): Promise<LabBenchResult> {
  return withDevices(
    true,
    async (hub, sources, out) => {
      const received0 = sources.reduce((n, s) => n + s.counters().bytes, 0);
      const recorder = await Recorder.start(hub, { outDir: out, sessionName: 'lab' });
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const summary = await recorder.stop();
      const wallS = (performance.now() - t0) / 1000;
      const received = sources.reduce((n, s) => n + s.counters().bytes, 0) - received0;
      const written = statSync(recorder.mcapPath).size;
      return {
        seconds: wallS,
        bytesPerSec: written / wallS,
        receivedBytesPerSec: received / wallS,
        ratio: written / received,
        lost: summary.lost,
      };
    },
    keepIn,
  );
}

export interface HandOffBenchResult {
  /** Sockets'-thread CPU per sample the recorder adds, µs (thread CPU in 10 ms ticks, so ± 10 ms ÷ samples). */
  motiveUs: number;
  vrpnUs: number;
  motiveSamples: number;
  vrpnSamples: number;
}

/**
 * The sockets' thread's own cost per sample handed to the recorder, without sockets: the same
 * samples through a Hub with and without a recording, paced so that the worker keeps up (no
 * overflow), the thread's CPU time compared. Motive-like: 100 bodies, 300 labeled markers and the
 * decoded NatNet frame; VRPN-like: every one of 10 trackers in each update, as the VRPN client sends.
 */
export async function benchRecorderHandOff(motiveSamples = 20_000, vrpnSamples = 100_000): Promise<HandOffBenchResult> {
  const frame = (i: number): PosesSample => {
    const labeledMarkers = Array.from({ length: 300 }, (_, k) => ({
      id: ((k % 100) + 1) * 65536 + k,
      modelId: (k % 100) + 1,
      markerId: k,
      x: Math.sin(k + i),
      y: 1,
      z: Math.cos(k + i),
      size: 0.014,
      params: 0,
      residual: 0.0002,
    }));
    const bodies = Array.from({ length: 100 }, (_, b) => ({
      id: b + 1,
      x: Math.sin(i + b),
      y: 1,
      z: Math.cos(i + b),
      qx: 0,
      qy: 0,
      qz: 0,
      qw: 1,
      valid: true,
    }));
    const raw = {
      frameNumber: i,
      markerSets: [],
      legacyMarkers: [],
      rigidBodies: [],
      skeletons: [],
      assets: [],
      labeledMarkers,
      forcePlates: [],
      devices: [],
      timecode: 0,
      timecodeSubframe: 0,
      timestamp: i / 1000,
      cameraMidExposureTicks: i * 1e4,
      cameraDataReceivedTicks: i * 1e4 + 10,
      transmitTicks: i * 1e4 + 20,
      params: 0,
    };
    return {
      kind: 'poses',
      hostTimeNs: 1.7e18 + i * 1e6,
      deviceTimeNs: 1.7e18 + i * 1e6 - 1e5,
      deviceClockNs: i * 1e9,
      frameNumber: i,
      bodies,
      markers: Float32Array.from(labeledMarkers.flatMap((m) => [m.x, m.y, m.z])),
      raw,
    };
  };
  const update = (i: number): PosesSample => ({
    kind: 'poses',
    hostTimeNs: 1.7e18 + i * 1e5,
    deviceTimeNs: 1.7e18 + i * 1e5 - 1e5,
    deviceClockNs: 1.7e18 + i * 1e5,
    bodies: Array.from({ length: 10 }, (_, b) => ({
      id: b + 1,
      x: i / 1000,
      y: b,
      z: 0.5,
      qx: 0,
      qy: 0,
      qz: Math.sin(i),
      qw: Math.cos(i),
      valid: true,
    })),
    raw: { device: `Tracker${i % 10}`, sensor: 0 },
  });
  const cost = async (kind: string, make: (i: number) => PosesSample, count: number): Promise<number> => {
    const samples = Array.from({ length: 100 }, (_, i) => make(i));
    const run = async (record: boolean): Promise<number> => {
      const hub = new Hub();
      const source = new FakeSource({ id: kind, kind });
      hub.add(source);
      await hub.connect(kind);
      const out = await mkdtemp(join(tmpdir(), 'sightline-bench-'));
      const recorder = record ? await Recorder.start(hub, { outDir: out, sessionName: 'handoff' }) : undefined;
      const cpu0 = mainThreadCpuS().seconds;
      for (let i = 0; i < count; i += samples.length) {
        for (const sample of samples) source.emit('sample', sample);
        // Paced: the worker keeps up, as at a device's rate (an overflow would be cheaper than a hand-off).
        while (recorder && recorder.counts().pendingBytes > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
        await new Promise((r) => setImmediate(r));
      }
      const cpu = mainThreadCpuS().seconds - cpu0;
      if (recorder) {
        await recorder.stop();
        const lost = recorder.counts().lost;
        if (lost > 0) throw new Error(`the hand-off bench lost ${lost} samples`);
      }
      await hub.close();
      await rm(out, { recursive: true, force: true });
      return cpu;
    };
    const without = await run(false);
    const withRecorder = await run(true);
    return ((withRecorder - without) * 1e6) / count;
  };
  await compressionReady();
  return {
    motiveUs: await cost('natnet', frame, motiveSamples),
    vrpnUs: await cost('vrpn', update, vrpnSamples),
    motiveSamples,
    vrpnSamples,
  };
}

/** The worker's core alone: Motive-like frames (30 bodies, 100 markers) in, to a file that discards. */
export async function benchRecorderWorker(seconds = 3): Promise<WorkerBenchResult> {
  await compressionReady();
  let out = 0;
  const core = new RecordingCore(
    {
      write: async (bytes) => {
        out += bytes.byteLength;
      },
      close: async () => {},
    },
    'bench',
    { maxChunkBytes: 1024 * 1024, library: 'bench', compression: 'zstd' },
    () => {},
  );
  const ref: DeviceRef = { id: 'motive', handle: 1, kind: 'natnet', label: 'Motive', simulated: true };
  await core.handle({ t: 'device', ref, index: 0 });
  const frame = (i: number): PosesSample => ({
    kind: 'poses',
    hostTimeNs: 1.7e18 + i * 2.78e6,
    deviceTimeNs: 1.7e18 + i * 2.78e6 - 1e6,
    frameNumber: i,
    bodies: Array.from({ length: 30 }, (_, b) => ({
      id: b + 1,
      x: Math.sin(i / 100 + b),
      y: 1 + b / 10,
      z: Math.cos(i / 100 + b),
      qx: 0,
      qy: Math.sin(i / 200),
      qz: 0,
      qw: Math.cos(i / 200),
      valid: true,
    })),
    markers: Float32Array.from({ length: 300 }, (_, k) => Math.sin(i / 50 + k)),
  });
  // Packed once as the sockets' thread packs them: the worker's unpacking is in the figure, the packing is not.
  const packer = new SamplePacker();
  for (let i = 0; i < 100; i++) packer.add(0, frame(i));
  const batch = packer.take();
  const t0 = performance.now();
  let inBytes = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await core.handle({ t: 'packed', batch, bytes: 0 });
    core.flush();
    inBytes += batch.count * (30 * 8 * 8 + 300 * 4);
  }
  const s = (performance.now() - t0) / 1000;
  const stats = core.progress();
  return { messagesPerSec: stats.messages / s, mbInPerSec: inBytes / s / 1e6, mbOutPerSec: out / s / 1e6 };
}

if (require.main === module) {
  void (async () => {
    console.log(JSON.stringify(await benchRecorderWorker()));
    console.log(JSON.stringify(await benchRecorder()));
    console.log(JSON.stringify(await benchRecorderLab(15)));
  })();
}
