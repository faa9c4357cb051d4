/**
 * Pupil Companion figures for `npm run bench`:
 * - RTP parsing and H.264 depacketising throughput on the 1088×1080 demo stream (our parser, and
 *   werift-rtp's for comparison: why main/net/rtsp/rtp.ts is our own);
 * - main-process CPU share while a simulated Companion (another process) streams gaze at 200 Hz and
 *   scene video at 30 fps to a PupilClient in a Hub;
 * - gaze-to-frame matching error against the simulator's ground truth (in-process simulator: its
 *   events say when each frame and gaze sample really were, on the phone clock).
 */
import { RtpPacket } from 'werift-rtp';
import { Hub } from '../../main/hub/hub';
import type { GazeSample, VideoSample } from '../../main/hub/source';
import { H264Depacketizer, packetizeH264 } from '../../main/net/rtsp/h264-rtp';
import { encodeRtp, parseRtp } from '../../main/net/rtsp/rtp';
import { PupilClient } from '../../main/protocols/pupil/client';
import { loadSceneClip } from '../../main/protocols/pupil/scene-clip';
import { CompanionSimulator } from '../../main/protocols/pupil/simulator';
import { spawnCliSimulator } from './cli-simulator';

export interface PupilBenchResult {
  packets: number;
  streamBytes: number;
  depacketizeMBps: number;
  depacketizeFramesPerSec: number;
  ourParseMBps: number;
  weriftParseMBps: number;
  cpuShare: number;
  gazePerSec: number;
  framesPerSec: number;
  lost: number;
  matchErrorMs: { p50: number; p99: number; max: number; frames: number };
  rtcpMappingErrorUs: number;
}

function timeLoop(seconds: number, body: () => number): { perSec: number; units: number } {
  let units = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    units += body();
    elapsed = performance.now() - t0;
  }
  return { perSec: units / (elapsed / 1000), units };
}

function depacketizerThroughput() {
  const clip = loadSceneClip();
  const packets: Uint8Array[] = [];
  const markers: boolean[] = [];
  clip.units.forEach((nals, i) => {
    const payloads = packetizeH264(nals);
    payloads.forEach((p, j) => {
      packets.push(
        encodeRtp(
          {
            marker: j === payloads.length - 1,
            payloadType: 96,
            sequence: packets.length & 0xffff,
            timestamp: i * 3000,
            ssrc: 1,
          },
          p,
        ),
      );
      markers.push(j === payloads.length - 1);
    });
  });
  const streamBytes = packets.reduce((n, p) => n + p.length, 0);
  let frames = 0;
  const dep = timeLoop(2, () => {
    const d = new H264Depacketizer([clip.sps, clip.pps]);
    for (const b of packets) {
      const p = parseRtp(b);
      frames += d.push(p.payload, p.timestamp, p.marker).length;
    }
    return streamBytes;
  });
  const buffers = packets.map((p) => Buffer.from(p));
  const ours = timeLoop(1, () => {
    let n = 0;
    for (const b of packets) n += parseRtp(b).payload.length;
    return n > 0 ? streamBytes : 0;
  });
  const werift = timeLoop(1, () => {
    let n = 0;
    for (const b of buffers) n += RtpPacket.deSerialize(b).payload.length;
    return n > 0 ? streamBytes : 0;
  });
  return {
    packets: packets.length,
    streamBytes,
    depacketizeMBps: dep.perSec / 1e6,
    depacketizeFramesPerSec: (frames / dep.units) * dep.perSec,
    ourParseMBps: ours.perSec / 1e6,
    weriftParseMBps: werift.perSec / 1e6,
  };
}

async function cpuShare(seconds: number) {
  const { child, lines } = await spawnCliSimulator([
    'pupil',
    '--port',
    '0',
    '--rtsp-port',
    '0',
    '--time-echo-port',
    '0',
  ]);
  try {
    const { port } = JSON.parse(lines[0]!) as { port: number };
    const hub = new Hub();
    const client = new PupilClient({ id: 'bench-pupil', host: '127.0.0.1', port });
    hub.add(client);
    await hub.connect('bench-pupil');
    await new Promise((r) => setTimeout(r, 1000));
    let gaze = 0;
    let frames = 0;
    client.on('sample', (s) => (s.kind === 'gaze' ? gaze++ : s.kind === 'video' ? frames++ : 0));
    const before = client.counters();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const after = client.counters();
    await hub.close();
    return {
      cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
      gazePerSec: gaze / (wallMs / 1000),
      framesPerSec: frames / (wallMs / 1000),
      lost: after.dropped - before.dropped,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Nearest value in a sorted array (binary search). */
function nearest(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  const a = sorted[lo]!;
  const b = sorted[lo - 1];
  return b !== undefined && Math.abs(b - x) < Math.abs(a - x) ? b : a;
}

async function matching(seconds: number) {
  const sim = new CompanionSimulator({ port: 0, rtspPort: 0, timeEchoPort: 0, clockOffsetMs: 120 });
  const { port } = await sim.start();
  const truthGaze: number[] = [];
  const truthFrames: number[] = [];
  sim.on('gaze', (g) => truthGaze.push(g.wallNs));
  sim.on('frame', (f) => truthFrames.push(f.wallNs));
  const client = new PupilClient({ host: '127.0.0.1', port });
  const gaze: GazeSample[] = [];
  const video: VideoSample[] = [];
  client.on('sample', (s) => (s.kind === 'gaze' ? gaze.push(s) : s.kind === 'video' ? video.push(s) : 0));
  await client.connect();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await client.close();
  await sim.stop();
  // What the renderer does: for each frame, the gaze sample nearest in device time (host clock).
  const byDevice = gaze.filter((g) => g.deviceTimeNs !== undefined).sort((a, b) => a.deviceTimeNs! - b.deviceTimeNs!);
  const deviceTimes = byDevice.map((g) => g.deviceTimeNs!);
  const truthGazeSorted = [...truthGaze].sort((a, b) => a - b);
  const truthFramesSorted = [...truthFrames].sort((a, b) => a - b);
  const errors: number[] = [];
  let mappingErr = 0;
  for (const v of video) {
    if (v.deviceTimeNs === undefined || v.deviceClockNs === undefined || deviceTimes.length === 0) continue;
    // Frames before the gaze stream started (or after it ended) have no gaze to match: not an error.
    if (v.deviceTimeNs < deviceTimes[0]! || v.deviceTimeNs > deviceTimes.at(-1)!) continue;
    const d = nearest(deviceTimes, v.deviceTimeNs);
    const matched = byDevice[deviceTimes.indexOf(d)]!;
    // Ground truth: when the simulator really took that frame and that gaze sample.
    const frameTruth = nearest(truthFramesSorted, v.deviceClockNs);
    const gazeTruth = nearest(truthGazeSorted, matched.deviceClockNs!);
    mappingErr = Math.max(
      mappingErr,
      Math.abs(frameTruth - v.deviceClockNs),
      Math.abs(gazeTruth - matched.deviceClockNs!),
    );
    errors.push(Math.abs(gazeTruth - frameTruth) / 1e6);
  }
  errors.sort((a, b) => a - b);
  return {
    matchErrorMs: {
      p50: percentile(errors, 0.5),
      p99: percentile(errors, 0.99),
      max: errors.at(-1) ?? NaN,
      frames: errors.length,
    },
    rtcpMappingErrorUs: mappingErr / 1e3,
  };
}

export async function benchPupil(seconds = 5): Promise<PupilBenchResult> {
  const depacketizer = depacketizerThroughput();
  const cpu = await cpuShare(seconds);
  const match = await matching(Math.min(seconds, 4));
  return { ...depacketizer, ...cpu, ...match };
}

/** Prints the Pupil rows of `npm run bench` with the runner's line format. */
export async function reportPupilBench(
  line: (name: string, value: string, target: string, met: boolean | null) => void,
): Promise<void> {
  const r = await benchPupil();
  line(
    `Pupil H.264 depacketiser, 1088×1080 demo stream (${r.packets} RTP packets)`,
    `${Math.round(r.depacketizeMBps)} MB/s, ${Math.round(r.depacketizeFramesPerSec).toLocaleString('en')} frames/s`,
    '≫ 30 frames/s',
    r.depacketizeFramesPerSec > 3000,
  );
  line(
    '  RTP header parse: ours vs werift-rtp',
    `${Math.round(r.ourParseMBps)} vs ${Math.round(r.weriftParseMBps)} MB/s`,
    '—',
    null,
  );
  line(
    'Pupil main-process CPU, gaze 200 Hz + video 30 fps, 5 s',
    `${(r.cpuShare * 100).toFixed(1)} % of one core (${r.gazePerSec.toFixed(0)} gaze/s, ${r.framesPerSec.toFixed(1)} fps, ${r.lost} lost)`,
    '—',
    null,
  );
  line(
    'Pupil gaze-to-frame matching error vs ground truth',
    `p50 ${r.matchErrorMs.p50.toFixed(2)} ms, p99 ${r.matchErrorMs.p99.toFixed(2)} ms, max ${r.matchErrorMs.max.toFixed(2)} ms`,
    '≤ 2.5 ms',
    r.matchErrorMs.max <= 2.5,
  );
  line('  RTCP time mapping error (phone clock)', `${r.rtcpMappingErrorUs.toFixed(1)} µs max`, '—', null);
}

if (require.main === module) {
  benchPupil().then((r) => console.log(JSON.stringify(r, null, 2)));
}
