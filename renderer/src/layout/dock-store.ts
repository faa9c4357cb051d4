/** The live dock layout, saved with the rest of the layout JSON (layout-sections, key "dock"). */
import { create } from 'zustand';
import { layoutSectionChanged, registerLayoutSection } from '../stores/layout-sections';
import {
  DEFAULT_DOCK,
  movePanel,
  parseDockLayout,
  serialiseDockLayout,
  type DockLayout,
  type SidePanel,
} from './dock-layout';

/** `resets` counts Reset layout presses, so the docking workspace can rebuild its default. */
export const useDockStore = create<DockLayout & { resets: number }>()(() => ({ ...parseDockLayout(null), resets: 0 }));

registerLayoutSection('dock', {
  restore: (saved) => useDockStore.setState(parseDockLayout(saved)),
  snapshot: () => serialiseDockLayout(useDockStore.getState()),
});

export function setScenePercent(percent: number): void {
  if (Math.abs(useDockStore.getState().scenePercent - percent) < 0.05) return;
  useDockStore.setState({ scenePercent: percent });
  layoutSectionChanged();
}

export function moveSidePanel(panel: SidePanel, step: -1 | 1): void {
  useDockStore.setState((s) => ({ order: movePanel(s.order, panel, step) }));
  layoutSectionChanged();
}

export function resetDock(): void {
  useDockStore.setState((s) => ({
    scenePercent: DEFAULT_DOCK.scenePercent,
    order: [...DEFAULT_DOCK.order],
    resets: s.resets + 1,
  }));
  layoutSectionChanged();
}
