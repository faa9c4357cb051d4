/**
 * Scene video with gaze in Chromium, headless demo mode (the simulated Motive streams too, so the 3D
 * view draws with software GL as it would for an operator): the Companion simulator streams its
 * H.264 clip at 30 fps and gaze at 200 Hz over RTSP on loopback to a real PupilClient; the page
 * decodes with WebCodecs and draws in the link worker.
 *
 *  - decode and draw per frame: decode() call → frame drawn with its gaze, measured in the page;
 *  - latency: the simulator sending a frame's last RTP packet (its 'frame' event, host clock) → that
 *    frame drawn (page clock, performance.timeOrigin + now: the same Unix time line). Frames are
 *    paired by phone time (the frame's wall time vs the drawn frame's device time);
 *  - matching error: |time of the gaze sample drawn − time of the frame|, and the drawn ring's
 *    distance from the simulator's path at the frame's time.
 */
import { startHeadless } from '../../main/headless';
import { DEMO_PUPIL_ID } from '../../main/protocols/pupil/demo';
import { gazeAt } from '../../main/protocols/pupil/gaze-path';
import type { DrawnFrame, VideoGazeStats } from '../../renderer/src/stores/debug-hooks-contract';
import { chromiumUnavailable, ensureBuilt, launchChromium, waitFor } from '../e2e/helpers';
import type { TestWindow } from '../e2e/page-globals';

export interface VideoGazeBench {
  seconds: number;
  framesSent: number;
  framesDrawn: number;
  skippedFrames: number;
  decodeDrawP50Ms: number;
  decodeDrawP99Ms: number;
  /** Its parts: in the decoder, and drawing the frame with its gaze. */
  decodeP50Ms: number;
  decodeP99Ms: number;
  drawP50Ms: number;
  drawP99Ms: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Frames paired with the simulator's send time. */
  latencyFrames: number;
  /** The same from the frame's last packet arriving in main (the part Sightline adds after the socket). */
  arrivalToDrawnP50Ms: number;
  arrivalToDrawnP99Ms: number;
  matchP50Ms: number;
  matchP99Ms: number;
  pathErrorP99Px: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function benchVideoGaze(seconds = 10): Promise<VideoGazeBench | { skipped: string }> {
  const unavailable = chromiumUnavailable();
  if (unavailable) return { skipped: unavailable };
  ensureBuilt();
  const server = await startHeadless({ demo: true, port: 0, log: () => {} });
  const simulator = server.devices?.demo?.pupil;
  if (!simulator) {
    await server.close();
    return { skipped: 'demo mode did not start the Companion simulator' };
  }
  /** Phone wall time (ns) of each frame sent → when its last packet left (host Unix ms). */
  const sentAt = new Map<number, number>();
  let framesSent = 0;
  simulator.on('frame', (f) => {
    framesSent++;
    sentAt.set(Math.round(f.wallNs / 1e6), f.lastPacketHostNs / 1e6);
  });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    const handle = server.hub.get(DEMO_PUPIL_ID)?.handle;
    const read = (): Promise<VideoGazeStats | undefined> =>
      page.evaluate(
        (h) => (window as unknown as TestWindow).__sightlineDebug?.videoGaze().find((s) => s.handle === h),
        handle,
      );
    await waitFor('video drawn', async () => ((await read())?.drawn ?? 0) > 60, 30_000);
    const start = (await read())!;
    const sent0 = framesSent;
    const drawn = new Map<number, DrawnFrame>();
    const startedAt = Date.now();
    const until = Date.now() + seconds * 1000;
    let last = start;
    // The page keeps its last 30 drawn frames (1 s); reading twice a second sees every one.
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 400));
      last = (await read()) ?? last;
      for (const f of last.recent) if (f.drawnAtMs > startedAt) drawn.set(f.ptsUs, f);
    }
    const newFrames = last.drawn - start.drawn;
    const offsetMs = server.hub.get(DEMO_PUPIL_ID)?.health.clockOffsetMs ?? 0;
    const latencies: number[] = [];
    const matches: number[] = [];
    const pathErrors: number[] = [];
    for (const f of drawn.values()) {
      const phoneMs = f.frameTimeMs - offsetMs;
      // Frames are 33 ms apart; the clock estimate is good to a few ms.
      for (const dt of [0, -1, 1, -2, 2, -3, 3]) {
        const sent = sentAt.get(Math.round(phoneMs) + dt);
        if (sent !== undefined) {
          latencies.push(f.drawnAtMs - sent);
          break;
        }
      }
      if (f.gaze) {
        matches.push(f.gaze.errorMs);
        const g = gazeAt(phoneMs * 1e6);
        pathErrors.push(Math.hypot(f.gaze.x - g.x * last.width, f.gaze.y - g.y * last.height));
      }
    }
    const window = (values: number[]): number[] => values.slice(-Math.max(1, newFrames));
    const decodeDraw = window(last.decodeDrawMs);
    return {
      seconds,
      framesSent: framesSent - sent0,
      framesDrawn: newFrames,
      skippedFrames: last.dropped + last.skippedToKey - (start.dropped + start.skippedToKey),
      decodeDrawP50Ms: percentile(decodeDraw, 50),
      decodeDrawP99Ms: percentile(decodeDraw, 99),
      decodeP50Ms: percentile(window(last.decodeMs), 50),
      decodeP99Ms: percentile(window(last.decodeMs), 99),
      drawP50Ms: percentile(window(last.drawMs), 50),
      drawP99Ms: percentile(window(last.drawMs), 99),
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyFrames: latencies.length,
      arrivalToDrawnP50Ms: percentile(window(last.latencyMs), 50),
      arrivalToDrawnP99Ms: percentile(window(last.latencyMs), 99),
      matchP50Ms: percentile(matches, 50),
      matchP99Ms: percentile(matches, 99),
      pathErrorP99Px: percentile(pathErrors, 99),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

type Line = (name: string, value: string, target: string, met: boolean | null) => void;

/** The bench's lines for run.ts, each against its target. */
export function reportVideoGaze(r: VideoGazeBench | { skipped: string }, line: Line): void {
  if ('skipped' in r) {
    line('scene video + gaze in Chromium', 'skipped', r.skipped, null);
    return;
  }
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  line(
    `video decode + draw per frame (Chromium, ${r.framesDrawn} frames)`,
    `p50 ${ms(r.decodeDrawP50Ms)}, p99 ${ms(r.decodeDrawP99Ms)}`,
    '< 33 ms (one frame)',
    r.decodeDrawP99Ms < 33,
  );
  line(
    '  of which decode / draw',
    `p50 ${ms(r.decodeP50Ms)} / ${ms(r.drawP50Ms)}, p99 ${ms(r.decodeP99Ms)} / ${ms(r.drawP99Ms)}`,
    '—',
    null,
  );
  line(
    'simulator sends last packet → frame drawn',
    `p50 ${ms(r.latencyP50Ms)}, p99 ${ms(r.latencyP99Ms)}`,
    'p99 < 33 ms',
    r.latencyP99Ms < 33,
  );
  line(
    '  of which arrival in main → drawn',
    `p50 ${ms(r.arrivalToDrawnP50Ms)}, p99 ${ms(r.arrivalToDrawnP99Ms)}`,
    '—',
    null,
  );
  line(
    'gaze-to-frame matching error (drawn sample vs frame time)',
    `p50 ${ms(r.matchP50Ms)}, p99 ${ms(r.matchP99Ms)}; path p99 ${r.pathErrorP99Px.toFixed(1)} px`,
    '≤ 2.5 ms',
    r.matchP99Ms <= 2.5,
  );
  line(
    '  frames sent / drawn / skipped to a key frame',
    `${r.framesSent} / ${r.framesDrawn} / ${r.skippedFrames}`,
    '—',
    null,
  );
}

if (require.main === module) {
  benchVideoGaze(Number(process.argv[2] ?? 10)).then((r) => console.log(JSON.stringify(r)));
}
