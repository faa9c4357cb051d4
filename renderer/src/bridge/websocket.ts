import type {
  LinkEvent,
  RpcMethod,
  RpcParams,
  RpcResponse,
  WsClientMessage,
  WsServerMessage,
} from '../../../preload/api';
import { createListenerSet } from './listeners';
import type { Bridge, LinkConnection } from './types';

export interface WebSocketBridgeOptions {
  url: string;
  /** Long enough for a device to confirm a recording start, short enough that a dead link shows. */
  rpcTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Injected by tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket;
}

/** ws(s)://<host>/link for the page's own origin, carrying the page's access token if it has one. */
export function linkUrlFor(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const token = new URLSearchParams(location.search).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}://${location.host}/link${query}`;
}

interface PendingCall {
  method: RpcMethod;
  /** The serialized request while it waits for the socket to open; null once sent. */
  unsent: string | null;
  timer: ReturnType<typeof setTimeout>;
  resolve(response: RpcResponse): void;
}

/** The link never gives up: an operator may restart the app and expects the page to come back. */
export function createWebSocketBridge(options: WebSocketBridgeOptions): Bridge {
  const {
    url,
    rpcTimeoutMs = 15_000,
    backoffInitialMs = 250,
    backoffMaxMs = 5_000,
    WebSocketImpl = WebSocket,
  } = options;

  const batches = createListenerSet<ArrayBuffer>('batch');
  const events = createListenerSet<LinkEvent>('event');
  const connections = createListenerSet<LinkConnection>('connection');
  const pending = new Map<number, PendingCall>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let connection: LinkConnection = { state: 'connecting', attempt: 1, retryAt: null, lastError: null };

  function setConnection(next: LinkConnection): void {
    connection = next;
    connections.emit(next);
  }

  function finish(id: number, response: RpcResponse): void {
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    clearTimeout(call.timer);
    call.resolve(response);
  }

  function open(): void {
    const ws = new WebSocketImpl(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      setConnection({ state: 'open', attempt: 0, retryAt: null, lastError: null });
      for (const call of pending.values()) {
        if (call.unsent !== null) {
          ws.send(call.unsent);
          call.unsent = null;
        }
      }
    };
    ws.onmessage = (message: MessageEvent<unknown>) => {
      if (message.data instanceof ArrayBuffer) batches.emit(message.data);
      else if (typeof message.data === 'string') dispatchText(message.data);
    };
    ws.onclose = (close: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      // A request already sent will never be answered on the next socket.
      for (const [id, call] of pending) {
        if (call.unsent === null) finish(id, { ok: false, error: `${call.method}: the link to the app was lost` });
      }
      scheduleReconnect(close.reason || `closed (code ${close.code})`);
    };
    // onclose always follows an error, and carries the reason; nothing to do twice.
    ws.onerror = () => {};
  }

  function scheduleReconnect(reason: string): void {
    const attempt = connection.state === 'open' ? 1 : connection.attempt + 1;
    const base = Math.min(backoffMaxMs, backoffInitialMs * 2 ** (attempt - 1));
    // Jitter keeps several open pages from hammering a restarting server in lockstep.
    const delay = base * (0.8 + Math.random() * 0.4);
    setConnection({ state: 'reconnecting', attempt, retryAt: performance.now() + delay, lastError: reason });
    setTimeout(() => {
      setConnection({ ...connection, state: 'connecting', retryAt: null });
      open();
    }, delay);
  }

  function dispatchText(text: string): void {
    let message: WsServerMessage | null;
    try {
      message = JSON.parse(text) as WsServerMessage | null;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (message.t === 'rpc' && typeof message.id === 'number' && isResponse(message.response)) {
      finish(message.id, message.response);
    } else if (message.t === 'event' && message.event && typeof message.event.type === 'string') {
      events.emit(message.event);
    }
  }

  function send(message: WsClientMessage): boolean {
    if (socket?.readyState !== WebSocketImpl.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Sends now, or returns the text to send once the socket opens. */
  function sendOrHold(message: WsClientMessage): string | null {
    return send(message) ? null : JSON.stringify(message);
  }

  function call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResponse<M>> {
    return new Promise((resolve) => {
      const id = nextId;
      nextId = nextId >= 2 ** 31 ? 1 : nextId + 1;
      const unsent = sendOrHold({ t: 'rpc', id, method, params });
      const timer = setTimeout(
        () => finish(id, { ok: false, error: `${method} timed out after ${rpcTimeoutMs} ms: no answer from the app` }),
        rpcTimeoutMs,
      );
      pending.set(id, {
        method,
        unsent,
        timer,
        resolve: resolve as (response: RpcResponse) => void,
      });
    });
  }

  open();

  return {
    transport: 'websocket',
    call,
    onBatch: (listener) => batches.add(listener),
    onEvent: (listener) => events.add(listener),
    // An ack lost with a dropped socket does not matter: the server starts afresh on the next one.
    ack: (seq) => void send({ t: 'ack', seq }),
    connection: () => connection,
    onConnection: (listener) => {
      listener(connection);
      return connections.add(listener);
    },
    // Runs on the main thread as the headless fallback, and inside the link worker, where batches are
    // stored before anything reaches the page: either way, batches come out of onBatch here.
    linkPath: () => 'main-thread',
    onPoseFeed: () => () => {},
  };
}

function isResponse(value: unknown): value is RpcResponse {
  if (typeof value !== 'object' || value === null) return false;
  const ok = (value as { ok?: unknown }).ok;
  return ok === true || (ok === false && typeof (value as { error?: unknown }).error === 'string');
}
