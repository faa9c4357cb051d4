import type { SightlineApi } from '../../../preload/api';

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

/** The contract the renderer codes against, plus the transport's own state. */
export interface Bridge extends SightlineApi {
  connection(): LinkConnection;
  onConnection(listener: (connection: LinkConnection) => void): () => void;
}

export const OPEN: LinkConnection = Object.freeze({ state: 'open', attempt: 0, retryAt: null, lastError: null });
