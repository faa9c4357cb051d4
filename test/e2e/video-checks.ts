/**
 * What the end-to-end tests assert about the scene video panel: pixels of the canvas as shown on
 * screen, checked against what the page says it drew (debug hooks) and against where the simulator
 * put the gaze (its path is a pure function of the phone's clock).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { DrawnFrame, VideoGazeStats } from '../../renderer/src/stores/debug-hooks-contract';
import { countChanged, decodePng, type Rgba } from './png';
import { waitFor } from './helpers';
import type { TestWindow } from './page-globals';

/** renderer/src/video/draw-gaze.ts: GAZE_COLOR #ff2850, ring radius 4 % of the frame width. */
export const RING_RADIUS_SHARE = 0.04;

export type ColourTest = (r: number, g: number, b: number) => boolean;

/** #ff2850 as scaled and antialiased on screen: strongly red, little green. */
export const isRingColour: ColourTest = (r, g, b) => r > 170 && g < 110 && b > 30 && b < 150 && r - g > 110;

/** draw-gaze.ts UNSYNCED_COLOR #ffb020. */
export const isUnsyncedColour: ColourTest = (r, g, b) => r > 200 && g > 130 && g < 210 && b < 90;

export function debugVideo(page: Page): Promise<VideoGazeStats[]> {
  return page.evaluate(() => (window as TestWindow).__sightlineDebug?.videoGaze() ?? []);
}

export async function waitForVideo(page: Page, handle: number, frames: number): Promise<VideoGazeStats> {
  let last: VideoGazeStats | undefined;
  await waitFor(
    `${frames} video frames drawn`,
    async () => {
      last = (await debugVideo(page)).find((s) => s.handle === handle);
      return (last?.drawn ?? 0) >= frames;
    },
    30_000,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; last figures: ${JSON.stringify(last && { ...last, recent: undefined })}`);
  });
  return last!;
}

/**
 * Decoded video, not a blank or frozen canvas: two screenshots 300 ms apart each show many colours,
 * and differ from each other.
 */
export async function checkVideoChanges(page: Page, handle: number): Promise<{ distinct: number; changed: number }> {
  const canvas = page.getByTestId(`video-canvas-${handle}`);
  const first = decodePng(await canvas.screenshot({ timeout: 10_000 }));
  await page.waitForTimeout(300);
  const second = decodePng(await canvas.screenshot({ timeout: 10_000 }));
  const distinct = distinctColours(second);
  const changed = countChanged(first, second, 24);
  const total = first.width * first.height;
  assert.ok(distinct > 64, `the video looks blank: ${distinct} distinct colours`);
  assert.ok(changed > total * 0.005, `the video did not change: ${changed} of ${total} pixels in 300 ms`);
  return { distinct, changed };
}

function distinctColours(image: Rgba): number {
  const seen = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4) {
    seen.add((image.data[i]! >> 3) | ((image.data[i + 1]! >> 3) << 5) | ((image.data[i + 2]! >> 3) << 10));
  }
  return seen.size;
}

export interface RingCheck {
  frame: DrawnFrame;
  /** Share of points on the drawn ring that are ring-coloured in the screenshot. */
  ringHits: number;
  /** Distance from the drawn ring to the simulator's gaze at the frame's time, frame pixels. */
  errorPx: number;
  scale: number;
}

/**
 * The gaze ring in the screenshot is where the simulator put the gaze at that frame's time.
 *  1. Screenshot the canvas; the frame on screen is one of the last few the page drew.
 *  2. For each recently drawn frame, look for the ring-coloured circle it reports in the pixels;
 *     the frame whose ring is there is the one on screen.
 *  3. The simulator's gaze at that frame's time (`truth`, frame pixels) is within `tolerancePx`.
 */
export async function checkGazeRing(
  page: Page,
  handle: number,
  truth: (frame: DrawnFrame) => { x: number; y: number },
  tolerancePx: number,
): Promise<RingCheck> {
  const canvas = page.getByTestId(`video-canvas-${handle}`);
  const box = await canvas.boundingBox();
  assert.ok(box, 'the video canvas is not laid out');
  const shot = decodePng(await canvas.screenshot({ timeout: 10_000 }));
  // The figures reach the page within ~100 ms of a draw (from the link worker).
  await page.waitForTimeout(400);
  const stats = (await debugVideo(page)).find((s) => s.handle === handle);
  assert.ok(stats && stats.recent.length > 0, 'no drawn frames reported');
  const scale = shot.width / stats.width;
  let best: { frame: DrawnFrame; hits: number } | null = null;
  for (const frame of stats.recent) {
    if (!frame.gaze) continue;
    const hits = ringHits(
      shot,
      frame.gaze.x * scale,
      frame.gaze.y * scale,
      stats.width * RING_RADIUS_SHARE * scale,
      isRingColour,
    );
    if (!best || hits > best.hits) best = { frame, hits };
  }
  assert.ok(best, `no recent frame had a gaze ring drawn: ${JSON.stringify(stats.recent.slice(-3))}`);
  assert.ok(best.hits >= 0.6, `no ring in the screenshot where the page says it drew one (best ${best.hits})`);
  const gaze = best.frame.gaze!;
  const expected = truth(best.frame);
  const errorPx = Math.hypot(gaze.x - expected.x, gaze.y - expected.y);
  assert.ok(
    errorPx <= tolerancePx,
    `gaze drawn at (${gaze.x.toFixed(1)}, ${gaze.y.toFixed(1)}), the simulator put it at (${expected.x.toFixed(1)}, ${expected.y.toFixed(1)}): ${errorPx.toFixed(1)} px apart`,
  );
  return { frame: best.frame, ringHits: best.hits, errorPx, scale };
}

/** Share of 48 points around the circle that have a pixel of the colour within 2 px radially. */
export function ringHits(image: Rgba, cx: number, cy: number, radius: number, isColour: ColourTest): number {
  return ringPoints(image, cx, cy, radius, isColour).filter(Boolean).length / RING_POINTS;
}

/**
 * Like ringHits, but a point counts only when the colour is on the ring and not also just outside
 * the ring's dark rim at the same angle (`outsidePx` beyond the radius): colour that belongs to the
 * scene under the ring (e.g. a colour bar seen through a dashed ring's gaps) runs across both.
 */
export function ringOnlyHits(
  image: Rgba,
  cx: number,
  cy: number,
  radius: number,
  outsidePx: number,
  isColour: ColourTest,
): number {
  const on = ringPoints(image, cx, cy, radius, isColour);
  const outside = ringPoints(image, cx, cy, radius + outsidePx, isColour);
  return on.filter((hit, k) => hit && !outside[k]).length / RING_POINTS;
}

const RING_POINTS = 48;

function ringPoints(image: Rgba, cx: number, cy: number, radius: number, isColour: ColourTest): boolean[] {
  const hits: boolean[] = [];
  for (let k = 0; k < RING_POINTS; k++) {
    const a = (2 * Math.PI * k) / RING_POINTS;
    let hit = false;
    for (let dr = -2; dr <= 2 && !hit; dr++) {
      const x = Math.round(cx + (radius + dr) * Math.cos(a));
      const y = Math.round(cy + (radius + dr) * Math.sin(a));
      if (x < 0 || y < 0 || x >= image.width || y >= image.height) continue;
      const i = (y * image.width + x) * 4;
      hit = isColour(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!);
    }
    hits.push(hit);
  }
  return hits;
}
