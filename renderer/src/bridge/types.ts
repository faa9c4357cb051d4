import type { SightlineApi } from '../../../preload/api';
import type { VideoGazeStats } from '../video/video-gaze-view';
import type { PoseFeedMessage } from './worker-protocol';

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

/** The contract the renderer codes against, plus the transport's own state. */
export interface Bridge extends SightlineApi {
  connection(): LinkConnection;
  onConnection(listener: (connection: LinkConnection) => void): () => void;
  linkPath(): LinkPath;
  /**
   * With the link in a worker, pose batches never reach this thread (onBatch carries only the other
   * binary messages, video): poses are in the shared buffer, and this feed says which buffer, what
   * changed structurally, and the figures.
   */
  onPoseFeed(listener: (message: PoseFeedMessage) => void): () => void;
  /**
   * Where the link runs off this thread (the link worker): hands it the canvas to decode and draw a
   * device's video on, so frames never wait for this thread. False: decode here (stores/video-gaze.ts).
   * A worker still starting keeps the canvas until it is up; if it never comes, `drawHere` gets the
   * canvas back to draw on this thread.
   */
  attachVideoCanvas?(handle: number, canvas: OffscreenCanvas, drawHere: (canvas: OffscreenCanvas) => void): boolean;
  releaseVideoCanvas?(handle: number): void;
  /**
   * Where gaze stays off this thread (the link worker): also pass its samples to this page's pose
   * feed (as 'gaze' messages) while on. The main-thread link gets every sample anyway.
   */
  setGazeTap?(on: boolean): void;
  /** Figures of video drawn off this thread. */
  onVideoStats?(listener: (stats: VideoGazeStats) => void): () => void;
}

export const OPEN: LinkConnection = Object.freeze({ state: 'open', attempt: 0, retryAt: null, lastError: null });
