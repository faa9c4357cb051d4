/**
 * The resizable workspace: the 3D scene and a side column split by a draggable (and keyboard-
 * resizable) separator, the side column's panels in the operator's order, each with move and hide
 * buttons. Panels keep their own components; a DockSlot only frames one so it can be focused,
 * moved and hidden.
 */
import { useEffect, type ReactNode } from 'react';
import { Group, Panel as ResizablePanel, Separator, useGroupRef } from 'react-resizable-panels';
import { Devices } from '../panels/Devices';
import { Health } from '../panels/Health';
import { InputsPanel } from '../panels/Inputs';
import { Notices } from '../panels/Notices';
import { Playback } from '../panels/Playback';
import { Recording } from '../panels/Recording';
import { Scene3D } from '../panels/Scene3D';
import { TeleportPanel } from '../panels/Teleport';
import { Time } from '../panels/Time';
import { VideoGaze } from '../panels/VideoGaze';
import { isShown, togglePanel, useLayoutStore } from '../stores/layout-store';
import { MAX_SCENE_PERCENT, MIN_SCENE_PERCENT, type SidePanel } from './dock-layout';
import { moveSidePanel, setScenePercent, useDockStore } from './dock-store';
import { PANEL_LABELS, type FocusTarget } from './shortcut-map';

const SIDE_CONTENT: Record<SidePanel, () => ReactNode> = {
  video: () => <VideoGaze />,
  devices: () => <Devices />,
  recording: () => <Recording />,
  inputs: () => <InputsPanel />,
  teleport: () => <TeleportPanel />,
  health: () => <Health />,
  time: () => <Time />,
  playback: () => <Playback />,
};

export function slotId(panel: FocusTarget): string {
  return `dock-${panel}`;
}

export function Workspace() {
  const layout = useLayoutStore();
  const dock = useDockStore();
  const shown = dock.order.filter((p) => isShown(layout, p));
  const groupRef = useGroupRef();
  // The saved split arrives after the first render (and Reset layout changes it): defaultLayout is
  // read only once, so a different split from the store is pushed into the mounted group.
  useEffect(() => {
    const group = groupRef.current;
    const now = group?.getLayout().main;
    if (group && typeof now === 'number' && Math.abs(now - dock.scenePercent) > 0.5)
      group.setLayout({ main: dock.scenePercent, side: 100 - dock.scenePercent });
  }, [dock.scenePercent, groupRef]);
  return (
    <main className="workspace">
      <Group
        className="workspace-group"
        id="workspace"
        groupRef={groupRef}
        orientation="horizontal"
        defaultLayout={{ main: dock.scenePercent, side: 100 - dock.scenePercent }}
        onLayoutChanged={(sizes) => {
          if (typeof sizes.main === 'number') setScenePercent(sizes.main);
        }}
      >
        <ResizablePanel
          id="main"
          minSize={`${MIN_SCENE_PERCENT}`}
          maxSize={`${MAX_SCENE_PERCENT}`}
          className="dock-main"
        >
          <div
            id={slotId('scene')}
            className="dock-scene"
            tabIndex={-1}
            role="region"
            aria-label={PANEL_LABELS.scene}
            data-testid="dock-scene"
          >
            {isShown(layout, 'scene') ? <Scene3D /> : <div className="scene-hidden" data-testid="scene-hidden" />}
          </div>
        </ResizablePanel>
        <Separator
          className="dock-separator"
          aria-label="Resize the 3D scene against the side panels"
          data-testid="dock-separator"
        />
        <ResizablePanel id="side" className="dock-side">
          <aside className="sidebar" data-testid="sidebar">
            <Notices />
            {shown.map((panel, i) => (
              <DockSlot key={panel} panel={panel} first={i === 0} last={i === shown.length - 1}>
                {SIDE_CONTENT[panel]()}
              </DockSlot>
            ))}
          </aside>
        </ResizablePanel>
      </Group>
    </main>
  );
}

function DockSlot(props: { panel: SidePanel; first: boolean; last: boolean; children: ReactNode }) {
  const label = PANEL_LABELS[props.panel];
  return (
    <div
      id={slotId(props.panel)}
      className="dock-slot"
      tabIndex={-1}
      role="region"
      aria-label={label}
      data-testid={`dock-${props.panel}`}
    >
      <div className="dock-tools" role="group" aria-label={`${label} panel`}>
        <DockTool
          text="▲"
          name={`Move ${label} up`}
          testId={`dock-up-${props.panel}`}
          disabled={props.first}
          onClick={() => moveSidePanel(props.panel, -1)}
        />
        <DockTool
          text="▼"
          name={`Move ${label} down`}
          testId={`dock-down-${props.panel}`}
          disabled={props.last}
          onClick={() => moveSidePanel(props.panel, 1)}
        />
        <DockTool
          text="✕"
          name={`Hide ${label} (the View menu or Alt with its number shows it again)`}
          testId={`dock-hide-${props.panel}`}
          onClick={() => togglePanel(props.panel)}
        />
      </div>
      {props.children}
    </div>
  );
}

function DockTool(props: { text: string; name: string; testId: string; disabled?: boolean; onClick(): void }) {
  return (
    <button
      type="button"
      className="dock-tool"
      disabled={props.disabled}
      onClick={props.onClick}
      aria-label={props.name}
      title={props.name}
      data-testid={props.testId}
    >
      {props.text}
    </button>
  );
}
