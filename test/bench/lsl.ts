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
import {
  byteCounter,
  liblslInlet,
  liblslOneProcessLatency,
  liblslOutlet,
  ourInlet,
  ourOutlet,
  pushed,
  read,
  simLslOutlet,
  type LiblslPeer,
  type PushPlan,
  type Received,
  type Source,
} from './lsl-ends';

type Line = (name: string, value: string, target: string, met: boolean | null) => void;

const SECONDS = 5;
const OUTLET: Omit<PushPlan, 'name'> = { channels: 700, rateHz: 1000, seconds: SECONDS, stamp: 'nominal' };
const INLET = { channels: 64, rateHz: 2000 };
const LATENCY: Omit<PushPlan, 'name'> = { channels: 7, rateHz: 1000, seconds: SECONDS, stamp: 'now' };

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/** Runs one row's measurement; a failure is printed as that row's miss, and the bench carries on. */
async function attempt(line: Line, name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    line(name, 'failed', (e instanceof Error ? e.message : String(e)).split('\n')[0]!, false);
  }
}

/** Samples from the first to the last timestamp at the rate: how many a gapless run delivers. */
const span = (r: Received, rateHz: number) => Math.round((r.lastTs - r.firstTs) * rateHz) + 1;

const OUTLET_NAME = 'LSL outlet, 1000 Hz × 700 float32 channels (100 bodies), 5 s';
const LIBLSL_OUTLET_NAME = 'liblsl outlet, 1000 Hz × 700 float32 channels (100 bodies), 5 s';
// The header and test pattern, counted as bytes, may hide at most one sample's worth.
const SLACK = 1;

async function outletRows(line: Line, liblsl: LiblslPeer | undefined): Promise<void> {
  await attempt(line, OUTLET_NAME, async () => {
    const ours = await pushed(() => ourOutlet({ ...OUTLET, name: 'BenchMoCap' }), byteCounter);
    line(
      OUTLET_NAME,
      `${ours.received.total} of ${ours.pushed.pushed} samples at the inlet, ${ours.pushed.dropped} dropped`,
      'all arrive',
      ours.received.total >= ours.pushed.pushed - SLACK && ours.pushed.dropped === 0,
    );
    line('  outlet process CPU share', `${pct(ours.pushed.cpuShare)} of one core`, '—', null);
  });
  if (!liblsl) return;

  await attempt(line, LIBLSL_OUTLET_NAME, async () => {
    const theirs = await pushed(() => liblslOutlet(liblsl, { ...OUTLET, name: 'LiblslBenchMoCap' }), byteCounter);
    line(
      LIBLSL_OUTLET_NAME,
      `${theirs.received.total} of ${theirs.pushed.pushed} samples at the inlet`,
      'all arrive',
      theirs.received.total >= theirs.pushed.pushed - SLACK,
    );
    line('  liblsl outlet process CPU share', `${pct(theirs.pushed.cpuShare)} of one core`, '—', null);
  });

  const mixed = [
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
  ] as const;
  for (const [name, outlet, sink] of mixed)
    await attempt(line, name, async () => {
      const r = await pushed(outlet, sink);
      line(
        name,
        `${r.received.total} of ${r.pushed.pushed}; outlet ${pct(r.pushed.cpuShare)}, inlet ${pct(r.received.cpuShare)} of one core`,
        'all arrive',
        r.received.total === r.pushed.pushed,
      );
    });
}

function inletValue(r: Received): string {
  const bad = r.bad === undefined ? '' : `, ${r.bad} bad`;
  return `${r.inWindow} samples (${Math.round(r.inWindow / SECONDS)}/s), ${r.total} of ${span(r, INLET.rateHz)} in sequence${bad}`;
}

const inletMet = (r: Received) => r.total === span(r, INLET.rateHz) && !r.bad && r.inWindow > 0;

async function inletRows(line: Line, liblsl: LiblslPeer | undefined): Promise<void> {
  const sim = () => simLslOutlet(INLET.channels, INLET.rateHz);
  const oursName = 'LSL inlet ← sim lsl (another process), 64 ch × 2 kHz, 5 s';
  await attempt(line, oursName, async () => {
    const ours = await read(sim, (s) => ourInlet(s, SECONDS));
    line(oursName, inletValue(ours), 'all arrive', inletMet(ours));
    line('  inlet process CPU share', `${pct(ours.cpuShare)} of one core`, '—', null);
  });
  if (!liblsl) return;

  // Paced as `sim lsl` pushes (chunks every SIM_TICK_MS), so that every inlet gets the same chunks.
  const plan = { ...INLET, seconds: 0, stamp: 'nominal' as const, tickMs: SIM_TICK_MS };
  const theirsName = 'liblsl inlet ← liblsl outlet (another process), 64 ch × 2 kHz, 5 s';
  await attempt(line, theirsName, async () => {
    const theirs = await read(
      () => liblslOutlet(liblsl, { ...plan, name: 'LiblslBenchEEG' }),
      (s) => liblslInlet(liblsl, s, SECONDS),
    );
    line(theirsName, inletValue(theirs), 'all arrive', inletMet(theirs));
    line('  liblsl inlet process CPU share', `${pct(theirs.cpuShare)} of one core`, '—', null);
  });

  const mixed = [
    ['  liblsl inlet ← sim lsl (ours), same rate', sim, (s: Source['stream']) => liblslInlet(liblsl, s, SECONDS)],
    [
      '  our inlet ← liblsl outlet, same rate',
      () => liblslOutlet(liblsl, { ...plan, name: 'LiblslBenchEEGToOurs' }),
      (s: Source['stream']) => ourInlet(s, SECONDS),
    ],
  ] as const;
  for (const [name, source, sink] of mixed)
    await attempt(line, name, async () => {
      const r = await read(source, sink);
      line(name, `${inletValue(r)}; inlet ${pct(r.cpuShare)} of one core`, 'all arrive', inletMet(r));
    });
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
  const oursName = 'LSL outlet → inlet latency, loopback, 7 ch, one process';
  await attempt(line, oursName, async () => {
    const { received: r } = await pushed(
      () => ourOutlet({ ...LATENCY, name: 'BenchLatency' }),
      (s) => ourInlet(s, 0, false),
    );
    latencyLine(line, oursName, r.total, total, r.p50Ms, r.p99Ms);
  });
  if (!liblsl) return;

  const theirsName = 'liblsl outlet → inlet latency, loopback, 7 ch, one process';
  await attempt(line, theirsName, async () => {
    const theirs = await liblslOneProcessLatency(liblsl, LATENCY.channels, total);
    latencyLine(line, theirsName, theirs.received, total, theirs.p50Ms, theirs.p99Ms);
  });

  const mixed = [
    [
      '  our outlet → liblsl inlet, two processes',
      () => ourOutlet({ ...LATENCY, name: 'BenchLatencyToLiblsl' }),
      (s: Source['stream']) => liblslInlet(liblsl, s, 0),
    ],
    [
      '  liblsl outlet → our inlet, two processes',
      () => liblslOutlet(liblsl, { ...LATENCY, name: 'LiblslBenchLatencyToOurs' }),
      (s: Source['stream']) => ourInlet(s, 0, false),
    ],
  ] as const;
  for (const [name, outlet, sink] of mixed)
    await attempt(line, name, async () => {
      const { received: r } = await pushed(outlet, sink);
      latencyLine(line, name, r.total, total, r.p50Ms, r.p99Ms);
    });
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
