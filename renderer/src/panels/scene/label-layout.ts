/**
 * Where each body's name goes on screen so that no two overlap: greedy, most important first (the
 * selected body, then labels already shown last time, so labels do not flicker as bodies cross),
 * each tried at its four corners around its body; one that fits nowhere is hidden (the full name
 * shows on hover). Pure, in CSS px of the canvas.
 */

export type Corner = 'ne' | 'nw' | 'se' | 'sw';
export const CORNERS: readonly Corner[] = ['ne', 'nw', 'se', 'sw'];

export interface LabelIn {
  key: string;
  /** The body's position on screen; NaN when behind the camera. */
  x: number;
  y: number;
  width: number;
  height: number;
  selected: boolean;
  /** Shown in the previous layout (hysteresis). */
  wasShown: boolean;
  /** Where it was shown last time, tried first. */
  lastCorner?: Corner;
}

export interface LabelOut {
  key: string;
  corner: Corner | null;
  /** The label's box on screen when shown. */
  rect: Rect | null;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The gap between a body and its label, px (TextSprite's offset). */
export const LABEL_OFFSET_PX = 8;

export function rectAt(
  l: Pick<LabelIn, 'x' | 'y' | 'width' | 'height'>,
  corner: Corner,
  offset = LABEL_OFFSET_PX,
): Rect {
  const east = corner === 'ne' || corner === 'se';
  const north = corner === 'ne' || corner === 'nw';
  return {
    x: east ? l.x + offset : l.x - offset - l.width,
    y: north ? l.y - offset - l.height : l.y + offset,
    width: l.width,
    height: l.height,
  };
}

export function overlaps(a: Rect, b: Rect, margin = 1): boolean {
  return (
    a.x < b.x + b.width + margin &&
    b.x < a.x + a.width + margin &&
    a.y < b.y + b.height + margin &&
    b.y < a.y + a.height + margin
  );
}

export function layoutLabels(labels: readonly LabelIn[], view: { width: number; height: number }): LabelOut[] {
  const order = labels
    .map((l, i) => ({ l, i }))
    .sort(
      (a, b) =>
        Number(b.l.selected) - Number(a.l.selected) ||
        Number(b.l.wasShown) - Number(a.l.wasShown) ||
        (a.l.key < b.l.key ? -1 : a.l.key > b.l.key ? 1 : 0),
    );
  const placed: Rect[] = [];
  const out: LabelOut[] = labels.map((l) => ({ key: l.key, corner: null, rect: null }));
  for (const { l, i } of order) {
    if (!Number.isFinite(l.x) || !Number.isFinite(l.y)) continue;
    const tries = l.lastCorner ? [l.lastCorner, ...CORNERS.filter((c) => c !== l.lastCorner)] : CORNERS;
    for (const corner of tries) {
      const r = rectAt(l, corner);
      const inside = r.x >= 0 && r.y >= 0 && r.x + r.width <= view.width && r.y + r.height <= view.height;
      if (!inside && !l.selected) continue;
      if (!l.selected && placed.some((p) => overlaps(p, r))) continue;
      placed.push(r);
      out[i] = { key: l.key, corner, rect: r };
      break;
    }
  }
  return out;
}
