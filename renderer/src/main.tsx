import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { PanelWindow } from './layout/PanelWindow';
import { poppedPanelOf, setPanelWindow } from './layout/window-mode';
import { openBridge } from './bridge';
import { installPlotBenchHook } from './plots/plot-bench-hook';
import { installDebugHooks } from './stores/debug-hooks';
import { startLink } from './stores/link';

// A popped-out panel's window (?panel=<id>) shows that panel alone and never saves the layout.
const panel = poppedPanelOf(window.location.search);
setPanelWindow(panel);
// The link starts before React mounts so the first batches and snapshots are not lost to rendering.
startLink(openBridge());
installDebugHooks(window);
installPlotBenchHook(window);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<StrictMode>{panel ? <PanelWindow panel={panel} /> : <App />}</StrictMode>);
