/**
 * The arrangement of the workspace, kept under the "dock" key of the saved layout JSON: how wide the
 * 3D scene is against the side column, and the order of the side column's panels. Pure, so a saved
 * layout from an older build, a hand-edited settings file or a renamed panel can be checked in a
 * unit test: whatever cannot be read falls back to the default, panel by panel.
 */

export const DOCK_VERSION = 1;

/** Every panel the workspace can show beside the 3D scene, in the default order. */
export const SIDE_PANELS = [
  'video',
  'devices',
  'recording',
  'inputs',
  'teleport',
  'health',
  'time',
  'playback',
  'plots',
  'channels',
  'events',
] as const;
export type SidePanel = (typeof SIDE_PANELS)[number];

export interface DockLayout {
  /** The 3D scene's share of the window's width, in percent (the side column takes the rest). */
  scenePercent: number;
  order: SidePanel[];
}

export const MIN_SCENE_PERCENT = 20;
export const MAX_SCENE_PERCENT = 85;
export const DEFAULT_DOCK: DockLayout = { scenePercent: 70, order: [...SIDE_PANELS] };

export function isSidePanel(name: unknown): name is SidePanel {
  return typeof name === 'string' && (SIDE_PANELS as readonly string[]).includes(name);
}

/** Reads a saved "dock" section; unknown panels are dropped and missing ones appended in default order. */
export function parseDockLayout(saved: unknown): DockLayout {
  if (!saved || typeof saved !== 'object') return cloneDefault();
  const s = saved as Record<string, unknown>;
  if (s.version !== DOCK_VERSION) return cloneDefault();
  const percent = typeof s.scenePercent === 'number' && Number.isFinite(s.scenePercent) ? s.scenePercent : NaN;
  const scenePercent = Number.isNaN(percent)
    ? DEFAULT_DOCK.scenePercent
    : Math.min(MAX_SCENE_PERCENT, Math.max(MIN_SCENE_PERCENT, percent));
  const listed = Array.isArray(s.order) ? s.order.filter(isSidePanel) : [];
  const order = [...new Set(listed)];
  for (const panel of SIDE_PANELS) if (!order.includes(panel)) order.push(panel);
  return { scenePercent, order };
}

export function serialiseDockLayout(layout: DockLayout): Record<string, unknown> {
  return { version: DOCK_VERSION, scenePercent: Math.round(layout.scenePercent * 10) / 10, order: [...layout.order] };
}

/** Moves a panel one place up (-1) or down (+1) in the side column; at either end nothing changes. */
export function movePanel(order: readonly SidePanel[], panel: SidePanel, step: -1 | 1): SidePanel[] {
  const from = order.indexOf(panel);
  const to = from + step;
  if (from < 0 || to < 0 || to >= order.length) return [...order];
  const next = [...order];
  next.splice(to, 0, ...next.splice(from, 1));
  return next;
}

function cloneDefault(): DockLayout {
  return { scenePercent: DEFAULT_DOCK.scenePercent, order: [...DEFAULT_DOCK.order] };
}
