/**
 * Draws the gaze over a video frame already on the canvas: a ring at the matched sample, a short
 * trail behind it, nothing when the glasses are not worn, and a dashed amber ring with a label while
 * the clocks are not synced (matched on arrival times, so the ring may lag the picture).
 */
import type { GazePoint } from './gaze-track';

export type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

export const GAZE_COLOR = '#ff2850';
export const UNSYNCED_COLOR = '#ffb020';
/** Ring radius as a share of the frame width (Pupil's monitor app uses 3.5–8 %). */
export const RING_RADIUS_SHARE = 0.04;

export interface GazeOverlay {
  point: GazePoint | null;
  trail: readonly GazePoint[];
  synced: boolean;
}

export function drawGazeOverlay(ctx: Context2D, width: number, height: number, overlay: GazeOverlay): void {
  const { point, trail, synced } = overlay;
  const color = synced ? GAZE_COLOR : UNSYNCED_COLOR;
  const line = Math.max(2, Math.round(width * 0.006));
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  if (point?.worn) {
    ctx.strokeStyle = color;
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = line * 1.5;
    ctx.beginPath();
    let started = false;
    for (const p of trail) {
      if (!p.worn) {
        started = false;
        continue;
      }
      if (started) ctx.lineTo(p.x * width, p.y * height);
      else ctx.moveTo(p.x * width, p.y * height);
      started = true;
    }
    if (started) ctx.lineTo(point.x * width, point.y * height);
    ctx.stroke();
    ctx.globalAlpha = 1;
    if (!synced) ctx.setLineDash([line * 2, line * 1.5]);
    // A dark rim under the ring keeps it visible on any colour of the scene.
    for (const [style, widthShare] of [
      ['rgba(0, 0, 0, 0.7)', 2.2],
      [color, 1],
    ] as const) {
      ctx.strokeStyle = style;
      ctx.lineWidth = line * widthShare;
      ctx.beginPath();
      ctx.arc(point.x * width, point.y * height, width * RING_RADIUS_SHARE, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }
  const label = point === null ? 'no gaze' : !point.worn ? 'not worn' : synced ? null : 'unsynced';
  if (label) drawLabel(ctx, width, label, point === null || !point.worn ? '#c8d0da' : UNSYNCED_COLOR);
  ctx.restore();
}

function drawLabel(ctx: Context2D, width: number, text: string, color: string): void {
  const size = Math.max(12, Math.round(width * 0.028));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  const pad = Math.round(size * 0.4);
  const w = ctx.measureText(text).width + pad * 2;
  ctx.fillStyle = 'rgba(0, 0, 0, 0.6)';
  ctx.fillRect(pad, pad, w, size + pad * 2);
  ctx.fillStyle = color;
  ctx.textBaseline = 'top';
  ctx.fillText(text, pad * 2, pad * 2);
}
