/**
 * How well data reaches the screen: batches per second, arrival-to-store latency and render fps.
 * Counted here per batch/frame without touching React; published to the app store once a second.
 */
import { SampleRing } from './sample-ring';

/** ~10 s of batches at 60 Hz: long enough for a stable p99, short enough to show a change quickly. */
const LATENCY_WINDOW = 600;

const latencies = new SampleRing(LATENCY_WINDOW);
let batchesTotal = 0;
let framesTotal = 0;
let badBatches = 0;

/**
 * Unix ms on the same time line main stamps hostTimeMs with (performance.timeOrigin + now in both
 * processes), so the difference is the real arrival-to-store delay, clock steps included.
 */
export function unixNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export const linkStats = {
  noteBatch(): void {
    batchesTotal++;
  },
  noteBadBatch(): void {
    badBatches++;
  },
  noteLatency(ms: number): void {
    latencies.push(ms);
  },
  noteFrame(): void {
    framesTotal++;
  },
  latencies: (): number[] => latencies.toArray(),
  batches: (): number => batchesTotal,
  frames: (): number => framesTotal,
  badBatches: (): number => badBatches,
  latencyPercentiles(): { p50: number | null; p99: number | null } {
    const [p50 = null, p99 = null] = latencies.percentiles([50, 99]);
    return { p50, p99 };
  },
};

/** Rates over the interval since the previous call. */
export function createRateMeter(read: () => number): () => number {
  let lastCount = read();
  let lastAt = performance.now();
  return () => {
    const count = read();
    const at = performance.now();
    const rate = at > lastAt ? ((count - lastCount) * 1000) / (at - lastAt) : 0;
    lastCount = count;
    lastAt = at;
    return rate;
  };
}
