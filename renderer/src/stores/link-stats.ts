/**
 * How well data reaches the screen: batches per second, arrival-to-store latency and render fps.
 * Counted here per batch/frame without touching React; published to the app store once a second.
 */
import { SampleRing } from './sample-ring';

/** ~10 s of batches at 60 Hz: long enough for a stable p99, short enough to show a change quickly. */
const LATENCY_WINDOW = 600;

let latencies = new SampleRing(LATENCY_WINDOW);
let batchesTotal = 0;
let framesTotal = 0;
let badBatches = 0;
/** performance.now() the batch count was taken at, when it came from the worker; null: live here. */
let batchesCountedAt: number | null = null;

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
  /**
   * The link worker's own figures (it stores batches and measures their latency; this thread only
   * draws). Replaces the counts, which then read as if measured here.
   */
  adopt(figures: { batches: number; badBatches: number; latencies: readonly number[]; atUnixMs: number }): void {
    batchesTotal = figures.batches;
    batchesCountedAt = figures.atUnixMs - performance.timeOrigin;
    badBatches = figures.badBatches;
    const ring = new SampleRing(LATENCY_WINDOW);
    for (const ms of figures.latencies.slice(-LATENCY_WINDOW)) ring.push(ms);
    latencies = ring;
  },
  latencies: (): number[] => latencies.toArray(),
  batches: (): number => batchesTotal,
  /** When batches() was counted (performance.now() ms): rates must use it, not the time of reading. */
  batchesAt: (): number => batchesCountedAt ?? performance.now(),
  frames: (): number => framesTotal,
  badBatches: (): number => badBatches,
  latencyPercentiles(): { p50: number | null; p99: number | null } {
    const [p50 = null, p99 = null] = latencies.percentiles([50, 99]);
    return { p50, p99 };
  },
};

/** Rates over the interval since the previous call; `readAt`: when the count was taken, if not now. */
export function createRateMeter(read: () => number, readAt: () => number = () => performance.now()): () => number {
  let lastCount = read();
  let lastAt = readAt();
  return () => {
    const count = read();
    const at = readAt();
    const rate = at > lastAt ? ((count - lastCount) * 1000) / (at - lastAt) : 0;
    lastCount = count;
    lastAt = at;
    return rate;
  };
}
