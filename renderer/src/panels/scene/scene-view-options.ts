/**
 * What the operator chose for the 3D view, kept in the saved layout under its own key ("scene").
 * Pure, so a saved layout from an older or newer version (or a hand-edited settings file) is read
 * field by field: anything missing or of the wrong type takes its default.
 */
import type { UpAxis, Units } from './scene-math';

export interface SceneViewOptions {
  markers: boolean;
  labels: boolean;
  axes: boolean;
  trails: boolean;
  units: Units;
  up: UpAxis;
}

export const DEFAULT_SCENE_OPTIONS: Readonly<SceneViewOptions> = Object.freeze({
  markers: true,
  labels: true,
  axes: true,
  trails: false,
  units: 'm',
  up: 'y',
});

export const SCENE_TOGGLES = ['markers', 'labels', 'axes', 'trails'] as const;
export type SceneToggle = (typeof SCENE_TOGGLES)[number];

export function readSceneOptions(saved: unknown): SceneViewOptions {
  const out: SceneViewOptions = { ...DEFAULT_SCENE_OPTIONS };
  if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return out;
  const s = saved as Record<string, unknown>;
  for (const key of SCENE_TOGGLES) if (typeof s[key] === 'boolean') out[key] = s[key];
  if (s.units === 'm' || s.units === 'mm') out.units = s.units;
  if (s.up === 'y' || s.up === 'z') out.up = s.up;
  return out;
}
