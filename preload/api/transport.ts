/** The API the renderer sees as window.sightline (preload) or builds over a WebSocket (headless). */
import type { RpcMethod, RpcParams } from '../api-schemas';
import type { LinkEvent } from './events';
import type { RpcResponse } from './rpc';

export interface SightlineApi {
  readonly transport: 'electron' | 'websocket';
  call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResponse<M>>;
  /** Packed batches and video access units (layouts below, told apart by binaryMessageKind). Returns an unsubscribe function. */
  onBatch(listener: (batch: ArrayBuffer) => void): () => void;
  onEvent(listener: (event: LinkEvent) => void): () => void;
  /**
   * Tells main the renderer has drawn up to this batch. Main sends the next batch as soon as the previous
   * one is acknowledged (so an idle renderer gets data with no added wait) and never more than one
   * unacknowledged batch: the renderer's display rate paces the link.
   */
  ack(seq: number): void;
}

/** IPC channel names (Electron transport). */
export const IpcChannels = {
  rpc: 'sightline:rpc',
  batch: 'sightline:batch',
  video: 'sightline:video',
  event: 'sightline:event',
  ack: 'sightline:ack',
} as const;

/** WebSocket transport: text frames are JSON of these; binary frames are batches. */
export type WsClientMessage = { t: 'rpc'; id: number; method: string; params: unknown } | { t: 'ack'; seq: number };
export type WsServerMessage = { t: 'rpc'; id: number; response: RpcResponse } | { t: 'event'; event: LinkEvent };
