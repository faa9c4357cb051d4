import { bridgeFromPreload } from './electron';
import type { Bridge } from './types';
import { createWebSocketBridge, linkUrlFor } from './websocket';
import { createWorkerBridge } from './worker-link';
import { LINK_WORKER_SCRIPT } from './worker-protocol';

export type { Bridge, LinkConnection, LinkPath } from './types';

/**
 * The only place that knows which transport carries the link: the Electron preload's API when it
 * is there, otherwise a WebSocket back to the server that served this page (headless mode), owned
 * by a worker when the page may share memory with it, else by this thread.
 */
export function openBridge(win: Window = window): Bridge {
  if (win.sightline) return bridgeFromPreload(win.sightline);
  const url = linkUrlFor(win.location);
  const onMainThread = (): Bridge => createWebSocketBridge({ url });
  if (!canShareMemory(win)) return onMainThread();
  return createWorkerBridge({
    url,
    // A classic worker: one bundled script, nothing imported at run time.
    createWorker: () => new Worker(new URL(LINK_WORKER_SCRIPT, win.document.baseURI), { name: 'sightline-link' }),
    fallback: onMainThread,
  });
}

/**
 * SharedArrayBuffer exists only in a cross-origin isolated page (COOP same-origin + COEP require-corp
 * on the page, as main/link/static-files.ts sends them). Served any other way, the page must still
 * work: the link then stays on this thread.
 */
function canShareMemory(win: Window): boolean {
  return win.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' && typeof Worker === 'function';
}
