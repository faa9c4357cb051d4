/**
 * Health of the transport itself (not of any device). The Electron IPC transport is always open;
 * the WebSocket one can drop and come back, and the operator must see that.
 */
export interface LinkConnection {
  state: 'connecting' | 'open' | 'reconnecting';
  /** Connection attempts since the link was last open. */
  attempt: number;
  /** When the next attempt is due (performance.now() ms), while reconnecting. */
  retryAt: number | null;
  lastError: string | null;
}

/**
 * Where batches are unpacked and stored: in the link worker (headless mode, cross-origin isolated
 * page), or on the page's main thread (Electron IPC, and the headless fallback).
 */
export type LinkPath = 'worker' | 'main-thread';

export const OPEN: LinkConnection = Object.freeze({ state: 'open', attempt: 0, retryAt: null, lastError: null });
