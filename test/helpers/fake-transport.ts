/** A LinkTransport that records what the link sends and lets a test play the renderer. */
import {
  unpackBatch,
  unpackVideoAccessUnit,
  type LinkEvent,
  type RpcResponse,
  type UnpackedBatch,
  type VideoAccessUnit,
} from '../../preload/api';
import type { LinkTransport, RpcHandler } from '../../main/link/renderer-link';

export class FakeTransport implements LinkTransport {
  isOpen = true;
  readonly batches: UnpackedBatch[] = [];
  readonly events: LinkEvent[] = [];
  readonly videos: VideoAccessUnit[] = [];
  /** What backlogBytes() reports: a test plays a renderer that fell behind. */
  backlog = 0;
  private rpc: RpcHandler | null = null;
  private ack: ((seq: number) => void) | null = null;

  sendBatch(buffer: Float64Array): void {
    this.batches.push(unpackBatch(buffer));
  }
  sendVideo(message: Uint8Array): void {
    this.videos.push(unpackVideoAccessUnit(message.slice().buffer));
  }
  backlogBytes(): number {
    return this.backlog;
  }
  sendEvent(event: LinkEvent): void {
    this.events.push(event);
  }
  onRpc(handler: RpcHandler): void {
    this.rpc = handler;
  }
  onAck(handler: (seq: number) => void): void {
    this.ack = handler;
  }

  /** The renderer drew the newest batch. */
  ackLatest(): void {
    const last = this.batches.at(-1);
    if (last) this.ack?.(last.seq);
  }
  sendAck(seq: number): void {
    this.ack?.(seq);
  }
  call(method: unknown, params: unknown): Promise<RpcResponse> {
    if (!this.rpc) throw new Error('no RPC handler registered');
    return this.rpc(method, params);
  }
  eventsOfType<T extends LinkEvent['type']>(type: T): Extract<LinkEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<LinkEvent, { type: T }> => e.type === type);
  }
}

/** Lets queued microtasks (the link's same-task coalescing) run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
