/**
 * The 3D view's operator state: view options (kept in the saved layout under "scene"), the selected
 * body and whether the camera follows it. Low rate: changes on clicks only.
 */
import { create } from 'zustand';
import {
  DEFAULT_SCENE_OPTIONS,
  readSceneOptions,
  type SceneToggle,
  type SceneViewOptions,
} from '../panels/scene/scene-view-options';
import { layoutSectionChanged, registerLayoutSection } from './layout-sections';

export interface BodyRef {
  handle: number;
  id: number;
}

export interface SceneViewState {
  options: SceneViewOptions;
  selected: BodyRef | null;
  following: boolean;
  /** Bumped to ask the camera to frame everything again. */
  framing: number;
}

export const useSceneView = create<SceneViewState>()(() => ({
  options: { ...DEFAULT_SCENE_OPTIONS },
  selected: null,
  following: false,
  framing: 0,
}));

registerLayoutSection('scene', {
  restore: (saved) => useSceneView.setState({ options: readSceneOptions(saved) }),
  snapshot: () => ({ ...useSceneView.getState().options }),
});

export function setSceneOptions(change: Partial<SceneViewOptions>): void {
  useSceneView.setState((s) => ({ options: { ...s.options, ...change } }));
  layoutSectionChanged();
}

export function toggleSceneOption(key: SceneToggle): void {
  setSceneOptions({ [key]: !useSceneView.getState().options[key] });
}

export function selectBody(body: BodyRef | null): void {
  useSceneView.setState((s) => ({ selected: body, following: body ? s.following : false }));
}

export function setFollowing(following: boolean): void {
  useSceneView.setState((s) => ({ following: following && s.selected !== null }));
}

export function frameEverything(): void {
  useSceneView.setState((s) => ({ framing: s.framing + 1, following: false }));
}

export function isSelected(selected: BodyRef | null, handle: number, id: number): boolean {
  return selected !== null && selected.handle === handle && selected.id === id;
}
