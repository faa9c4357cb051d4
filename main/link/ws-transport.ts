/**
 * The headless transport: one WebSocket per renderer (a browser tab). Binary frames main → renderer
 * are packed batches; text frames are JSON WsServerMessage / WsClientMessage (preload/api/transport.ts).
 *
 * The client only ever sends small JSON text. Anything else (binary, unparsable, failing the schema,
 * too many calls at once) is a policy violation: the socket is closed with 1008 and the owner told,
 * so a misbehaving page is visible in the counters instead of silently ignored. Oversized frames are
 * refused by ws itself (maxPayload, close code 1009) before they are buffered.
 */
import { WebSocket, type RawData } from 'ws';
import { type LinkEvent, type WsServerMessage } from '../../preload/api';
import { WsClientMessageSchema } from '../../preload/api-schemas';
import type { LinkTransport, RpcHandler } from './renderer-link';

/** Small: the largest legitimate client message is an RPC with a 200-character take name. */
export const WS_MAX_PAYLOAD = 16 * 1024;
export const WS_POLICY_VIOLATION = 1008;

export interface WsTransportOptions {
  /** A client this far behind (its TCP window full) is dropped rather than buffered without bound. */
  maxBufferedBytes?: number;
  /** Calls awaiting an answer per socket; more is a violation. */
  maxPendingRpcs?: number;
  onViolation?: (reason: string) => void;
}

export class WsTransport implements LinkTransport {
  private rpcHandler: RpcHandler | null = null;
  private ackHandler: ((seq: number) => void) | null = null;
  private pendingRpcs = 0;
  private readonly maxBufferedBytes: number;
  private readonly maxPendingRpcs: number;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: WsTransportOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.maxPendingRpcs = options.maxPendingRpcs ?? 32;
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('error', (error: Error & { code?: string }) => {
      // ws closes the socket itself after a protocol error (e.g. 1009 for maxPayload); we only count it.
      // Network errors (a reset tab) are not the client's fault and end in 'close' anyway.
      if (error.code?.startsWith('WS_ERR_')) this.options.onViolation?.(error.code);
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  sendBatch(buffer: Float64Array): void {
    if (!this.writable()) return;
    this.socket.send(buffer, { binary: true });
  }

  sendVideo(message: Uint8Array): void {
    if (!this.writable()) return;
    this.socket.send(message, { binary: true });
  }

  backlogBytes(): number {
    return this.socket.bufferedAmount;
  }

  sendEvent(event: LinkEvent): void {
    this.sendJson({ t: 'event', event });
  }

  onRpc(handler: RpcHandler): void {
    this.rpcHandler = handler;
  }

  onAck(handler: (seq: number) => void): void {
    this.ackHandler = handler;
  }

  private sendJson(message: WsServerMessage): void {
    if (!this.writable()) return;
    this.socket.send(JSON.stringify(message));
  }

  private writable(): boolean {
    if (!this.isOpen) return false;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.violation('client not reading', 1013);
      return false;
    }
    return true;
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.violation('binary frames are not accepted');
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch {
      return this.violation('invalid JSON');
    }
    const parsed = WsClientMessageSchema.safeParse(json);
    if (!parsed.success) return this.violation('not a Sightline link message');
    const message = parsed.data;
    if (message.t === 'ack') {
      this.ackHandler?.(message.seq);
      return;
    }
    if (this.pendingRpcs >= this.maxPendingRpcs) return this.violation('too many calls in flight');
    const handler = this.rpcHandler;
    if (!handler) {
      this.sendJson({ t: 'rpc', id: message.id, response: { ok: false, error: 'the app is not ready for calls' } });
      return;
    }
    this.pendingRpcs++;
    handler(message.method, message.params)
      .catch((): { ok: false; error: string } => ({ ok: false, error: 'internal error' }))
      .then((response) => {
        this.pendingRpcs--;
        this.sendJson({ t: 'rpc', id: message.id, response });
      });
  }

  private violation(reason: string, code = WS_POLICY_VIOLATION): void {
    this.options.onViolation?.(reason);
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
