/**
 * window.__sightlinePlotBench, for the bench (test/bench/plots.ts): feeds synthetic series into a
 * new plot at a given rate and reports the page's frame rate and the plot's per-frame cost, so
 * "six series at 1000 Hz keep the page at its frame rate" is measured, not assumed.
 */
import { bufferOf, usePlotsStore, type PlotConfig } from './plot-store';

export interface PlotBenchResult {
  series: number;
  hz: number;
  seconds: number;
  pushed: number;
  /** requestAnimationFrame callbacks per second on this page while feeding and drawing. */
  fps: number;
  /** Time each plot spent per frame (range, align, setData), ms. */
  updateP50Ms: number;
  updateP99Ms: number;
}

const updateTimes: number[] = [];

/** PlotView reports how long each frame's update took. */
export function notePlotUpdate(ms: number): void {
  if (updateTimes.length < 100_000) updateTimes.push(ms);
}

function percentile(v: number[], p: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}

async function run(series: number, hz: number, seconds: number): Promise<PlotBenchResult> {
  const channels = Array.from({ length: series }, (_, i) => `device/bench-${i}/rate`);
  const plot: PlotConfig = { id: 99, channels, windowS: 10, pausedAt: null };
  usePlotsStore.setState((s) => ({ plots: [...s.plots.filter((p) => p.id !== 99), plot] }));
  let pushed = 0;
  let fed = Date.now();
  // Fed in 4 ms steps with every sample of the step, as a 1000 Hz stream arrives in batches.
  const feeder = setInterval(() => {
    const now = Date.now();
    for (let t = fed + 1000 / hz; t <= now; t += 1000 / hz) {
      channels.forEach((c, i) => bufferOf(c).push(t, Math.sin(t / 300 + i) + i));
      pushed += series;
      fed = t;
    }
  }, 4);
  await new Promise((r) => setTimeout(r, 1000));
  updateTimes.length = 0;
  const { frames, elapsed } = await countFrames(seconds);
  clearInterval(feeder);
  usePlotsStore.setState((s) => ({ plots: s.plots.filter((p) => p.id !== 99) }));
  return {
    series,
    hz,
    seconds: elapsed,
    pushed,
    fps: frames / elapsed,
    updateP50Ms: percentile(updateTimes, 0.5),
    updateP99Ms: percentile(updateTimes, 0.99),
  };
}

/** Animation frames the page draws in `seconds`, and the seconds that took. */
async function countFrames(seconds: number): Promise<{ frames: number; elapsed: number }> {
  let frames = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      frames++;
      if (performance.now() - start < seconds * 1000) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  return { frames, elapsed: (performance.now() - start) / 1000 };
}

/** Frame rate alone (no plot fed), for the baseline. */
async function idleFps(seconds: number): Promise<number> {
  const { frames, elapsed } = await countFrames(seconds);
  return frames / elapsed;
}

export function installPlotBenchHook(win: Window): void {
  Object.defineProperty(win, '__sightlinePlotBench', { value: Object.freeze({ run, idleFps }), configurable: false });
}
