/**
 * Where the window opens: where the operator left it, unless that place is no longer on any screen
 * (a projector unplugged, a laptop undocked), in which case it is centred on the primary display at
 * its saved size, shrunk to fit. Pure, so it is tested without Electron.
 */
import type { WindowState } from '../settings/app-settings';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How much of the title bar must be visible on some display for a saved position to count. */
const MIN_VISIBLE = { width: 120, height: 40 };

function overlap(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return {
    x,
    y,
    width: Math.min(a.x + a.width, b.x + b.width) - x,
    height: Math.min(a.y + a.height, b.y + b.height) - y,
  };
}

export function restoreBounds(
  saved: WindowState | undefined,
  workAreas: Rect[],
  defaults: { width: number; height: number },
): Rect & { maximized: boolean; fullScreen: boolean } {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: defaults.width, height: defaults.height };
  const width = Math.min(saved?.width ?? defaults.width, primary.width);
  const height = Math.min(saved?.height ?? defaults.height, primary.height);
  const flags = { maximized: saved?.maximized ?? false, fullScreen: saved?.fullScreen ?? false };
  if (saved?.x !== undefined && saved.y !== undefined) {
    const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: MIN_VISIBLE.height };
    const visible = workAreas.some((area) => {
      const o = overlap(titleBar, area);
      return o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height;
    });
    if (visible) return { x: saved.x, y: saved.y, width: saved.width, height: saved.height, ...flags };
  }
  return {
    x: Math.round(primary.x + (primary.width - width) / 2),
    y: Math.round(primary.y + (primary.height - height) / 2),
    width,
    height,
    ...flags,
  };
}
