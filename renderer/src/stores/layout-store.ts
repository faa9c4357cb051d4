/**
 * Which panels the page shows. Kept by main in the settings file (getLayout / saveLayout), so the
 * window opens as the operator left it; changed by the View menu (app-command events) and by the
 * page itself. The layout JSON is versioned so a later layout engine can read or drop old ones.
 */
import { create } from 'zustand';
import type { PanelLayout } from '../../../preload/api';
import { SIDE_PANELS } from '../layout/dock-layout';
import { resetDock } from '../layout/dock-store';
import { layoutSectionSnapshots, onLayoutSectionChange, restoreLayoutSections } from './layout-sections';
import { panelWindowOf } from '../layout/window-mode';

/** Every panel the View menu can show or hide (main/app/menu.ts lists the same ids). */
export const PANELS = ['scene', ...SIDE_PANELS] as const;
export type PanelName = (typeof PANELS)[number];

const LAYOUT_VERSION = 1;
const SAVE_DELAY_MS = 300;

export interface LayoutState {
  hidden: PanelName[];
  /** True once the saved layout was read (or found missing): saving before then would erase it. */
  restored: boolean;
}

export const useLayoutStore = create<LayoutState>()(() => ({ hidden: [], restored: false }));

type Saver = (layout: PanelLayout) => void;
let saver: Saver | null = null;
let saveTimer: ReturnType<typeof setTimeout> | null = null;

export function isPanel(name: unknown): name is PanelName {
  return typeof name === 'string' && (PANELS as readonly string[]).includes(name);
}

/** Reads a saved layout; anything unknown (another version, a renamed panel) falls back to all shown. */
export function restoreLayout(saved: PanelLayout | null, save: Saver): void {
  saver = save;
  const hidden =
    saved && saved.version === LAYOUT_VERSION && Array.isArray(saved.hidden) ? saved.hidden.filter(isPanel) : [];
  useLayoutStore.setState({ hidden: [...new Set(hidden)], restored: true });
  restoreLayoutSections(saved);
}

function persist(): void {
  const { hidden, restored } = useLayoutStore.getState();
  // A popped-out panel's window reads the layout but never writes it: the main window owns it.
  if (!restored || !saver || panelWindowOf() !== null) return;
  if (saveTimer) clearTimeout(saveTimer);
  const save = saver;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    save({ ...layoutSectionSnapshots(), version: LAYOUT_VERSION, hidden });
  }, SAVE_DELAY_MS);
}
onLayoutSectionChange(persist);

export function togglePanel(panel: PanelName): void {
  useLayoutStore.setState((s) => ({
    hidden: s.hidden.includes(panel) ? s.hidden.filter((p) => p !== panel) : [...s.hidden, panel],
  }));
  persist();
}

export function resetLayout(): void {
  useLayoutStore.setState({ hidden: [] });
  resetDock();
  persist();
}

export function isShown(state: LayoutState, panel: PanelName): boolean {
  return !state.hidden.includes(panel);
}
