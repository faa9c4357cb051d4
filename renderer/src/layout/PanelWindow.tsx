/**
 * A panel in its own window (`?panel=<id>`): a second screen's scene video, say. The same link as
 * the main window (its own connection to the same Hub); it says hello to the main window over the
 * panel channel while open, and closed when it goes, so the main window docks the panel back.
 */
import { useEffect } from 'react';
import { PANEL_CHANNEL, isPanelName, panelTitle, type PanelMessage } from './dock-controller';
import { DockSlot } from './DockWorkspace';
import { PANEL_CONTENT } from './panel-content';

export function PanelWindow({ panel }: { panel: string }) {
  const known = isPanelName(panel);
  useEffect(() => {
    if (!known || typeof BroadcastChannel === 'undefined') return;
    document.title = `${panelTitle(panel)} · Sightline`;
    const channel = new BroadcastChannel(PANEL_CHANNEL);
    const hello = () => channel.postMessage({ type: 'hello', panel } satisfies PanelMessage);
    channel.onmessage = (e: MessageEvent<PanelMessage>) => {
      if (e.data?.type === 'who') hello();
      // Docked back from the main window: this window has nothing left to show.
      if (e.data?.type === 'dock-back' && e.data.panel === panel) window.close();
    };
    hello();
    const bye = () => channel.postMessage({ type: 'closed', panel } satisfies PanelMessage);
    window.addEventListener('pagehide', bye);
    return () => {
      window.removeEventListener('pagehide', bye);
      channel.close();
    };
  }, [panel, known]);
  if (!known) return <p className="empty">No panel called “{panel}”.</p>;
  return (
    <div className="app panel-window" data-testid="panel-window" data-panel={panel}>
      <header className="panel-window-bar">
        <h1 className="panel-window-title">{panelTitle(panel)}</h1>
        <button
          type="button"
          data-testid="panel-window-dock"
          onClick={() => {
            const channel = new BroadcastChannel(PANEL_CHANNEL);
            channel.postMessage({ type: 'dock-back', panel } satisfies PanelMessage);
            channel.close();
          }}
        >
          Dock back into the main window
        </button>
      </header>
      <main className="workspace panel-window-body">
        <DockSlot panel={panel}>{PANEL_CONTENT[panel]()}</DockSlot>
      </main>
    </div>
  );
}
