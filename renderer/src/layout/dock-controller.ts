/**
 * The docking workspace's state and commands, over dockview's API: which panel sits where (tabs
 * and splits anywhere, saved under the "dockview" key of the layout JSON), which are popped out into
 * their own window (saved too), and maximise. The workspace component hands the API over when
 * dockview is ready; everything else (shortcuts, lab bar, View menu) goes through here.
 *
 * Popped-out windows talk to this one over a BroadcastChannel (same origin: the headless server's
 * tabs, or the app's windows): "hello" while open, "closed" when closed, "dock-back" on request.
 */
import type { DockviewApi, IDockviewPanel, SerializedDockview } from 'dockview-react';
import { create } from 'zustand';
import { layoutSectionChanged, registerLayoutSection } from '../stores/layout-sections';
import { PANELS, type PanelName } from '../stores/layout-store';
import { PANEL_LABELS } from './shortcut-map';

export const DOCKVIEW_VERSION = 1;
export const PANEL_CHANNEL = 'sightline-panels';
/** A popped window that reloads says "closed" and then "hello" again: wait this long before docking it back. */
const CLOSE_GRACE_MS = 5000;

export type PanelMessage =
  | { type: 'hello'; panel: string }
  | { type: 'closed'; panel: string }
  | { type: 'dock-back'; panel: string }
  | { type: 'who' };

export interface DockViewState {
  /** Panels in their own window, in the order they were popped out. */
  popped: PanelName[];
  /** Popped panels whose window answered since this page loaded. */
  alive: PanelName[];
  maximised: PanelName | null;
  /** Bumped on every layout change, so controls that list the docked panels re-render. */
  revision: number;
}

export const useDockViewStore = create<DockViewState>()(() => ({
  popped: [],
  alive: [],
  maximised: null,
  revision: 0,
}));

export function isPanelName(v: unknown): v is PanelName {
  return typeof v === 'string' && (PANELS as readonly string[]).includes(v);
}

export function panelTitle(panel: PanelName): string {
  return (PANEL_LABELS as Record<string, string>)[panel] ?? panel;
}

export interface SavedDockview {
  grid: SerializedDockview | null;
  popped: PanelName[];
}

/** Reads the saved "dockview" section; a grid naming an unknown panel is dropped (the default is built). */
export function parseSavedDockview(saved: unknown): SavedDockview {
  if (!saved || typeof saved !== 'object') return { grid: null, popped: [] };
  const s = saved as Record<string, unknown>;
  if (s.version !== DOCKVIEW_VERSION) return { grid: null, popped: [] };
  const popped = Array.isArray(s.popped) ? [...new Set(s.popped.filter(isPanelName))] : [];
  const grid = s.grid as SerializedDockview | null;
  const panels =
    grid && typeof grid === 'object' && grid.panels && typeof grid.panels === 'object' ? grid.panels : null;
  const known = panels !== null && Object.keys(panels).every(isPanelName) && !!grid?.grid;
  return { grid: known ? grid : null, popped };
}

let api: DockviewApi | null = null;
let pending: SavedDockview | null = null;
let buildDefault: ((api: DockviewApi) => void) | null = null;
/** Panels this code is removing (hide, pop out), told apart from the operator closing a tab. */
const removing = new Set<string>();
let channel: BroadcastChannel | null = null;
const closeTimers = new Map<string, ReturnType<typeof setTimeout>>();

registerLayoutSection('dockview', {
  restore: (saved) => {
    const parsed = parseSavedDockview(saved);
    useDockViewStore.setState({ popped: parsed.popped });
    if (api) apply(api, parsed);
    else pending = parsed;
    askWhoIsOut();
  },
  snapshot: () => ({
    version: DOCKVIEW_VERSION,
    grid: api ? api.toJSON() : (pending?.grid ?? null),
    popped: useDockViewStore.getState().popped,
  }),
});

function apply(dock: DockviewApi, saved: SavedDockview): void {
  const popped = new Set<string>(saved.popped);
  if (saved.grid) {
    try {
      // fromJSON first removes every panel: those removals are not the operator closing tabs.
      removing.add('*');
      try {
        dock.fromJSON(saved.grid);
      } finally {
        removing.delete('*');
      }
      for (const id of popped) {
        const p = dock.getPanel(id);
        if (p) removeQuietly(dock, p);
      }
      bumped();
      return;
    } catch {
      // A layout this build cannot read: the default below.
    }
  }
  rebuildDefault(dock);
}

function rebuildDefault(dock: DockviewApi): void {
  removing.add('*');
  try {
    dock.clear();
    buildDefault?.(dock);
    for (const id of useDockViewStore.getState().popped) {
      const p = dock.getPanel(id);
      if (p) removeQuietly(dock, p);
    }
  } finally {
    removing.delete('*');
  }
  bumped();
}

function removeQuietly(dock: DockviewApi, panel: IDockviewPanel): void {
  removing.add(panel.id);
  try {
    dock.removePanel(panel);
  } finally {
    removing.delete(panel.id);
  }
}

function bumped(): void {
  useDockViewStore.setState((s) => ({
    revision: s.revision + 1,
    maximised: api?.hasMaximizedGroup() ? (maximisedPanel(api) ?? null) : null,
  }));
}

function maximisedPanel(dock: DockviewApi): PanelName | undefined {
  // Every panel of a maximised group says it is maximised: the group's visible one is.
  const id = dock.groups.find((g) => g.api.isMaximized())?.activePanel?.id;
  return isPanelName(id) ? id : undefined;
}

/** The workspace hands over dockview's API (and how to build the default arrangement). */
export function attachDock(
  dock: DockviewApi,
  defaults: (api: DockviewApi) => void,
  onOperatorClose: (panel: PanelName) => void,
): () => void {
  api = dock;
  buildDefault = defaults;
  if (pending) apply(dock, pending);
  else rebuildDefault(dock);
  pending = null;
  const subs = [
    dock.onDidLayoutChange(() => {
      bumped();
      layoutSectionChanged();
    }),
    dock.onDidRemovePanel((p) => {
      if (removing.has(p.id) || removing.has('*')) return;
      if (isPanelName(p.id)) onOperatorClose(p.id);
    }),
    dock.onDidMaximizedGroupChange(() => bumped()),
  ];
  openChannel();
  return () => {
    for (const s of subs) s.dispose();
    api = null;
  };
}

export function resetDockview(): void {
  useDockViewStore.setState({ popped: [] });
  channel?.postMessage({ type: 'who' } satisfies PanelMessage);
  if (api) rebuildDefault(api);
  layoutSectionChanged();
}

export function dockedPanels(): PanelName[] {
  return (api?.panels ?? []).map((p) => p.id).filter(isPanelName);
}

/** Makes a docked panel visible: its tab active (and out of another panel's maximised view). */
export function activateDockPanel(panel: PanelName): void {
  const p = api?.getPanel(panel);
  if (!p) return;
  if (api?.hasMaximizedGroup() && !p.api.isMaximized()) api.exitMaximizedGroup();
  p.api.setActive();
}

/** Puts a panel back in the dock (shown again, or back from its own window), beside the Devices panel. */
export function ensureDocked(panel: PanelName): void {
  if (!api || api.getPanel(panel)) return;
  const reference = api.getPanel('devices') ?? api.panels.find((p) => p.id !== 'scene') ?? api.panels[0];
  api.addPanel({
    id: panel,
    component: 'panel',
    title: panelTitle(panel),
    params: { panel },
    ...(reference ? { position: { referencePanel: reference.id, direction: 'within' as const } } : {}),
  });
}

export function hideDocked(panel: PanelName): void {
  const p = api?.getPanel(panel);
  if (api && p) removeQuietly(api, p);
}

export type MoveWhere = 'right' | 'below' | 'tab';

/** Moves a panel beside (right), under (below) or into the tabs of (tab) another docked panel. */
export function movePanelTo(panel: PanelName, target: PanelName, where: MoveWhere): void {
  const p = api?.getPanel(panel);
  const t = api?.getPanel(target);
  if (!api || !p || !t || p === t) return;
  if (api.hasMaximizedGroup()) api.exitMaximizedGroup();
  const position = where === 'right' ? 'right' : where === 'below' ? 'bottom' : 'center';
  p.api.moveTo({ group: t.group, position });
  p.api.setActive();
}

export function toggleMaximised(panel: PanelName): void {
  const p = api?.getPanel(panel);
  if (!p) return;
  if (p.api.isMaximized()) p.api.exitMaximized();
  else p.api.maximize();
  bumped();
}

/**
 * Pops a panel out into its own window: the app opens a window on the same link when it can (the
 * hook answers opened); otherwise (headless) this page opens a browser tab on the same server.
 */
export async function popOut(panel: PanelName, open: (panel: PanelName) => Promise<boolean>): Promise<boolean> {
  if (!(await open(panel))) return false;
  hideDocked(panel);
  useDockViewStore.setState((s) => ({
    popped: s.popped.includes(panel) ? s.popped : [...s.popped, panel],
    alive: s.alive.includes(panel) ? s.alive : [...s.alive, panel],
  }));
  layoutSectionChanged();
  return true;
}

export function dockBack(panel: PanelName): void {
  const timer = closeTimers.get(panel);
  if (timer) clearTimeout(timer);
  closeTimers.delete(panel);
  if (!useDockViewStore.getState().popped.includes(panel)) return;
  useDockViewStore.setState((s) => ({
    popped: s.popped.filter((p) => p !== panel),
    alive: s.alive.filter((p) => p !== panel),
  }));
  ensureDocked(panel);
  activateDockPanel(panel);
  channel?.postMessage({ type: 'dock-back', panel } satisfies PanelMessage);
  layoutSectionChanged();
}

function openChannel(): void {
  if (channel || typeof BroadcastChannel === 'undefined') return;
  channel = new BroadcastChannel(PANEL_CHANNEL);
  channel.onmessage = (e: MessageEvent<PanelMessage>) => onMessage(e.data);
  askWhoIsOut();
}

function askWhoIsOut(): void {
  channel?.postMessage({ type: 'who' } satisfies PanelMessage);
}

function onMessage(m: PanelMessage): void {
  if (!m || typeof m !== 'object' || m.type === 'who') return;
  const panel = m.panel;
  if (!isPanelName(panel) || !useDockViewStore.getState().popped.includes(panel)) return;
  if (m.type === 'hello') {
    const timer = closeTimers.get(panel);
    if (timer) clearTimeout(timer);
    closeTimers.delete(panel);
    useDockViewStore.setState((s) => ({ alive: s.alive.includes(panel) ? s.alive : [...s.alive, panel] }));
  } else if (m.type === 'closed') {
    useDockViewStore.setState((s) => ({ alive: s.alive.filter((p) => p !== panel) }));
    if (!closeTimers.has(panel))
      closeTimers.set(
        panel,
        setTimeout(() => dockBack(panel), CLOSE_GRACE_MS),
      );
  } else if (m.type === 'dock-back') {
    dockBack(panel);
  }
}
