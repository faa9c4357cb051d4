/**
 * LSL figures for the README, on loopback, ours and, when SIGHTLINE_LIBLSL names a liblsl build,
 * liblsl's own beside them, measured the same way (test/bench/lsl-ends.ts):
 * - an outlet at 1000 Hz × 700 float32 channels (100 bodies × 7) feeding a consumer in another process
 *   that only counts bytes: every sample must arrive; the CPU share is the outlet process's;
 * - an inlet reading an outlet in another process at 64 channels × 2 kHz: every sample must arrive; the
 *   CPU share is the inlet process's;
 * - outlet-to-inlet latency (push → decoded sample), 1000 Hz × 7 channels, both ends in one process;
 * - the mixed pairs (our outlet → liblsl's inlet, liblsl's outlet → ours), each end in its own process
 *   with its own CPU share, to show which side a difference comes from.
 */
import { SIM_TICK_MS } from '../../main/protocols/lsl/simulator';
import { buildLiblslPeer } from '../helpers/liblsl-peer';
import { sleep } from '../integration/natnet-helpers';
import {
  byteCounter,
  liblslInlet,
  liblslOneProcessLatency,
  liblslOutlet,
  ourInlet,
  ourOutlet,
  simLslOutlet,
  withEnds,
  type LiblslPeer,
  type PushingOutlet,
  type PushPlan,
  type Received,
  type Sink,
  type Source,
} from './lsl-ends';

type Line = (name: string, value: string, target: string, met: boolean | null) => void;

const SECONDS = 5;
const OUTLET: Omit<PushPlan, 'name'> = { channels: 700, rateHz: 1000, seconds: SECONDS, stamp: 'nominal' };
const INLET = { channels: 64, rateHz: 2000 };
const LATENCY: Omit<PushPlan, 'name'> = { channels: 7, rateHz: 1000, seconds: SECONDS, stamp: 'now' };

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/** Pushes the plan into the sink, lets the last samples land, closes the outlet, then reads the sink. */
function pushed(outlet: () => Promise<PushingOutlet>, sink: (s: Source['stream']) => Sink) {
  return withEnds(outlet, sink, async (source, k) => {
    const p = await source.push();
    await sleep(500);
    await source.close();
    return { pushed: p, received: await k.result };
  });
}

/** Reads the source for the sink's window, then closes it so the sink can tell every sample arrived. */
function read(source: () => Promise<Source>, sink: (s: Source['stream']) => Sink) {
  return withEnds(source, sink, async (s, k) => {
    await k.windowOver;
    await s.close();
    return await k.result;
  });
}

/** Samples from the first to the last timestamp at the rate: how many a gapless run delivers. */
const span = (r: Received, rateHz: number) => Math.round((r.lastTs - r.firstTs) * rateHz) + 1;

async function outletRows(line: Line, liblsl: LiblslPeer | undefined): Promise<void> {
  const ours = await pushed(() => ourOutlet({ ...OUTLET, name: 'BenchMoCap' }), byteCounter);
  const slack = 1; // the header and test pattern, counted as bytes, may hide at most one sample's worth
  line(
    'LSL outlet, 1000 Hz × 700 float32 channels (100 bodies), 5 s',
    `${ours.received.total} of ${ours.pushed.pushed} samples at the inlet, ${ours.pushed.dropped} dropped`,
    'all arrive',
    ours.received.total >= ours.pushed.pushed - slack && ours.pushed.dropped === 0,
  );
  line('  outlet process CPU share', `${pct(ours.pushed.cpuShare)} of one core`, '—', null);
  if (!liblsl) return;

  const theirs = await pushed(() => liblslOutlet(liblsl, { ...OUTLET, name: 'LiblslBenchMoCap' }), byteCounter);
  line(
    'liblsl outlet, 1000 Hz × 700 float32 channels (100 bodies), 5 s',
    `${theirs.received.total} of ${theirs.pushed.pushed} samples at the inlet`,
    'all arrive',
    theirs.received.total >= theirs.pushed.pushed - slack,
  );
  line('  liblsl outlet process CPU share', `${pct(theirs.pushed.cpuShare)} of one core`, '—', null);

  for (const [name, outlet, sink] of [
    [
      '  our outlet → liblsl inlet, same rate',
      () => ourOutlet({ ...OUTLET, name: 'BenchMoCapToLiblsl' }),
      (s: Source['stream']) => liblslInlet(liblsl, s, SECONDS),
    ],
    [
      '  liblsl outlet → our inlet, same rate',
      () => liblslOutlet(liblsl, { ...OUTLET, name: 'LiblslBenchMoCapToOurs' }),
      (s: Source['stream']) => ourInlet(s, SECONDS),
    ],
  ] as const) {
    const r = await pushed(outlet, sink);
    line(
      name,
      `${r.received.total} of ${r.pushed.pushed}; outlet ${pct(r.pushed.cpuShare)}, inlet ${pct(r.received.cpuShare)} of one core`,
      'all arrive',
      r.received.total === r.pushed.pushed,
    );
  }
}

function inletValue(r: Received): string {
  const bad = r.bad === undefined ? '' : `, ${r.bad} bad`;
  return `${r.inWindow} samples (${Math.round(r.inWindow / SECONDS)}/s), ${r.total} of ${span(r, INLET.rateHz)} in sequence${bad}`;
}

const inletMet = (r: Received) => r.total === span(r, INLET.rateHz) && !r.bad && r.inWindow > 0;

async function inletRows(line: Line, liblsl: LiblslPeer | undefined): Promise<void> {
  const sim = () => simLslOutlet(INLET.channels, INLET.rateHz);
  const ours = await read(sim, (s) => ourInlet(s, SECONDS));
  line('LSL inlet ← sim lsl (another process), 64 ch × 2 kHz, 5 s', inletValue(ours), 'all arrive', inletMet(ours));
  line('  inlet process CPU share', `${pct(ours.cpuShare)} of one core`, '—', null);
  if (!liblsl) return;

  // Paced as `sim lsl` pushes (chunks every SIM_TICK_MS), so that both inlets get the same chunks.
  const plan = { ...INLET, seconds: 0, stamp: 'nominal' as const, tickMs: SIM_TICK_MS };
  const theirs = await read(
    () => liblslOutlet(liblsl, { ...plan, name: 'LiblslBenchEEG' }),
    (s) => liblslInlet(liblsl, s, SECONDS),
  );
  line(
    'liblsl inlet ← liblsl outlet (another process), 64 ch × 2 kHz, 5 s',
    inletValue(theirs),
    'all arrive',
    inletMet(theirs),
  );
  line('  liblsl inlet process CPU share', `${pct(theirs.cpuShare)} of one core`, '—', null);

  const liblslFromSim = await read(sim, (s) => liblslInlet(liblsl, s, SECONDS));
  line(
    '  liblsl inlet ← sim lsl (ours), same rate',
    `${inletValue(liblslFromSim)}; inlet ${pct(liblslFromSim.cpuShare)} of one core`,
    'all arrive',
    inletMet(liblslFromSim),
  );
  const oursFromLiblsl = await read(
    () => liblslOutlet(liblsl, { ...plan, name: 'LiblslBenchEEGToOurs' }),
    (s) => ourInlet(s, SECONDS),
  );
  line(
    '  our inlet ← liblsl outlet, same rate',
    `${inletValue(oursFromLiblsl)}; inlet ${pct(oursFromLiblsl.cpuShare)} of one core`,
    'all arrive',
    inletMet(oursFromLiblsl),
  );
}

function latencyLine(line: Line, name: string, received: number, total: number, p50Ms: number, p99Ms: number): void {
  line(
    name,
    `p50 ${p50Ms.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms (${received} of ${total})`,
    'p99 < 5 ms',
    p99Ms < 5,
  );
}

async function latencyRows(line: Line, liblsl: LiblslPeer | undefined): Promise<void> {
  const total = LATENCY.rateHz * LATENCY.seconds;
  const ours = await pushed(
    () => ourOutlet({ ...LATENCY, name: 'BenchLatency' }),
    (s) => ourInlet(s, 0, false),
  );
  const r = ours.received;
  latencyLine(line, 'LSL outlet → inlet latency, loopback, 7 ch, one process', r.total, total, r.p50Ms, r.p99Ms);
  if (!liblsl) return;

  const theirs = await liblslOneProcessLatency(liblsl, LATENCY.channels, total);
  latencyLine(
    line,
    'liblsl outlet → inlet latency, loopback, 7 ch, one process',
    theirs.received,
    total,
    theirs.p50Ms,
    theirs.p99Ms,
  );
  const toLiblsl = await pushed(
    () => ourOutlet({ ...LATENCY, name: 'BenchLatencyToLiblsl' }),
    (s) => liblslInlet(liblsl, s, 0),
  );
  latencyLine(
    line,
    '  our outlet → liblsl inlet, two processes',
    toLiblsl.received.total,
    total,
    toLiblsl.received.p50Ms,
    toLiblsl.received.p99Ms,
  );
  const toOurs = await pushed(
    () => liblslOutlet(liblsl, { ...LATENCY, name: 'LiblslBenchLatencyToOurs' }),
    (s) => ourInlet(s, 0, false),
  );
  latencyLine(
    line,
    '  liblsl outlet → our inlet, two processes',
    toOurs.received.total,
    total,
    toOurs.received.p50Ms,
    toOurs.received.p99Ms,
  );
}

/** The compiled liblsl bench peer, or why there is none (printed once). */
function liblslPeer(line: Line): LiblslPeer | undefined {
  let built: ReturnType<typeof buildLiblslPeer>;
  try {
    built = buildLiblslPeer('lsl-bench-peer');
  } catch (e) {
    // A failed compile: its first line and the compiler's first error, on one line.
    const lines = (e instanceof Error ? e.message : String(e)).split('\n');
    const error = lines.slice(1).find((l) => l.includes('error'));
    built = { skip: [lines[0], error?.trim()].filter(Boolean).join(' ') };
  }
  if ('binary' in built) return built;
  line('liblsl figures beside ours', 'absent', built.skip, null);
  return undefined;
}

export async function benchLsl(line: Line): Promise<void> {
  const liblsl = liblslPeer(line);
  await outletRows(line, liblsl);
  await inletRows(line, liblsl);
  await latencyRows(line, liblsl);
}
