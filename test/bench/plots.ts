/**
 * The Plots panel under load, in Chromium against headless demo mode (the 3D view drawing with
 * software GL beside it, as an operator's window would): six series fed at 1000 Hz each into one
 * 10 s plot. Figures: the page's frame rate without and with the plot, and the plot's own cost per
 * frame (read the buffers, decimate, align, hand to uPlot; uPlot's drawing comes on top).
 */
import { startHeadless } from '../../main/headless';
import { chromiumUnavailable, ensureBuilt, launchChromium } from '../e2e/helpers';

interface PlotBenchHook {
  run(
    series: number,
    hz: number,
    seconds: number,
  ): Promise<{
    fps: number;
    pushed: number;
    seconds: number;
    updateP50Ms: number;
    updateP99Ms: number;
  }>;
  idleFps(seconds: number): Promise<number>;
}

export async function benchPlots(
  seconds = 5,
): Promise<
  { idleFps: number; plotFps: number; perSec: number; updateP50Ms: number; updateP99Ms: number } | { skipped: string }
> {
  const unavailable = chromiumUnavailable();
  if (unavailable) return { skipped: unavailable };
  ensureBuilt();
  const server = await startHeadless({ demo: true, port: 0, log: () => {} });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(server.url, { waitUntil: 'load' });
    const tab = page.getByRole('tab', { name: 'Plots', exact: true });
    await tab.click({ timeout: 15_000 });
    await page.waitForTimeout(2000);
    // Functions passed to evaluate run in the page: each names the hook itself.
    const idleFps = await page.evaluate(
      (s) => (window as unknown as { __sightlinePlotBench: PlotBenchHook }).__sightlinePlotBench.idleFps(s),
      seconds,
    );
    const r = await page.evaluate(
      (s) => (window as unknown as { __sightlinePlotBench: PlotBenchHook }).__sightlinePlotBench.run(6, 1000, s),
      seconds,
    );
    return {
      idleFps,
      plotFps: r.fps,
      perSec: r.pushed / (r.seconds + 1),
      updateP50Ms: r.updateP50Ms,
      updateP99Ms: r.updateP99Ms,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1]?.endsWith('plots.ts')) {
  benchPlots().then(
    (r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
