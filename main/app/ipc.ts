/**
 * The Electron transport of the RendererLink: batches and events go out with webContents.send, RPCs
 * come in through ipcMain.handle, acks through ipcMain.on. Every incoming message is first checked
 * against the sender policy (main/link/sender-policy.ts); the RendererLink then validates the payload.
 *
 * Electron's objects come in as parameters (main.ts passes the real ipcMain and each window's
 * webContents), typed by the few members used here, so the very same code runs in plain Node against
 * stand-ins in the end-to-end suite (test/e2e/ipc/). ipcMain allows one handler per channel for the
 * whole app, so one IpcRouter owns the channels and hands each message to the transport of the
 * webContents that sent it: a second window (a popped-out panel) attaches a transport of its own.
 */
import { IpcChannels, type LinkEvent, type RpcResponse } from '../../preload/api';
import type { LinkTransport, RpcHandler } from '../link/renderer-link';
import { isTrustedSender, type FrameLike } from '../link/sender-policy';

/** What every IPC event carries that the policy reads (IpcMainEvent, IpcMainInvokeEvent). */
export interface IpcEventLike {
  readonly sender: { readonly id: number };
  /** null once the frame navigated away or was destroyed. */
  readonly senderFrame: FrameLike | null | undefined;
}

type InvokeListener = (event: IpcEventLike, ...args: unknown[]) => unknown;
type SendListener = (event: IpcEventLike, ...args: unknown[]) => void;

/** The members of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: InvokeListener): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: SendListener): unknown;
  removeListener(channel: string, listener: SendListener): unknown;
}

/** The members of Electron's WebContents used here. */
export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  isCrashed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export const REFUSED_SENDER = 'refused: this page may not control Sightline';

export class IpcRouter {
  private readonly transports = new Map<number, ElectronTransport>();
  /** Refused messages, for the log: a non-zero count means something other than our page is talking. */
  rejected = 0;

  constructor(private readonly ipcMain: IpcMainLike) {
    ipcMain.handle(IpcChannels.rpc, (event, method: unknown, params: unknown) =>
      this.onRpcMessage(event, method, params),
    );
    ipcMain.on(IpcChannels.ack, this.onAckMessage);
  }

  /** The transport for one window's webContents; dispose it when the window closes. */
  attach(contents: WebContentsLike): ElectronTransport {
    const transport = new ElectronTransport(contents, () => {
      if (this.transports.get(contents.id) === transport) this.transports.delete(contents.id);
    });
    this.transports.set(contents.id, transport);
    return transport;
  }

  dispose(): void {
    this.ipcMain.removeHandler(IpcChannels.rpc);
    this.ipcMain.removeListener(IpcChannels.ack, this.onAckMessage);
    this.transports.clear();
  }

  /** The transport whose page sent this, or null (counted) when the sender is not one of our pages. */
  private trustedTransport(event: IpcEventLike): ElectronTransport | null {
    const transport = this.transports.get(event.sender.id) ?? null;
    const ok =
      transport !== null &&
      isTrustedSender({
        senderFrame: event.senderFrame,
        senderId: event.sender.id,
        window: transport.isOpen
          ? { webContentsId: transport.contents.id, mainFrame: transport.contents.mainFrame }
          : null,
      });
    if (!ok) this.rejected++;
    return ok ? transport : null;
  }

  private async onRpcMessage(event: IpcEventLike, method: unknown, params: unknown): Promise<RpcResponse> {
    const transport = this.trustedTransport(event);
    if (!transport) return { ok: false, error: REFUSED_SENDER };
    return transport.handleRpc(method, params);
  }

  private readonly onAckMessage = (event: IpcEventLike, seq: unknown): void => {
    const transport = this.trustedTransport(event);
    if (!transport) return;
    if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) transport.handleAck(seq);
  };
}

export class ElectronTransport implements LinkTransport {
  private rpcHandler: RpcHandler | null = null;
  private ackHandler: ((seq: number) => void) | null = null;

  constructor(
    readonly contents: WebContentsLike,
    private readonly detach: () => void,
  ) {}

  get isOpen(): boolean {
    return !this.contents.isDestroyed() && !this.contents.isCrashed();
  }

  sendBatch(buffer: Float64Array): void {
    if (this.isOpen) this.contents.send(IpcChannels.batch, buffer);
  }

  /** Structured-cloned by IPC (main cannot transfer an ArrayBuffer to a renderer); ~30 a second. */
  sendVideo(message: Uint8Array): void {
    if (this.isOpen) this.contents.send(IpcChannels.video, message);
  }

  sendEvent(event: LinkEvent): void {
    if (this.isOpen) this.contents.send(IpcChannels.event, event);
  }

  onRpc(handler: RpcHandler): void {
    this.rpcHandler = handler;
  }

  onAck(handler: (seq: number) => void): void {
    this.ackHandler = handler;
  }

  dispose(): void {
    this.detach();
  }

  /** Called by the router once the sender is known to be this transport's page. */
  handleRpc(method: unknown, params: unknown): Promise<RpcResponse> {
    if (!this.rpcHandler) return Promise.resolve({ ok: false, error: 'the app is not ready for calls' });
    return this.rpcHandler(method, params);
  }

  handleAck(seq: number): void {
    this.ackHandler?.(seq);
  }
}
