/**
 * Where each device's video is decoded and drawn. The panel hands over its canvas: to the link worker
 * when the link runs there (headless mode: frames and gaze never cross this thread), else to a view
 * on this thread fed straight from the link (Electron IPC, and the headless fallback). Either way no
 * frame goes through React state; the panel reads the figures a few times a second.
 */
import { binaryMessageKind, unpackVideoAccessUnit, type GazeSection } from '../../../preload/api';
import type { Bridge } from '../bridge';
import { VideoGazeView, type VideoGazeStats } from '../video/video-gaze-view';
import { unixNowMs } from './link-stats';

const pageViews = new Map<number, VideoGazeView>();
const workerStats = new Map<number, VideoGazeStats>();
let badVideo = 0;

/** Starts drawing `handle`'s video on `canvas`; returns the way to stop. A canvas can be handed over once. */
export function attachVideoCanvas(bridge: Bridge, handle: number, canvas: HTMLCanvasElement): () => void {
  if (!bridge.attachVideoCanvas || typeof canvas.transferControlToOffscreen !== 'function') {
    return drawHere(handle, canvas);
  }
  const offscreen = canvas.transferControlToOffscreen();
  let here: (() => void) | null = null;
  // The worker may still hand the canvas back (it never started): then it is drawn on here.
  const inWorker = bridge.attachVideoCanvas(handle, offscreen, (back) => (here = drawHere(handle, back)));
  if (!inWorker) return drawHere(handle, offscreen);
  return () => {
    bridge.releaseVideoCanvas?.(handle);
    workerStats.delete(handle);
    here?.();
  };
}

function drawHere(handle: number, canvas: HTMLCanvasElement | OffscreenCanvas): () => void {
  pageViews.get(handle)?.close();
  const view = new VideoGazeView({ handle, canvas, now: unixNowMs });
  pageViews.set(handle, view);
  return () => {
    view.close();
    if (pageViews.get(handle) === view) pageViews.delete(handle);
  };
}

/** Subscribes to the figures of video drawn in the link worker. */
export function followWorkerVideo(bridge: Bridge): () => void {
  return bridge.onVideoStats?.((stats) => workerStats.set(stats.handle, stats)) ?? (() => {});
}

/** A binary message on this thread: true if it was video (drawn here if a view wants it). */
export function routeVideoMessage(buffer: ArrayBuffer): boolean {
  if (binaryMessageKind(buffer) !== 'video') return false;
  if (pageViews.size === 0) return true;
  try {
    const au = unpackVideoAccessUnit(buffer);
    pageViews.get(au.handle)?.pushVideo(au);
  } catch {
    badVideo++;
  }
  return true;
}

let gazeTap: ((sections: readonly GazeSection[]) => void) | null = null;

/** Another reader of the gaze samples that reach this page (the Plots panel), or null. */
export function setGazeTap(tap: ((sections: readonly GazeSection[]) => void) | null): void {
  gazeTap = tap;
}

/** Gaze the link worker passed on for the tap only (its own video view drew it already). */
export function tapGaze(sections: readonly GazeSection[]): void {
  gazeTap?.(sections);
}

export function routeGaze(sections: readonly GazeSection[]): void {
  gazeTap?.(sections);
  if (pageViews.size === 0) return;
  for (const section of sections) pageViews.get(section.handle)?.pushGaze(section);
}

/** The latest figures of a device's video, wherever it is drawn; null if it is not shown. */
export function videoGazeStats(handle: number): VideoGazeStats | null {
  return pageViews.get(handle)?.stats() ?? workerStats.get(handle) ?? null;
}

/** Every device's video figures (debug hooks). */
export function allVideoGazeStats(): VideoGazeStats[] {
  const out = [...pageViews.values()].map((v) => v.stats());
  for (const [handle, stats] of workerStats) if (!pageViews.has(handle)) out.push(stats);
  return out;
}

export function badVideoMessages(): number {
  return badVideo;
}
