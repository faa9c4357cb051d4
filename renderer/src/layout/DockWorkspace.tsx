/**
 * The docking workspace (dockview): every panel in tabs and splits anywhere, the 3D scene included;
 * each panel can be maximised, popped out into its own window, moved from the keyboard, or hidden.
 * The tools sit in the tab bar of the panel's group, for the tab shown (inside the panel they covered
 * its own controls, e.g. the 3D scene's display options). A DockSlot keeps the region role and name
 * (and test ids) the rest of the app and the tests address a panel by.
 */
import {
  DockviewReact,
  themeDark,
  themeLight,
  type DockviewApi,
  type IDockviewHeaderActionsProps,
  type IDockviewPanelHeaderProps,
  type IDockviewPanelProps,
} from 'dockview-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Notices } from '../panels/Notices';
import { addNotice } from '../stores/app-store';
import { linkBridge } from '../stores/link-bridge';
import { isShown, PANELS, togglePanel, useLayoutStore, type PanelName } from '../stores/layout-store';
import {
  attachDock,
  dockBack,
  dockedPanels,
  ensureDocked,
  hideDocked,
  movePanelTo,
  panelTitle,
  popOut,
  resetDockview,
  toggleMaximised,
  useDockViewStore,
  type MoveWhere,
} from './dock-controller';
import { useDockStore } from './dock-store';
import { PANEL_CONTENT } from './panel-content';
import { useThemeStore } from './theme-store';
import { panelWindowUrl } from './window-mode';

export function slotId(panel: string): string {
  return `dock-${panel}`;
}

/**
 * The default arrangement: the 3D scene on the left; on the right the scene video, under it the
 * device list with the status panels as tabs, and under that the recording with playback.
 */
const DEFAULT_GROUPS: { lead: PanelName; tabs: PanelName[] }[] = [
  { lead: 'video', tabs: [] },
  { lead: 'devices', tabs: ['health', 'time', 'inputs', 'teleport', 'channels'] },
  { lead: 'recording', tabs: ['events', 'playback'] },
];
/** The plots go under the 3D scene, where a wide time axis fits. */
const UNDER_SCENE: PanelName[] = ['plots'];

function buildDefault(api: DockviewApi): void {
  const shown = (p: PanelName) => isShown(useLayoutStore.getState(), p);
  const add = (id: PanelName, position?: { referencePanel: string; direction: 'right' | 'below' | 'within' }) => {
    if (!shown(id) || api.getPanel(id)) return;
    api.addPanel({
      id,
      component: 'panel',
      title: panelTitle(id),
      params: { panel: id },
      ...(position ? { position } : {}),
    });
  };
  add('scene');
  let previous: string | null = null;
  for (const group of DEFAULT_GROUPS) {
    const members = [group.lead, ...group.tabs].filter(shown);
    const [first, ...rest] = members;
    if (!first) continue;
    const scene = api.getPanel('scene') ? 'scene' : null;
    add(
      first,
      previous
        ? { referencePanel: previous, direction: 'below' }
        : scene
          ? { referencePanel: scene, direction: 'right' }
          : undefined,
    );
    for (const p of rest) add(p, { referencePanel: first, direction: 'within' });
    api.getPanel(first)?.api.setActive();
    previous = first;
  }
  for (const p of UNDER_SCENE) if (api.getPanel('scene')) add(p, { referencePanel: 'scene', direction: 'below' });
  // Anything not placed above (a panel added later) joins the device list's tabs.
  for (const p of PANELS) {
    const ref = api.getPanel('devices') ? 'devices' : (previous ?? null);
    add(p, ref ? { referencePanel: ref, direction: 'within' } : undefined);
  }
  api.getPanel('devices')?.api.setActive();
  const scene = api.getPanel('scene');
  if (scene && api.width > 0) scene.group.api.setSize({ width: Math.round(api.width * 0.64) });
  const video = api.getPanel('video');
  if (video && api.height > 0) video.group.api.setSize({ height: Math.round(api.height * 0.42) });
  const plots = api.getPanel('plots');
  if (plots && api.height > 0) plots.group.api.setSize({ height: Math.round(api.height * 0.34) });
  const recording = api.getPanel('recording');
  if (recording && api.height > 0) recording.group.api.setSize({ height: Math.round(api.height * 0.26) });
}

/** Opens a panel's window: the app's own window on the same link when main offers it, else a browser tab. */
async function openPanelWindow(panel: PanelName): Promise<boolean> {
  const r = await linkBridge().call('openPanelWindow', { panel });
  if (r.ok && r.value.opened) return true;
  const win = window.open(panelWindowUrl(window.location.href, panel), `sightline-panel-${panel}`);
  if (!win) addNotice('warn', `The browser blocked the window for ${panelTitle(panel)}: allow pop-ups for this page.`);
  return win !== null;
}

export function DockWorkspace() {
  const resolved = useThemeStore((s) => s.resolved);
  const [api, setApi] = useState<DockviewApi | null>(null);
  const hidden = useLayoutStore((s) => s.hidden);
  const restored = useLayoutStore((s) => s.restored);
  const popped = useDockViewStore((s) => s.popped);
  const resets = useDockStore((s) => s.resets);
  const firstReset = useRef(resets);

  useEffect(() => {
    if (!api) return;
    return attachDock(api, buildDefault, (panel) => {
      // The operator closed the tab: the panel is hidden, as with the View menu.
      if (isShown(useLayoutStore.getState(), panel)) togglePanel(panel);
    });
  }, [api]);

  // The View menu, shortcuts and Reset layout change which panels are shown: follow them.
  useEffect(() => {
    if (!api || !restored) return;
    for (const p of PANELS) {
      if (popped.includes(p)) continue;
      if (hidden.includes(p)) hideDocked(p);
      else ensureDocked(p);
    }
  }, [api, hidden, restored, popped]);

  useEffect(() => {
    if (resets !== firstReset.current) {
      firstReset.current = resets;
      resetDockview();
    }
  }, [resets]);

  return (
    <main className="workspace dock-workspace">
      <Notices />
      <PoppedOut />
      <DockviewReact
        className="dock-view"
        theme={resolved === 'light' ? themeLight : themeDark}
        components={{ panel: PanelHost }}
        defaultTabComponent={Tab}
        rightHeaderActionsComponent={GroupTools}
        onReady={(event) => setApi(event.api)}
        disableFloatingGroups
      />
    </main>
  );
}

/**
 * A tab shows the panel's name only: a close button inside a tab would nest one control in another
 * (an accessibility fault); hiding is the panel's own ✕ tool.
 */
function Tab(props: IDockviewPanelHeaderProps) {
  return <span className="dock-tab-title">{props.api.title}</span>;
}

/** The shown tab's tools, at the right of its group's tab bar. */
function GroupTools(props: IDockviewHeaderActionsProps) {
  const panel = props.activePanel?.id as PanelName | undefined;
  if (!panel || !(panel in PANEL_CONTENT)) return null;
  return <DockTools panel={panel} label={panelTitle(panel)} />;
}

function PanelHost(props: IDockviewPanelProps<{ panel: PanelName }>) {
  const panel = props.params.panel;
  return <DockSlot panel={panel}>{PANEL_CONTENT[panel]()}</DockSlot>;
}

/** The panels in their own windows, each with a way back (and, if its window is gone, to open it again). */
function PoppedOut() {
  const popped = useDockViewStore((s) => s.popped);
  const alive = useDockViewStore((s) => s.alive);
  if (popped.length === 0) return null;
  return (
    <ul className="popped-list" aria-label="Panels in their own window" data-testid="popped-list">
      {popped.map((p) => (
        <li key={p} data-testid={`popped-${p}`} data-alive={alive.includes(p)}>
          <span>
            {panelTitle(p)}: {alive.includes(p) ? 'in its own window' : 'its window is closed'}
          </span>
          {alive.includes(p) ? null : (
            <button type="button" onClick={() => void openPanelWindow(p)}>
              Open window again
            </button>
          )}
          <button type="button" onClick={() => dockBack(p)} data-testid={`dock-back-${p}`}>
            Dock {panelTitle(p)} back
          </button>
        </li>
      ))}
    </ul>
  );
}

export function DockSlot(props: { panel: PanelName; children: ReactNode }) {
  const label = panelTitle(props.panel);
  return (
    <div
      id={slotId(props.panel)}
      className="dock-slot dock-slot-fill"
      tabIndex={-1}
      role="region"
      aria-label={label}
      data-testid={`dock-${props.panel}`}
    >
      <div className="dock-slot-body">{props.children}</div>
    </div>
  );
}

const WHERE_TEXT: Record<MoveWhere, string> = { right: 'right of', below: 'below', tab: 'as a tab with' };

function DockTools({ panel, label }: { panel: PanelName; label: string }) {
  const maximised = useDockViewStore((s) => s.maximised === panel);
  useDockViewStore((s) => s.revision);
  const others = dockedPanels().filter((p) => p !== panel);
  return (
    <div className="dock-tools" role="group" aria-label={`${label} panel`}>
      <select
        className="dock-move"
        aria-label={`Move ${label}`}
        data-testid={`dock-move-${panel}`}
        value=""
        onChange={(e) => {
          const [where, target] = e.target.value.split(':') as [MoveWhere, PanelName];
          if (target) movePanelTo(panel, target, where);
        }}
      >
        <option value="">Move…</option>
        {others.map((o) => (
          <optgroup key={o} label={panelTitle(o)}>
            {(['right', 'below', 'tab'] as const).map((w) => (
              <option key={w} value={`${w}:${o}`}>
                {`${WHERE_TEXT[w]} ${panelTitle(o)}`}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <DockTool
        text={maximised ? '⤡' : '⤢'}
        name={maximised ? `Restore ${label}` : `Maximise ${label}`}
        testId={`dock-max-${panel}`}
        pressed={maximised}
        onClick={() => toggleMaximised(panel)}
      />
      <DockTool
        text="↗"
        name={`Pop ${label} out into its own window`}
        testId={`dock-pop-${panel}`}
        onClick={() => void popOut(panel, openPanelWindow)}
      />
      <DockTool
        text="✕"
        name={`Hide ${label} (the View menu or Alt with its number shows it again)`}
        testId={`dock-hide-${panel}`}
        onClick={() => togglePanel(panel)}
      />
    </div>
  );
}

function DockTool(props: { text: string; name: string; testId: string; pressed?: boolean; onClick(): void }) {
  return (
    <button
      type="button"
      className="dock-tool"
      onClick={props.onClick}
      aria-label={props.name}
      aria-pressed={props.pressed}
      title={props.name}
      data-testid={props.testId}
    >
      {props.text}
    </button>
  );
}
