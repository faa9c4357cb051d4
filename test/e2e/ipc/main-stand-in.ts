/**
 * The main process's half of the Electron stand-in: ipcMain and a window's webContents, for the real
 * IpcRouter / ElectronTransport (main/app/ipc.ts) and RendererLink running in this Node process. The
 * page's half (contextBridge, ipcRenderer) is renderer-stand-in.ts; between them runs one Playwright
 * binding per page, which tells this side which frame sent each message (Chromium says so, not the
 * page), the way Electron's browser process knows an IPC message's senderFrame.
 *
 * Followed from Electron's documentation ('ipcMain' and 'webContents' API docs, "Inter-Process
 * Communication" tutorial): one handler per channel (a second handle() throws), listeners get
 * (event, ...args) with event.sender and event.senderFrame, a handler's result or thrown error goes back
 * to the invoke (the error as "Error invoking remote method '<channel>': <error.toString()>"), and every
 * payload in either direction goes through the structured clone algorithm (a Node Buffer arrives as a
 * Uint8Array; a function cannot be sent). webContents.send reaches the main frame's current document:
 * what was queued for a document that navigated away is dropped.
 */
import { EventEmitter } from 'node:events';
import type { Frame, Page } from 'playwright-core';
import type { IpcEventLike, IpcMainLike, WebContentsLike } from '../../../main/app/ipc';
import type { FrameLike } from '../../../main/link/sender-policy';
import { decodeCloned, encodeCloned } from './clone-wire';

export const IPC_BINDING = '__sightlineElectronStandIn';

type InvokeListener = (event: IpcEventLike, ...args: unknown[]) => unknown;
type SendListener = (event: IpcEventLike, ...args: unknown[]) => void;
export type InvokeAnswer = { ok: true; value: unknown } | { ok: false; message: string };

export class StandInIpcMain implements IpcMainLike {
  private readonly handlers = new Map<string, InvokeListener>();
  private readonly listeners = new Map<string, SendListener[]>();
  /** Exceptions thrown by ipcMain.on listeners (an uncaught exception in Electron's main process). */
  readonly listenerErrors: unknown[] = [];

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  on(channel: string, listener: SendListener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }

  removeListener(channel: string, listener: SendListener): this {
    const list = this.listeners.get(channel) ?? [];
    const at = list.lastIndexOf(listener);
    if (at >= 0) this.listeners.set(channel, [...list.slice(0, at), ...list.slice(at + 1)]);
    return this;
  }

  listenerCount(channel: string): number {
    return (this.listeners.get(channel)?.length ?? 0) + (this.handlers.has(channel) ? 1 : 0);
  }

  /** A renderer's ipcRenderer.invoke arriving: the handler's answer, cloned, or Electron's error text. */
  async invoke(event: IpcEventLike, channel: string, args: unknown[]): Promise<InvokeAnswer> {
    const handler = this.handlers.get(channel);
    if (!handler) {
      return {
        ok: false,
        message: `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
      };
    }
    try {
      return { ok: true, value: structuredClone(await handler(event, ...args)) };
    } catch (error) {
      return { ok: false, message: `Error invoking remote method '${channel}': ${String(error)}` };
    }
  }

  /** A renderer's ipcRenderer.send arriving. */
  emit(event: IpcEventLike, channel: string, args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        listener(event, ...args);
      } catch (error) {
        this.listenerErrors.push(error);
      }
    }
  }
}

let nextWebContentsId = 1;

/**
 * A window's webContents over a Playwright page. The page's URL is mapped by `toAppUrl` from the test
 * server's origin to app://sightline, the scheme that server stands in for; any other origin keeps its
 * own URL (and so fails the sender policy, as a foreign page in the window would).
 */
export class StandInWebContents extends EventEmitter implements WebContentsLike {
  readonly id = nextWebContentsId++;
  private crashed = false;
  private queue: [string, unknown[]][] = [];
  private waiting: ((text: string) => void) | null = null;
  private readonly frameIds = new WeakMap<Frame, number>();
  private nextFrameId = 1;
  /** Messages sent, for the tests. */
  sent = 0;

  constructor(
    readonly page: Page,
    private readonly toAppUrl: (url: string) => string,
  ) {
    super();
    page.on('load', () => this.emit('did-finish-load'));
    page.on('crash', () => {
      this.crashed = true;
      this.emit('render-process-gone');
    });
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      // The new document starts with an empty queue; the old one's pending pull goes to a dead context.
      this.queue = [];
      this.release('[]');
    });
    page.on('close', () => {
      this.release('[]');
      this.emit('destroyed');
    });
  }

  get mainFrame(): FrameLike {
    return this.describe(this.page.mainFrame());
  }

  isDestroyed(): boolean {
    return this.page.isClosed();
  }

  isCrashed(): boolean {
    return this.crashed;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.isDestroyed()) throw new Error('Object has been destroyed');
    let cloned: unknown[];
    try {
      cloned = structuredClone(args);
    } catch {
      throw new Error('Failed to serialize arguments');
    }
    this.sent++;
    this.queue.push([channel, cloned]);
    if (this.waiting) this.release(encodeCloned(this.queue.splice(0)));
  }

  /** Electron's WebFrameMain, as far as the sender policy reads it. */
  describe(frame: Frame): FrameLike {
    let routingId = this.frameIds.get(frame);
    if (routingId === undefined) {
      routingId = this.nextFrameId++;
      this.frameIds.set(frame, routingId);
    }
    const parent = frame.parentFrame();
    return {
      url: this.toAppUrl(frame.url()),
      parent: parent ? this.describe(parent) : null,
      processId: this.id,
      routingId,
    };
  }

  /** The page's stand-in asking for what was sent: answers at once, or when the next send comes. */
  pull(): Promise<string> {
    if (this.queue.length > 0) return Promise.resolve(encodeCloned(this.queue.splice(0)));
    this.release('[]');
    return new Promise((resolve) => (this.waiting = resolve));
  }

  private release(text: string): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(text);
  }
}

/**
 * Connects a page to ipcMain through its webContents stand-in. Call before the page loads: the
 * binding and the preload must be in place for its first document.
 */
export async function attachElectronStandIn(
  page: Page,
  ipcMain: StandInIpcMain,
  options: { toAppUrl: (url: string) => string; preloadScript: string },
): Promise<StandInWebContents> {
  const contents = new StandInWebContents(page, options.toAppUrl);
  await page.exposeBinding(IPC_BINDING, async (source, op: unknown, data: unknown): Promise<string> => {
    const frame = source.frame;
    if (op === 'pull') {
      // webContents.send reaches the main frame only.
      return frame === page.mainFrame() ? contents.pull() : new Promise<string>(() => {});
    }
    if (typeof data !== 'string') return encodeCloned({ ok: false, message: 'malformed stand-in message' });
    const [channel, args] = decodeCloned(data) as [string, unknown[]];
    const event: IpcEventLike = { sender: contents, senderFrame: contents.describe(frame) };
    if (op === 'invoke') return encodeCloned(await ipcMain.invoke(event, channel, args));
    if (op === 'send') ipcMain.emit(event, channel, args);
    return '';
  });
  await page.addInitScript({ content: options.preloadScript });
  return contents;
}
