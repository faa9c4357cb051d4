/**
 * The two ends of an LSL bench run, ours or liblsl's, so that every pairing is measured the same way:
 * - an outlet pushes float32 samples on a 1 ms tick, and its CPU share is its own process's CPU time
 *   (every thread) over the wall time it spent pushing;
 * - an inlet takes the stream's samples; its CPU share is its own process's over a window that starts
 *   with the first sample; its latency is push → decoded sample on LSL's clock (CLOCK_MONOTONIC here,
 *   which liblsl's lsl_local_clock and our lslLocalClock both read).
 * Our ends run in the bench's process (or `sim lsl`'s), liblsl's in test/interop/lsl/lsl-bench-peer.c.
 * Every wait is bounded and every child process is ended, also when a run fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fetchFullInfo, LslInlet } from '../../main/protocols/lsl/inlet';
import { shortInfoXml } from '../../main/protocols/lsl/info';
import { LslOutlet } from '../../main/protocols/lsl/outlet';
import type { ResolvedStream } from '../../main/protocols/lsl/resolver';
import { lslLocalClock } from '../../main/protocols/lsl/time';
import { CPeer } from '../helpers/enet-echo';
import { sleep, waitFor } from '../integration/natnet-helpers';
import { spawnCliSimulator } from './cli-simulator';

export const LOOPBACK = '127.0.0.1';

/** A compiled lsl-bench-peer and the environment (lsl_api.cfg) that keeps it on loopback. */
export interface LiblslPeer {
  binary: string;
  env: NodeJS.ProcessEnv;
}

export type Stamp = 'nominal' | 'now';

export interface PushPlan {
  name: string;
  channels: number;
  rateHz: number;
  /** 0: until closed (liblsl's outlet only; ours runs continuously as `sim lsl`). */
  seconds: number;
  /** nominal: due samples as one chunk per tick, stamped start + i / rate; now: one per tick, stamped when pushed. */
  stamp: Stamp;
  /** The push period, 1 ms unless said. */
  tickMs?: number;
}

export interface Pushed {
  pushed: number;
  cpuShare: number;
  /** Samples the outlet itself dropped (liblsl does not say: undefined). */
  dropped: number | undefined;
}

export interface Source {
  stream: ResolvedStream;
  /** Lets an outlet that waits for its inlet start pushing (no-op for one already pushing). */
  go(): void;
  /** Ends the stream (its consumers see it close) and its process; safe to call twice. */
  close(): Promise<void>;
}

export interface PushingOutlet extends Source {
  /** Waits (at most 20 s) for a consumer, then pushes the plan's samples (call once the sink is ready). */
  push(): Promise<Pushed>;
}

export interface Received {
  /** Samples after the first one within the window. */
  inWindow: number;
  /** The inlet process's CPU share over the window (NaN for the byte counter). */
  cpuShare: number;
  total: number;
  firstTs: number;
  lastTs: number;
  p50Ms: number;
  p99Ms: number;
  /** Feeds that ended in bad data (undefined where the inlet does not say). */
  bad: number | undefined;
}

export interface Sink {
  /** Resolves once the inlet is streaming (its open call returned): the outlet may start pushing. */
  ready: Promise<void>;
  /** Resolves when the CPU window (from the first sample) is over; a source may end after that. */
  windowOver: Promise<void>;
  /** What arrived: after the window, once the stream ended or stayed silent for 1 s. */
  result: Promise<Received>;
  close(): Promise<void>;
}

const FIRST_SAMPLE_MS = 30_000;
const SILENCE_MS = 1000;

/** Children still running, ended when the bench exits however it exits. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** Asks a child to end (`ask`), waits up to `timeoutMs` for it, then kills it. */
async function endChild(child: ChildProcess, ask: () => void, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  ask();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

export function quantileMs(sortedMs: number[], q: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor(q * sortedMs.length))] ?? NaN;
}

function cpuShareSince(start: NodeJS.CpuUsage, startMs: number): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / (performance.now() - startMs);
}

/** Runs `tick` every `periodMs` until it returns true (or the deadline passes); a throw ends it, rejected. */
function every(periodMs: number, tick: () => boolean, deadlineMs: number): Promise<void> {
  const end = performance.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        if (!tick() && performance.now() <= end) return;
        resolve();
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
      clearInterval(timer);
    }, periodMs);
  });
}

/** When each peer's output has closed (its process ended). */
const closedOf = new WeakMap<CPeer, Promise<void>>();

function startPeer(peer: LiblslPeer, args: string[]): CPeer {
  const c = CPeer.start(peer.binary, args, peer.env);
  track(c.child);
  c.child.stdin.on('error', () => undefined); // a peer that already ended: its wait reports why
  closedOf.set(c, new Promise((resolve) => c.child.once('close', () => resolve())));
  return c;
}

/** The peer's first line starting with `prefix`; fails as soon as the peer ends without it (its last words). */
function peerLine(c: CPeer, prefix: string, timeoutMs: number): Promise<string> {
  const ended = closedOf.get(c)!.then(() => {
    const seen = c.lines.find((l) => l.startsWith(prefix));
    if (seen !== undefined) return seen;
    throw new Error(`lsl-bench-peer ended without "${prefix.trim()}": ${c.lines.slice(-2).join(' / ')}`);
  });
  return Promise.race([c.line(prefix, timeoutMs), ended]);
}

/** Our outlet in this process. */
export async function ourOutlet(plan: PushPlan): Promise<PushingOutlet> {
  const outlet = await LslOutlet.create({
    name: plan.name,
    type: 'Bench',
    channelCount: plan.channels,
    channelFormat: 'float32',
    nominalSrate: plan.rateHz,
    sourceId: plan.name,
    bindAddress: LOOPBACK,
    responderPort: null,
    dataPort: 0,
    maxQueuedBytes: 64 << 20,
  });
  const values = Array.from({ length: plan.channels }, (_, k) => k * 0.001);
  const total = Math.round(plan.rateHz * plan.seconds);
  return {
    stream: { address: LOOPBACK, info: outlet.info },
    go: () => undefined,
    close: () => outlet.close(),
    async push() {
      await waitFor(() => outlet.consumerCount > 0, 20_000, `a consumer of ${plan.name}`);
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const start = lslLocalClock();
      let sent = 0;
      await every(
        plan.tickMs ?? 1,
        plan.stamp === 'now'
          ? () => {
              outlet.pushSample(values, lslLocalClock());
              return ++sent >= total;
            }
          : () => {
              const due = Math.min(total, Math.floor((lslLocalClock() - start) * plan.rateHz));
              const chunk = [];
              for (; sent < due; sent++) chunk.push({ timestamp: start + sent / plan.rateHz, values });
              if (chunk.length) outlet.pushChunk(chunk);
              return sent >= total;
            },
        plan.seconds * 1000 + 30_000,
      );
      return { pushed: sent, cpuShare: cpuShareSince(cpu, t0), dropped: outlet.stats.samplesDropped };
    },
  };
}

/** liblsl's outlet in its own process; seconds 0 pushes until closed. */
export async function liblslOutlet(peer: LiblslPeer, plan: PushPlan): Promise<PushingOutlet> {
  const args = [
    'outlet',
    plan.name,
    String(plan.channels),
    String(plan.rateHz),
    String(plan.seconds),
    plan.stamp,
    String(plan.tickMs ?? 1),
  ];
  const c = startPeer(peer, args);
  const close = () => endChild(c.child, () => c.child.stdin.end());
  const go = () => void c.child.stdin.write('go\n');
  try {
    const [, , port] = (await peerLine(c, 'ready ', 20_000)).split(' ');
    const info = await fetchFullInfo(LOOPBACK, Number(port));
    return {
      stream: { address: LOOPBACK, info },
      close,
      go,
      async push() {
        go();
        const [, pushed, , share] = (await peerLine(c, 'pushed ', plan.seconds * 1000 + 60_000)).split(' ');
        return { pushed: Number(pushed), cpuShare: Number(share), dropped: undefined };
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** `sightline sim lsl` (our outlet, another process), float32 at the given rate until closed. */
export async function simLslOutlet(channels: number, rateHz: number): Promise<Source> {
  const sim = await spawnCliSimulator([
    'lsl',
    '--channels',
    String(channels),
    '--rate',
    String(rateHz),
    '--no-markers',
    '--responder-port',
    '0',
    '--data-port',
    '0',
  ]);
  track(sim.child);
  const close = () => endChild(sim.child, () => sim.child.kill('SIGINT'));
  try {
    const listening = JSON.parse(sim.lines[0]!) as { streams: { dataPort: number }[] };
    const info = await fetchFullInfo(LOOPBACK, listening.streams[0]!.dataPort);
    return { stream: { address: LOOPBACK, info }, go: () => undefined, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function endedEarly(afterMs: number, seconds: number): string {
  const when = Number.isNaN(afterMs) ? '' : ` ${(afterMs / 1000).toFixed(1)} s`;
  return `the stream ended${when} into the ${seconds} s window`;
}

/** Our inlet in this process. */
export function ourInlet(stream: ResolvedStream, seconds: number, timeCorrection = true): Sink {
  const latencies: number[] = [];
  let total = 0;
  let firstTs = NaN;
  let lastTs = NaN;
  let lastArrival = 0;
  let endedAt: number | undefined;
  let streaming!: () => void;
  const ready = new Promise<void>((r) => (streaming = r));
  const inlet = new LslInlet({
    stream,
    bindAddress: LOOPBACK,
    ...(timeCorrection ? {} : { timeCorrection: false as const }),
    onSample: (s) => {
      latencies.push((lslLocalClock() - s.timestamp) * 1000);
      if (total++ === 0) firstTs = s.timestamp;
      lastTs = s.timestamp;
      lastArrival = performance.now();
    },
    onState: (state) => {
      if (state === 'streaming') streaming();
      if (state === 'closed' && endedAt === undefined) endedAt = performance.now();
    },
  });
  inlet.start();
  let windowDone!: () => void;
  const windowOver = new Promise<void>((r) => (windowDone = r));
  const result = settled(
    (async (): Promise<Received> => {
      await waitFor(() => total > 0, FIRST_SAMPLE_MS, `the first sample of ${stream.info.name}`);
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const atStart = total;
      await sleep(seconds * 1000);
      const cpuShare = cpuShareSince(cpu, t0);
      const inWindow = total - atStart;
      if (endedAt !== undefined && endedAt - t0 < seconds * 1000) throw new Error(endedEarly(endedAt - t0, seconds));
      windowDone();
      await waitFor(
        () => endedAt !== undefined || performance.now() - lastArrival > SILENCE_MS,
        30_000,
        `the end of ${stream.info.name}`,
      );
      latencies.sort((a, b) => a - b);
      return {
        inWindow,
        cpuShare,
        total,
        firstTs,
        lastTs,
        p50Ms: quantileMs(latencies, 0.5),
        p99Ms: quantileMs(latencies, 0.99),
        bad: inlet.stats.badFeeds,
      };
    })(),
  );
  return {
    ready: settled(Promise.race([ready, result.then(() => undefined)])),
    windowOver: settled(Promise.race([windowOver, result.then(() => undefined)])),
    result,
    close: () => inlet.close(),
  };
}

/** liblsl's inlet in its own process, connected to the stream's address without resolving. */
export function liblslInlet(peer: LiblslPeer, stream: ResolvedStream, seconds: number): Sink {
  const xml = shortInfoXml({ ...stream.info, v4address: stream.address });
  const c = startPeer(peer, ['inlet', String(seconds), xml]);
  c.child.stdin.end();
  const result = settled(
    (async (): Promise<Received> => {
      const line = await peerLine(c, 'result ', FIRST_SAMPLE_MS + seconds * 1000 + 40_000);
      const [inWindow, cpuShare, total, firstTs, lastTs, p50, p99] = line.split(' ').slice(1).map(Number) as number[];
      // The peer prints a negative share when the stream ended inside the window.
      if (cpuShare! < 0) throw new Error(endedEarly(NaN, seconds));
      return {
        inWindow: inWindow!,
        cpuShare: cpuShare!,
        total: total!,
        firstTs: firstTs!,
        lastTs: lastTs!,
        p50Ms: p50! * 1000,
        p99Ms: p99! * 1000,
        bad: undefined,
      };
    })(),
  );
  const windowOver = Promise.race([peerLine(c, 'window', FIRST_SAMPLE_MS + seconds * 1000 + 40_000), result]).then(
    () => undefined,
  );
  const ready = peerLine(c, 'open', 30_000).then(() => undefined);
  return {
    ready: settled(Promise.race([ready, result.then(() => undefined)])),
    windowOver: settled(windowOver),
    result,
    close: () => endChild(c.child, () => c.child.kill('SIGTERM')),
  };
}

/** A consumer in another process that asks for the feed and only counts bytes until the outlet closes. */
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

/**
 * The byte counter as a sink: samples = whole float32 samples with their timestamps after the two
 * test-pattern samples (the response header is shorter than one sample at this size).
 */
export function byteCounter(stream: ResolvedStream): Sink {
  const child = track(
    spawn(process.execPath, ['-e', COUNTER, String(stream.info.v4dataPort), stream.info.uid], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  const sampleBytes = 1 + 8 + 4 * stream.info.channelCount;
  const result = settled(
    withTimeout(exited, 120_000, 'the byte counter').then(() => {
      const total = Math.floor((Number(out.trim()) - 2 * sampleBytes) / sampleBytes);
      return { inWindow: NaN, cpuShare: NaN, total, firstTs: NaN, lastTs: NaN, p50Ms: NaN, p99Ms: NaN, bad: undefined };
    }),
  );
  return {
    // Nothing to wait for: the outlet's wait for a consumer is the counter's connection.
    ready: Promise.resolve(),
    windowOver: settled(result.then(() => undefined)),
    result,
    close: () => endChild(child, () => child.kill('SIGTERM')),
  };
}

/** liblsl's outlet and inlet in one process (a thread pushes): latency only. */
export async function liblslOneProcessLatency(
  peer: LiblslPeer,
  channels: number,
  count: number,
): Promise<{ received: number; p50Ms: number; p99Ms: number }> {
  const c = startPeer(peer, ['latency', String(channels), String(count)]);
  try {
    const [received, p50, p99] = (await peerLine(c, 'latency ', count + 60_000)).split(' ').slice(1).map(Number);
    return { received: received!, p50Ms: p50! * 1000, p99Ms: p99! * 1000 };
  } finally {
    await endChild(c.child, () => c.child.kill('SIGTERM'));
  }
}

/** The promise, with its rejection also handled here (a run that fails early never awaits it). */
function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** A run with both ends ended however it goes. */
export async function withEnds<S extends Source, T>(
  source: () => Promise<S>,
  sink: (stream: ResolvedStream) => Sink,
  run: (source: S, sink: Sink) => Promise<T>,
): Promise<T> {
  const s = await source();
  let k: Sink | undefined;
  try {
    k = sink(s.stream);
    return await run(s, k);
  } finally {
    await k?.close();
    await s.close();
  }
}

/** Pushes the outlet's plan into the sink once it is ready, lets the last samples land, closes the outlet, reads the sink. */
export function pushed(outlet: () => Promise<PushingOutlet>, sink: (s: ResolvedStream) => Sink, settleMs = 500) {
  return withEnds(outlet, sink, async (source, k) => {
    await k.ready;
    const p = await source.push();
    await sleep(settleMs);
    await source.close();
    return { pushed: p, received: await k.result };
  });
}

/** Reads the source for the sink's window, then closes it so the sink can tell every sample arrived. */
export function read(source: () => Promise<Source>, sink: (s: ResolvedStream) => Sink): Promise<Received> {
  return withEnds(source, sink, async (s, k) => {
    await k.ready;
    s.go();
    await k.windowOver;
    await s.close();
    return await k.result;
  });
}
