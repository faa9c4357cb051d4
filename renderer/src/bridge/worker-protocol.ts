/**
 * Messages between the page and the link worker (link.worker.ts). Only low-rate traffic crosses here:
 * poses go through the shared buffer (stores/shared-poses.ts), never one message per batch.
 */
import type { GazeSection, LinkEvent, RpcMethod, RpcResponse } from '../../../preload/api';
import type { VideoGazeStats } from '../video/video-gaze-view';
import type { LinkConnection } from './connection';

export type ToLinkWorker =
  | { t: 'start'; url: string }
  | { t: 'rpc'; id: number; method: RpcMethod; params: unknown }
  /** Decode and draw this device's video here, on this canvas (transferred); its video stays in the worker. */
  | { t: 'video-canvas'; handle: number; canvas: OffscreenCanvas }
  | { t: 'video-release'; handle: number }
  /** Pass the gaze samples on to the page as well (the Plots panel plots them); off by default. */
  | { t: 'gaze-tap'; on: boolean };

/**
 * The connection with its retry time in Unix ms: a worker's performance.now() counts from the
 * worker's start, not the page's, so the page converts it back to its own clock.
 */
export type WorkerConnection = Omit<LinkConnection, 'retryAt'> & { retryAtUnixMs: number | null };

/** What the page's stores need from the worker besides events: structure changes and figures. */
export type PoseFeedMessage =
  /** The buffer to read poses from; sent at start and again whenever the worker re-allocates it. */
  | { t: 'poses-buffer'; buffer: SharedArrayBuffer }
  | { t: 'bodies'; handle: number; ids: number[] }
  | { t: 'recording'; handle: number; recording: boolean | null }
  /** The device is gone or closed; its slot is free. */
  | { t: 'forgotten'; handle: number }
  /** Markers of all devices together reached a new high. */
  | { t: 'markers'; total: number }
  /** The batch's gaze samples (copies), while the page asked for them with gaze-tap. */
  | { t: 'gaze'; sections: GazeSection[] }
  /** ~4 Hz while batches flow: the worker's own counts and its last ~600 arrival-to-store latencies. */
  | { t: 'stats'; batches: number; badBatches: number; latencies: number[]; atUnixMs: number };

export type FromLinkWorker =
  /** The worker's script ran: from here on the link is the worker's. */
  | { t: 'hello' }
  | { t: 'connection'; connection: WorkerConnection }
  | { t: 'event'; event: LinkEvent }
  | { t: 'rpc'; id: number; response: RpcResponse }
  /** A binary message that is not a pose batch (video), passed on as the page's bridge would get it. */
  | { t: 'binary'; buffer: ArrayBuffer }
  /** The worker's video view's figures, after draws (at most ~10 Hz). */
  | { t: 'video-stats'; stats: VideoGazeStats }
  | PoseFeedMessage;

/** Served next to app.js (scripts/build.mjs bundles it as its own entry). */
export const LINK_WORKER_SCRIPT = './link-worker.js';
