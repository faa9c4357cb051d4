/**
 * LSL figures for the README, on loopback:
 * - our outlet at 1000 Hz × 700 float32 channels (100 bodies × 7) feeding an inlet in another process
 *   that only counts bytes: every sample must arrive; the CPU share is this process's, i.e. the outlet's;
 * - our inlet reading `sightline sim lsl` (another process) at 64 channels × 2 kHz: every sample must
 *   arrive; the CPU share is this process's, i.e. the inlet's;
 * - outlet-to-inlet latency (push → decoded sample, both in this process), 1000 Hz × 7 channels.
 */
import { spawn } from 'node:child_process';
import { LslInlet } from '../../main/protocols/lsl/inlet';
import { LslOutlet } from '../../main/protocols/lsl/outlet';
import { lslLocalClock } from '../../main/protocols/lsl/time';
import { spawnCliSimulator } from './cli-simulator';

type Line = (name: string, value: string, target: string, met: boolean | null) => void;

const LOOPBACK = '127.0.0.1';

function cpuShare(start: NodeJS.CpuUsage, startMs: number): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / (performance.now() - startMs);
}

/** Pushes due samples on a 1 ms timer for `seconds`; returns how many it pushed. */
async function pushFor(outlet: LslOutlet, rateHz: number, seconds: number, values: () => number[]): Promise<number> {
  const start = lslLocalClock();
  let sent = 0;
  const total = Math.round(rateHz * seconds);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((lslLocalClock() - start) * rateHz));
      const chunk = [];
      for (; sent < due; sent++) chunk.push({ timestamp: start + sent / rateHz, values: values() });
      if (chunk.length) outlet.pushChunk(chunk);
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  return sent;
}

/** A consumer in another process: sends the feed request, counts bytes until the outlet closes. */
const COUNTER = `
const net = require('node:net');
const [port, uid] = process.argv.slice(1);
let bytes = 0;
const s = net.connect({ host: '127.0.0.1', port: Number(port) }, () =>
  s.write('LSL:streamfeed/110 ' + uid + '\\r\\nValue-Size: 4\\r\\nMax-Buffer-Length: 100000\\r\\n\\r\\n'));
s.on('data', (c) => (bytes += c.length));
s.on('close', () => { process.stdout.write(String(bytes) + '\\n'); });
s.on('error', () => {});
`;

async function outletBench(line: Line): Promise<void> {
  const channels = 700;
  const outlet = await LslOutlet.create({
    name: 'BenchMoCap',
    type: 'MoCap',
    channelCount: channels,
    channelFormat: 'float32',
    nominalSrate: 1000,
    sourceId: 'bench-mocap',
    bindAddress: LOOPBACK,
    responderPort: null,
    dataPort: 0,
    maxQueuedBytes: 64 << 20,
  });
  const child = spawn(process.execPath, ['-e', COUNTER, String(outlet.dataPort), outlet.info.uid], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const closed = new Promise((r) => child.on('exit', r));
  while (outlet.consumerCount === 0) await new Promise((r) => setTimeout(r, 10));
  const values = Array.from({ length: channels }, (_, k) => k * 0.001);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const pushed = await pushFor(outlet, 1000, 5, () => values);
  const share = cpuShare(cpu, t0);
  await new Promise((r) => setTimeout(r, 500));
  await outlet.close();
  await closed;
  const sampleBytes = 1 + 8 + 4 * channels;
  const header = 1024; // response + two test-pattern samples are at most this much more than whole samples
  const received = Math.floor((Number(out.trim()) - 2 * sampleBytes) / sampleBytes);
  line(
    'LSL outlet, 1000 Hz × 700 float32 channels (100 bodies), 5 s',
    `${received} of ${pushed} samples at the inlet, ${outlet.stats.samplesDropped} dropped`,
    'all arrive',
    received >= pushed - Math.ceil(header / sampleBytes) && outlet.stats.samplesDropped === 0,
  );
  line('  outlet process CPU share (measured under load)', `${(share * 100).toFixed(1)} % of one core`, '—', null);
}

async function inletBench(line: Line): Promise<void> {
  const sim = await spawnCliSimulator([
    'lsl',
    '--channels',
    '64',
    '--rate',
    '2000',
    '--no-markers',
    '--responder-port',
    '0',
    '--data-port',
    '0',
  ]);
  try {
    const listening = JSON.parse(sim.lines[0]!) as { streams: { uid: string; dataPort: number; name: string }[] };
    const s = listening.streams[0]!;
    let count = 0;
    let first = 0;
    let last = 0;
    const inlet = new LslInlet({
      stream: {
        address: LOOPBACK,
        info: {
          name: s.name,
          type: 'EEG',
          channelCount: 64,
          channelFormat: 'float32',
          sourceId: '',
          nominalSrate: 2000,
          version: 110,
          createdAt: 0,
          uid: s.uid,
          sessionId: 'default',
          hostname: '',
          v4address: '',
          v4dataPort: s.dataPort,
          v4servicePort: s.dataPort,
          v6address: '',
          v6dataPort: 0,
          v6servicePort: 0,
          desc: { name: 'desc', attributes: {}, text: undefined, children: [] },
        },
      },
      bindAddress: LOOPBACK,
      onSample: (x) => {
        if (count === 0) first = x.timestamp;
        last = x.timestamp;
        count++;
      },
    });
    inlet.start();
    while (count === 0) await new Promise((r) => setTimeout(r, 10));
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const startCount = count;
    await new Promise((r) => setTimeout(r, 5000));
    const share = cpuShare(cpu, t0);
    const got = count - startCount;
    const span = Math.round((last - first) * 2000) + 1;
    await inlet.close();
    line(
      'LSL inlet ← sim lsl (another process), 64 ch × 2 kHz, 5 s',
      `${got} samples (${Math.round(got / 5)}/s), ${count} of ${span} in sequence, ${inlet.stats.badFeeds} bad`,
      'all arrive',
      count === span && inlet.stats.badFeeds === 0,
    );
    line('  inlet process CPU share (measured under load)', `${(share * 100).toFixed(1)} % of one core`, '—', null);
  } finally {
    sim.child.kill('SIGINT');
  }
}

async function latencyBench(line: Line): Promise<void> {
  const outlet = await LslOutlet.create({
    name: 'BenchLatency',
    type: 'MoCap',
    channelCount: 7,
    channelFormat: 'float32',
    nominalSrate: 1000,
    sourceId: 'bench-latency',
    bindAddress: LOOPBACK,
    responderPort: null,
    dataPort: 0,
  });
  const latencies: number[] = [];
  let streaming = false;
  const inlet = new LslInlet({
    stream: { address: LOOPBACK, info: outlet.info },
    bindAddress: LOOPBACK,
    timeCorrection: false,
    onSample: (s) => latencies.push((lslLocalClock() - s.timestamp) * 1000),
    onState: (state) => (streaming ||= state === 'streaming'),
  });
  inlet.start();
  while (!streaming) await new Promise((r) => setTimeout(r, 10));
  const values = [1, 2, 3, 0, 0, 0, 1];
  // Each sample stamped when pushed: the latency is push → decoded in the inlet.
  const total = 5000;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      outlet.pushSample(values, lslLocalClock());
      if (++sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await new Promise((r) => setTimeout(r, 300));
  await inlet.close();
  await outlet.close();
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  line(
    'LSL outlet → inlet latency, loopback, 7 ch, one process',
    `p50 ${p(0.5).toFixed(2)} ms, p99 ${p(0.99).toFixed(2)} ms (${latencies.length} of ${total})`,
    'p99 < 5 ms',
    p(0.99) < 5,
  );
}

export async function benchLsl(line: Line): Promise<void> {
  await outletBench(line);
  await inletBench(line);
  await latencyBench(line);
}
