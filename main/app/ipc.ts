/**
 * The Electron transport of the RendererLink: batches and events go out with webContents.send, RPCs
 * come in through ipcMain.handle, acks through ipcMain.on. Every incoming message is first checked
 * against the sender policy (main/link/sender-policy.ts); the RendererLink then validates the payload.
 */
import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { IpcChannels, type LinkEvent, type RpcResponse } from '../../preload/api';
import type { LinkTransport, RpcHandler } from '../link/renderer-link';
import { isTrustedSender } from '../link/sender-policy';

export class ElectronTransport implements LinkTransport {
  private rpcHandler: RpcHandler | null = null;
  private ackHandler: ((seq: number) => void) | null = null;
  /** Refused messages, for the log: a non-zero count means something other than our page is talking. */
  rejected = 0;

  constructor(private readonly window: BrowserWindow) {
    ipcMain.handle(IpcChannels.rpc, (event, method: unknown, params: unknown) =>
      this.onRpcMessage(event, method, params),
    );
    ipcMain.on(IpcChannels.ack, this.onAckMessage);
  }

  get isOpen(): boolean {
    return !this.window.isDestroyed() && !this.window.webContents.isDestroyed() && !this.window.webContents.isCrashed();
  }

  sendBatch(buffer: Float64Array): void {
    if (this.isOpen) this.window.webContents.send(IpcChannels.batch, buffer);
  }

  /** Structured-cloned by IPC (main cannot transfer an ArrayBuffer to a renderer); ~30 a second. */
  sendVideo(message: Uint8Array): void {
    if (this.isOpen) this.window.webContents.send(IpcChannels.video, message);
  }

  sendEvent(event: LinkEvent): void {
    if (this.isOpen) this.window.webContents.send(IpcChannels.event, event);
  }

  onRpc(handler: RpcHandler): void {
    this.rpcHandler = handler;
  }

  onAck(handler: (seq: number) => void): void {
    this.ackHandler = handler;
  }

  dispose(): void {
    ipcMain.removeHandler(IpcChannels.rpc);
    ipcMain.off(IpcChannels.ack, this.onAckMessage);
  }

  private trusted(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
    const ok = isTrustedSender({
      senderFrame: event.senderFrame,
      senderId: event.sender.id,
      window: this.isOpen
        ? { webContentsId: this.window.webContents.id, mainFrame: this.window.webContents.mainFrame }
        : null,
    });
    if (!ok) this.rejected++;
    return ok;
  }

  private async onRpcMessage(event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<RpcResponse> {
    if (!this.trusted(event)) return { ok: false, error: 'refused: this page may not control Sightline' };
    if (!this.rpcHandler) return { ok: false, error: 'the app is not ready for calls' };
    return this.rpcHandler(method, params);
  }

  private readonly onAckMessage = (event: IpcMainEvent, seq: unknown): void => {
    if (!this.trusted(event)) return;
    if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) this.ackHandler?.(seq);
  };
}
