import type { SightlineApi } from '../../../preload/api';
import type { VideoGazeStats } from '../video/video-gaze-view';
import type { LinkConnection, LinkPath } from './connection';
import type { PoseFeedMessage } from './worker-protocol';

export { OPEN, type LinkConnection, type LinkPath } from './connection';

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
