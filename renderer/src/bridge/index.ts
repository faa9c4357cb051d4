import { bridgeFromPreload } from './electron';
import type { Bridge } from './types';
import { createWebSocketBridge, linkUrlFor } from './websocket';

export type { Bridge, LinkConnection } from './types';

/**
 * The only place that knows which transport carries the link: the Electron preload's API when it
 * is there, otherwise a WebSocket back to the server that served this page (headless mode).
 */
export function openBridge(win: Window = window): Bridge {
  if (win.sightline) return bridgeFromPreload(win.sightline);
  return createWebSocketBridge({ url: linkUrlFor(win.location) });
}
