import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { openBridge } from './bridge';
import { installDebugHooks } from './stores/debug-hooks';
import { startLink } from './stores/link';

// The link starts before React mounts so the first batches and snapshots are not lost to rendering.
startLink(openBridge());
installDebugHooks(window);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
