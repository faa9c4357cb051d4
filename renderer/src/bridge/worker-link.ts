/**
 * The page's side of the link worker, as a Bridge. RPC calls, events and the connection state cross
 * as messages; poses do not (see worker-protocol.ts). If the worker cannot start (its script missing
 * or blocked, no answer), the same Bridge carries on with the main-thread WebSocket instead: the
 * operator gets a working page either way, only slower under load.
 */
import type { LinkEvent, RpcMethod, RpcParams, RpcResponse } from '../../../preload/api';
import { createListenerSet } from './listeners';
import type { Bridge, LinkConnection, LinkPath } from './types';
import type { VideoGazeStats } from '../video/video-gaze-view';
import type { FromLinkWorker, PoseFeedMessage, ToLinkWorker, WorkerConnection } from './worker-protocol';

/** The slice of Worker used here; tests can hand in a fake. */
export interface LinkWorkerHandle {
  postMessage(message: ToLinkWorker, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<FromLinkWorker>) => void) | null;
  /** An ErrorEvent for an exception in the worker; a plain Event when its script failed to load. */
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface WorkerBridgeOptions {
  url: string;
  createWorker: () => LinkWorkerHandle;
  /** The main-thread bridge, created only if the worker fails to start. */
  fallback: () => Bridge;
  /** The worker's script is small and same-origin; no hello by then means it is not coming. */
  helloTimeoutMs?: number;
}

interface PendingCall {
  method: RpcMethod;
  params: unknown;
  resolve(response: RpcResponse): void;
}

export function createWorkerBridge(options: WorkerBridgeOptions): Bridge {
  const { url, helloTimeoutMs = 10_000 } = options;
  const batches = createListenerSet<ArrayBuffer>('batch');
  const events = createListenerSet<LinkEvent>('event');
  const connections = createListenerSet<LinkConnection>('connection');
  const feed = createListenerSet<PoseFeedMessage>('pose feed');
  const videoStats = createListenerSet<VideoGazeStats>('video stats');
  const pending = new Map<number, PendingCall>();
  let nextId = 1;
  let mode: 'starting' | LinkPath = 'starting';
  let worker: LinkWorkerHandle | null = null;
  let fallback: Bridge | null = null;
  let lastBuffer: PoseFeedMessage | null = null;
  let gazeTap = false;
  /** Canvases handed over before the worker said hello. */
  const waitingCanvases = new Map<number, { canvas: OffscreenCanvas; drawHere: (canvas: OffscreenCanvas) => void }>();
  let connection: LinkConnection = { state: 'connecting', attempt: 1, retryAt: null, lastError: null };

  function setConnection(next: LinkConnection): void {
    connection = next;
    connections.emit(next);
  }

  function fromWorker(c: WorkerConnection): LinkConnection {
    const { retryAtUnixMs, ...rest } = c;
    return { ...rest, retryAt: retryAtUnixMs === null ? null : retryAtUnixMs - performance.timeOrigin };
  }

  function onMessage(message: FromLinkWorker): void {
    switch (message.t) {
      case 'hello':
        if (mode === 'starting') mode = 'worker';
        clearTimeout(helloTimer);
        for (const [handle, { canvas }] of waitingCanvases)
          worker?.postMessage({ t: 'video-canvas', handle, canvas }, [canvas]);
        waitingCanvases.clear();
        if (gazeTap) worker?.postMessage({ t: 'gaze-tap', on: true });
        return;
      case 'connection':
        return setConnection(fromWorker(message.connection));
      case 'event':
        return events.emit(message.event);
      case 'rpc': {
        const call = pending.get(message.id);
        if (!call) return;
        pending.delete(message.id);
        return call.resolve(message.response);
      }
      case 'binary':
        return batches.emit(message.buffer);
      case 'video-stats':
        return videoStats.emit(message.stats);
      case 'poses-buffer':
        lastBuffer = message;
        return feed.emit(message);
      default:
        return feed.emit(message);
    }
  }

  function useFallback(reason: string): void {
    if (mode === 'main-thread') return;
    const wasWorker = mode === 'worker';
    mode = 'main-thread';
    for (const { canvas, drawHere } of waitingCanvases.values()) drawHere(canvas);
    waitingCanvases.clear();
    clearTimeout(helloTimer);
    worker?.terminate();
    worker = null;
    console.warn(`Sightline: the link worker is unavailable (${reason}); the link runs on the main thread`);
    const bridge = options.fallback();
    fallback = bridge;
    bridge.onBatch((buffer) => batches.emit(buffer));
    bridge.onEvent((event) => events.emit(event));
    bridge.onConnection((next) => setConnection(next));
    // Calls the worker never saw (it never started) are made again; a worker that died mid-call
    // cannot answer, and the new link is a fresh connection.
    for (const [id, call] of pending) {
      pending.delete(id);
      if (wasWorker) call.resolve({ ok: false, error: `${call.method}: the link worker stopped` });
      else void bridge.call(call.method, call.params as never).then(call.resolve);
    }
  }

  const helloTimer = setTimeout(() => {
    if (mode === 'starting') useFallback(`no answer within ${helloTimeoutMs} ms`);
  }, helloTimeoutMs);

  try {
    const w = options.createWorker();
    worker = w;
    w.onmessage = (event) => {
      if (worker === w) onMessage(event.data);
    };
    w.onerror = (event) => {
      if (worker !== w) return;
      if (mode === 'starting') {
        // A script that failed to load or run: nothing else will come from it.
        event.preventDefault();
        useFallback('its script did not load');
      } else {
        console.error('Sightline: link worker error', event.message);
      }
    };
    w.postMessage({ t: 'start', url });
  } catch (error) {
    // A CSP or a missing Worker can refuse the constructor itself.
    useFallback(error instanceof Error ? error.message : String(error));
  }

  function call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResponse<M>> {
    if (fallback) return fallback.call(method, params);
    return new Promise((resolve) => {
      const id = nextId;
      nextId = nextId >= 2 ** 31 ? 1 : nextId + 1;
      // The worker's bridge owns the timeout (as on the main thread), so every call gets an answer.
      pending.set(id, { method, params, resolve: resolve as (response: RpcResponse) => void });
      worker?.postMessage({ t: 'rpc', id, method, params });
    });
  }

  return {
    transport: 'websocket',
    call,
    onBatch: (listener) => batches.add(listener),
    onEvent: (listener) => events.add(listener),
    // The worker acks its own batches; the fallback's are acked through it.
    ack: (seq) => fallback?.ack(seq),
    connection: () => connection,
    onConnection: (listener) => {
      listener(connection);
      return connections.add(listener);
    },
    linkPath: () => (mode === 'main-thread' ? 'main-thread' : 'worker'),
    attachVideoCanvas: (handle, canvas, drawHere) => {
      if (mode === 'main-thread' || !worker) return false;
      // Posted to a worker whose script then fails to load, the canvas would be lost: it waits for hello.
      if (mode === 'starting') waitingCanvases.set(handle, { canvas, drawHere });
      else worker.postMessage({ t: 'video-canvas', handle, canvas }, [canvas]);
      return true;
    },
    setGazeTap: (on) => {
      gazeTap = on;
      worker?.postMessage({ t: 'gaze-tap', on });
    },
    releaseVideoCanvas: (handle) => {
      if (waitingCanvases.delete(handle)) return;
      worker?.postMessage({ t: 'video-release', handle });
    },
    onVideoStats: (listener) => videoStats.add(listener),
    onPoseFeed: (listener) => {
      // The first buffer may have come before this subscription; a reader needs it to start.
      if (lastBuffer) listener(lastBuffer);
      return feed.add(listener);
    },
  };
}
