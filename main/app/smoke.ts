/**
 * `--smoke`: proves the real app end to end in one run. main.ts starts in demo mode, opens the window,
 * and this waits until the page has stored its first pose batch and drawn its first decoded video
 * frame, both over IPC; then one line with the timings, and the exit code. No Electron import: the
 * page is read through a probe main.ts provides (webContents.executeJavaScript on the page's
 * read-only debug hooks), so the logic is tested in plain Node.
 */

/** What the page reports: batches stored and video frames drawn since it loaded; null before it can. */
export interface SmokeReading {
  batches: number;
  framesDrawn: number;
}

export interface SmokeOptions {
  probe(): Promise<SmokeReading | null>;
  /** ms since the process started, for the timings. */
  now(): number;
  /** Resolves when the page can no longer answer (it crashed, failed to load): the reason. */
  failure: Promise<string>;
  timeoutMs?: number;
  intervalMs?: number;
  /** The timeout counts from here (ms on the `now` clock); default: when runSmoke is called. */
  startedAt?: number;
  /** When the window was shown, if it was (ms since start). */
  windowShownAt?: () => number | null;
}

export interface SmokeResult {
  ok: boolean;
  /** The one line to print. */
  line: string;
}

export const SMOKE_PREFIX = 'sightline smoke:';
export const SMOKE_TIMEOUT_MS = 60_000;

/** The page expression the probe evaluates; null until the page's hooks exist. */
export const SMOKE_PAGE_PROBE = `(() => {
  const debug = window.__sightlineDebug;
  if (!debug) return null;
  return { batches: debug.batches(), framesDrawn: debug.videoGaze().reduce((n, v) => n + v.drawn, 0) };
})()`;

export async function runSmoke(options: SmokeOptions): Promise<SmokeResult> {
  const timeoutMs = options.timeoutMs ?? SMOKE_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? 100;
  const startedAt = options.startedAt ?? options.now();
  let firstBatchAt: number | null = null;
  let firstFrameAt: number | null = null;
  let last: SmokeReading | null = null;
  let failed: string | null = null;
  void options.failure.then((reason) => (failed = reason));
  const ms = (t: number): string => `${Math.round(t)} ms`;

  for (;;) {
    if (failed !== null) return { ok: false, line: `${SMOKE_PREFIX} FAILED: ${failed}` };
    try {
      last = (await options.probe()) ?? last;
    } catch {
      // The page is between documents (loading): the next probe answers.
    }
    const now = options.now();
    if (last && last.batches > 0) firstBatchAt ??= now;
    if (last && last.framesDrawn > 0) firstFrameAt ??= now;
    if (firstBatchAt !== null && firstFrameAt !== null) {
      const shown = options.windowShownAt?.() ?? null;
      return {
        ok: true,
        line:
          `${SMOKE_PREFIX} ok: ${shown === null ? '' : `window shown ${ms(shown)}, `}first pose batch ${ms(firstBatchAt)}, ` +
          `first video frame drawn ${ms(firstFrameAt)} after start (demo mode, over IPC)`,
      };
    }
    if (now - startedAt >= timeoutMs) {
      const missing = [
        firstBatchAt === null ? 'no pose batch' : null,
        firstFrameAt === null ? 'no video frame drawn' : null,
      ]
        .filter(Boolean)
        .join(' and ');
      const seen = last ? `${last.batches} batches, ${last.framesDrawn} frames` : 'the page never answered';
      return {
        ok: false,
        line: `${SMOKE_PREFIX} FAILED: ${missing} within ${Math.round(timeoutMs / 1000)} s (${seen})`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
