/**
 * The headless link inside a dedicated worker: owns the WebSocket (the same bridge, reconnect and RPC
 * timeouts as on the main thread), unpacks each batch, stores its poses in the shared buffer, measures
 * arrival-to-store latency and acks, all without waiting for the page's main thread. With software
 * GL that thread is blocked for most of every frame; here a batch is stored the moment it arrives.
 *
 * Everything low-rate goes to the page as messages: events, RPC answers, connection state, body-set
 * and recording changes, and the figures (~4 Hz).
 */
import {
  BatchFormatError,
  binaryMessageKind,
  unpackBatch,
  unpackVideoAccessUnit,
  GAZE_STRIDE,
  type GazeSection,
  type LinkEvent,
  type PosesSection,
} from '../../../preload/api';
import { SampleRing } from '../stores/sample-ring';
import { SharedPoseWriter } from '../stores/shared-poses';
import { isPlausibleLatency, liveHandles, readBatchSeq } from '../stores/link-common';
import { unixNowMs } from '../stores/link-stats';
import type { Bridge, LinkConnection } from './types';
import { VideoGazeView } from '../video/video-gaze-view';
import { createWebSocketBridge } from './websocket';
import type { FromLinkWorker, ToLinkWorker } from './worker-protocol';

/** The parts of a DedicatedWorkerGlobalScope used here (the renderer is typed against the DOM lib). */
export interface LinkWorkerScope {
  postMessage(message: FromLinkWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToLinkWorker>) => void): void;
}

/** Same window as the page's link-stats: ~10 s of batches at 60 Hz. */
const LATENCY_WINDOW = 600;
/** Often enough that the debug hooks and the bench see fresh counts, rare enough to cost nothing. */
const STATS_INTERVAL_MS = 250;

export function runLinkWorker(scope: LinkWorkerScope): void {
  let started = false;
  let bridge: Bridge | null = null;
  const videos = new WorkerVideos(scope);
  const gazeTap = { on: false };
  scope.addEventListener('message', (event) => {
    const message = event.data;
    if (message.t === 'gaze-tap') {
      gazeTap.on = message.on;
    } else if (message.t === 'start' && !started) {
      started = true;
      bridge = startLink(scope, message.url, videos, gazeTap);
    } else if (message.t === 'video-canvas') {
      videos.attach(message.handle, message.canvas);
    } else if (message.t === 'video-release') {
      videos.release(message.handle);
    } else if (message.t === 'rpc' && bridge) {
      const { id, method } = message;
      // The page's call() was typed; the params are forwarded as given, and main validates them.
      void bridge
        .call(method, message.params as never)
        .then((response) => scope.postMessage({ t: 'rpc', id, response }));
    }
  });
  scope.postMessage({ t: 'hello' });
}

/** Video views drawing on canvases the page handed over, one per device shown. */
class WorkerVideos {
  private readonly views = new Map<number, VideoGazeView>();
  private readonly lastPosted = new Map<number, number>();

  constructor(private readonly scope: LinkWorkerScope) {}

  attach(handle: number, canvas: OffscreenCanvas): void {
    this.release(handle);
    const view = new VideoGazeView({
      handle,
      canvas,
      now: unixNowMs,
      copyPlanes: true,
      onDrawn: () => this.postStats(view),
    });
    this.views.set(handle, view);
  }

  release(handle: number): void {
    this.views.get(handle)?.close();
    this.views.delete(handle);
  }

  /** False when no view here wants this device's video. */
  pushVideo(buffer: ArrayBuffer): boolean {
    // Shorter than its header: not ours to draw; the page's unpacking counts it as bad.
    if (buffer.byteLength < 16) return false;
    const handle = new Float64Array(buffer, 0, 2)[1]!;
    const view = this.views.get(handle);
    if (!view) return false;
    try {
      view.pushVideo(unpackVideoAccessUnit(buffer));
    } catch (error) {
      if (!(error instanceof BatchFormatError)) console.error('link worker: a video unit failed', error);
    }
    return true;
  }

  pushGaze(sections: readonly GazeSection[]): void {
    for (const section of sections) this.views.get(section.handle)?.pushGaze(section);
  }

  /** After a draw, at most every 100 ms: enough for the panel's figures and the tests' reads. */
  private postStats(view: VideoGazeView): void {
    const now = performance.now();
    if (now - (this.lastPosted.get(view.handle) ?? -Infinity) < 100) return;
    this.lastPosted.set(view.handle, now);
    this.scope.postMessage({ t: 'video-stats', stats: view.stats() });
  }
}

function startLink(scope: LinkWorkerScope, url: string, videos: WorkerVideos, gazeTap: { on: boolean }): Bridge {
  const post = (message: FromLinkWorker): void => scope.postMessage(message);
  const bridge = createWebSocketBridge({ url });
  const writer = new SharedPoseWriter();
  const latencies = new SampleRing(LATENCY_WINDOW);
  let batches = 0;
  let badBatches = 0;
  let markersHigh = 0;
  const fullNoticeSent = new Set<number>();

  post({ t: 'poses-buffer', buffer: writer.buffer as SharedArrayBuffer });

  function store(section: PosesSection): void {
    const result = writer.write(section, unixNowMs());
    if (result.status === 'full') {
      if (!fullNoticeSent.has(section.handle)) {
        fullNoticeSent.add(section.handle);
        const message = `Device ${section.handle}: more than ${writer.capacity.slots} pose devices at once; its poses are not shown`;
        post({ t: 'event', event: { type: 'notice', level: 'warn', message } });
      }
      return;
    }
    if (result.status !== 'stored') return;
    // Measured at store time, as on the main thread: a section repeated without new samples would
    // measure how long the device has been quiet, not the link.
    if (section.samples > 0) {
      const ms = unixNowMs() - section.hostTimeMs;
      if (isPlausibleLatency(ms)) latencies.push(ms);
    }
    if (result.reallocated) post({ t: 'poses-buffer', buffer: writer.buffer as SharedArrayBuffer });
    if (result.bodySetChanged) post({ t: 'bodies', handle: section.handle, ids: writer.bodyIds(section.handle) });
    if (result.recordingChanged) post({ t: 'recording', handle: section.handle, recording: section.recording });
  }

  bridge.onBatch((buffer) => {
    // Other binary messages (video access units) are the page's business, exactly as on the
    // main-thread path: handed over whole, without a copy.
    if (binaryMessageKind(buffer) === 'video') {
      if (!videos.pushVideo(buffer)) scope.postMessage({ t: 'binary', buffer }, [buffer]);
      return;
    }
    try {
      const batch = unpackBatch(buffer);
      batches++;
      for (const section of batch.poses) store(section);
      videos.pushGaze(batch.gaze);
      if (gazeTap.on && batch.gaze.length > 0) {
        // Copies: the batch's arrays are views into a buffer the next batch reuses.
        const sections = batch.gaze.map((g) => ({ ...g, samples: g.samples.slice(0, g.count * GAZE_STRIDE) }));
        post({ t: 'gaze', sections });
      }
      const markers = writer.totalMarkers();
      if (markers > markersHigh) {
        markersHigh = markers;
        post({ t: 'markers', total: markers });
      }
    } catch (error) {
      badBatches++;
      if (!(error instanceof BatchFormatError)) console.error('link worker: storing a batch failed', error);
    } finally {
      // Main sends the next batch only after this ack: acking here, as soon as the batch is stored,
      // keeps the link independent of how long the page takes to draw.
      const seq = readBatchSeq(buffer);
      if (seq !== null) bridge.ack(seq);
    }
  });

  bridge.onEvent((event: LinkEvent) => {
    post({ t: 'event', event });
    if (event.type !== 'devices') return;
    const live = liveHandles(event.devices);
    for (const handle of writer.handles()) {
      if (live.has(handle) || !writer.forget(handle)) continue;
      fullNoticeSent.delete(handle);
      post({ t: 'forgotten', handle });
    }
  });

  bridge.onConnection((connection: LinkConnection) => {
    const { retryAt, ...rest } = connection;
    post({
      t: 'connection',
      connection: { ...rest, retryAtUnixMs: retryAt === null ? null : performance.timeOrigin + retryAt },
    });
  });

  let postedBatches = -1;
  let postedBad = -1;
  setInterval(() => {
    if (batches === postedBatches && badBatches === postedBad) return;
    postedBatches = batches;
    postedBad = badBatches;
    post({ t: 'stats', batches, badBatches, latencies: latencies.toArray(), atUnixMs: unixNowMs() });
  }, STATS_INTERVAL_MS);

  return bridge;
}
