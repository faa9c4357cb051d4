/**
 * The arrangement of the workspace, kept under the "dock" key of the saved layout JSON: how wide the
 * 3D scene is against the side column, and the order of the side column's panels. Pure, so a saved
 * layout from an older build, a hand-edited settings file or a renamed panel can be checked in a
 * unit test: whatever cannot be read falls back to the default, panel by panel.
 */
export declare const DOCK_VERSION = 1;
/** Every panel the workspace can show beside the 3D scene, in the default order. */
export declare const SIDE_PANELS: readonly [
  'video',
  'devices',
  'recording',
  'inputs',
  'teleport',
  'health',
  'time',
  'playback',
];
export type SidePanel = (typeof SIDE_PANELS)[number];
export interface DockLayout {
  /** The 3D scene's share of the window's width, in percent (the side column takes the rest). */
  scenePercent: number;
  order: SidePanel[];
}
export declare const MIN_SCENE_PERCENT = 20;
export declare const MAX_SCENE_PERCENT = 85;
export declare const DEFAULT_DOCK: DockLayout;
export declare function isSidePanel(name: unknown): name is SidePanel;
/** Reads a saved "dock" section; unknown panels are dropped and missing ones appended in default order. */
export declare function parseDockLayout(saved: unknown): DockLayout;
export declare function serialiseDockLayout(layout: DockLayout): Record<string, unknown>;
/** Moves a panel one place up (-1) or down (+1) in the side column; at either end nothing changes. */
export declare function movePanel(order: readonly SidePanel[], panel: SidePanel, step: -1 | 1): SidePanel[];
