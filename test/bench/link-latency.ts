/**
 * Arrival-to-store latency in headless mode: a Motive simulator streams over loopback to the Hub,
 * the RendererLink sends batches over the WebSocket, and Debian's Chromium stores them. The page
 * measures, per batch, its clock (performance.timeOrigin + now, the same Unix mapping as the main
 * side's host clock) minus the newest sample's arrival time in main.
 */
import { startHeadless } from '../../main/headless';
import { NatNetClient } from '../../main/protocols/natnet/client';
import { MotiveSimulator } from '../../main/protocols/natnet/simulator';
import { chromiumUnavailable, ensureBuilt, launchChromium, waitFor } from '../e2e/helpers';
import type { TestWindow } from '../e2e/page-globals';

export interface LinkLatencyResult {
  rateHz: number;
  bodies: number;
  batches: number;
  batchesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  renderFps: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchLinkLatency(
  rateHz = 120,
  bodies = 10,
  seconds = 5,
): Promise<LinkLatencyResult | { skipped: string }> {
  const unavailable = chromiumUnavailable();
  if (unavailable) return { skipped: unavailable };
  ensureBuilt();
  const sim = new MotiveSimulator({ bodies, rateHz });
  const { commandPort } = await sim.start();
  const client = new NatNetClient({ id: 'motive', label: 'Motive (bench)', host: '127.0.0.1', commandPort });
  const server = await startHeadless({ sources: [{ source: client, simulated: true }], log: () => {} });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await waitFor(
      'first batches',
      () => page.evaluate(() => ((window as unknown as TestWindow).__sightlineDebug?.batches() ?? 0) > 20),
      20_000,
    );
    const b0 = await page.evaluate(() => (window as unknown as TestWindow).__sightlineDebug!.batches());
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const [b1, latencies, fps] = await page.evaluate(
      () =>
        [
          (window as unknown as TestWindow).__sightlineDebug!.batches(),
          (window as unknown as TestWindow).__sightlineDebug!.latencies(),
          (window as unknown as TestWindow).__sightlineDebug!.fps(),
        ] as const,
    );
    const elapsed = (Date.now() - t0) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      rateHz,
      bodies,
      batches: b1 - b0,
      batchesPerSec: (b1 - b0) / elapsed,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      renderFps: fps,
    };
  } finally {
    await browser.close();
    await server.close();
    await sim.stop();
  }
}

if (require.main === module) {
  const rate = Number(process.argv[2] ?? 120);
  benchLinkLatency(rate).then((r) => console.log(JSON.stringify(r)));
}
