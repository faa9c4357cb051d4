/**
 * The page's half of the Electron stand-in: what `require('electron')` gives a sandboxed preload,
 * contextBridge and ipcRenderer, as far as the preload and the page can observe them. Bundled into the
 * page by stand-in-script.ts (it runs in Chromium, not in Node); its other half, ipcMain and
 * webContents, is main-stand-in.ts. Each behaviour follows Electron's documentation (README, "The
 * desktop path without the Electron binary"):
 *
 *  - contextBridge.exposeInMainWorld ('contextBridge' API docs): functions are proxied, every other
 *    value is copied and frozen, prototypes are dropped (a class instance arrives as a plain object),
 *    Errors keep only their message, a Promise is proxied only as a return value or an exact parameter
 *    (nested ones are dropped), symbols are dropped, cloneable types (typed arrays, Date, Map, …) go
 *    through the structured clone algorithm, DOM nodes are shared. Arguments of a proxied function
 *    cross back by the same rules, so a page callback reaches the preload as a proxy.
 *  - ipcRenderer.invoke / send / on / removeListener ('ipcRenderer' API docs, "Inter-Process
 *    Communication" tutorial): arguments are serialized with the structured clone algorithm (a
 *    function throws "An object could not be cloned."), listeners receive (event, ...args), and an
 *    error thrown by the main process's handler rejects the invoke with only its message, in
 *    Electron's words: "Error invoking remote method '<channel>': <error>".
 *
 * What it cannot give: a separate JavaScript world. The preload runs in a closure of the page's world
 * (its globals stay private, but it shares the page's built-ins); the copy rules above are what the
 * page sees of the isolation.
 */
import { decodeCloned, encodeCloned } from './clone-wire';

/** The one function the test process exposes to the page (a Playwright binding). */
export type Binding = (op: 'invoke' | 'send' | 'pull', data: string) => Promise<string>;

type IpcListener = (event: IpcRendererEventLike, ...args: unknown[]) => void;

export interface IpcRendererEventLike {
  sender: unknown;
  ports: MessagePort[];
}

/** Electron's refusal text when an IPC argument cannot go through the structured clone algorithm. */
export const NOT_CLONEABLE = 'An object could not be cloned.';

export function createElectronModule(binding: Binding, win: Window): { contextBridge: unknown; ipcRenderer: unknown } {
  const listeners = new Map<string, IpcListener[]>();

  const encodeArgs = (channel: string, args: unknown[]): string => {
    let cloned: unknown[];
    try {
      cloned = structuredClone(args);
    } catch {
      throw new Error(NOT_CLONEABLE);
    }
    return encodeCloned([channel, cloned]);
  };

  const ipcRenderer = {
    // async: a clone failure becomes a rejection, as in Electron's own async invoke().
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const answer = decodeCloned(await binding('invoke', encodeArgs(channel, args))) as
        { ok: true; value: unknown } | { ok: false; message: string };
      if (!answer.ok) throw new Error(answer.message);
      return answer.value;
    },
    send(channel: string, ...args: unknown[]): void {
      binding('send', encodeArgs(channel, args)).catch(() => {});
    },
    on(channel: string, listener: IpcListener) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    once(channel: string, listener: IpcListener) {
      const wrapper: IpcListener = (event, ...args) => {
        ipcRenderer.removeListener(channel, wrapper);
        listener(event, ...args);
      };
      return ipcRenderer.on(channel, wrapper);
    },
    removeListener(channel: string, listener: IpcListener) {
      const list = listeners.get(channel) ?? [];
      const at = list.lastIndexOf(listener);
      if (at >= 0) listeners.set(channel, [...list.slice(0, at), ...list.slice(at + 1)]);
      return ipcRenderer;
    },
    off(channel: string, listener: IpcListener) {
      return ipcRenderer.removeListener(channel, listener);
    },
    removeAllListeners(channel?: string) {
      if (channel === undefined) listeners.clear();
      else listeners.delete(channel);
      return ipcRenderer;
    },
  };

  const deliver = (channel: string, args: unknown[]): void => {
    const event: IpcRendererEventLike = { sender: ipcRenderer, ports: [] };
    for (const listener of listeners.get(channel) ?? []) {
      try {
        listener(event, ...args);
      } catch (error) {
        // An exception in a listener is the preload's own uncaught error, not the sender's.
        setTimeout(() => {
          throw error;
        });
      }
    }
  };

  // webContents.send's messages, in order, for as long as this document lives.
  void (async () => {
    for (;;) {
      let text: string;
      try {
        text = await binding('pull', '');
      } catch {
        return; // the page is going away
      }
      for (const [channel, args] of decodeCloned(text) as [string, unknown[]][]) deliver(channel, args);
    }
  })();

  const contextBridge = {
    exposeInMainWorld(apiKey: string, api: unknown): void {
      if (apiKey in win) throw new Error('Cannot bind an API on top of an existing property on the window object');
      Object.defineProperty(win, apiKey, { value: crossWorld(api, 0, true), enumerable: true });
    },
  };

  return { contextBridge, ipcRenderer };
}

/**
 * The preload's `globalThis`: reads fall through to the page's window (built-ins, bound so they keep
 * working), writes stay here, as they would in the isolated world's own global.
 */
export function isolatedGlobal(win: Window): unknown {
  const own = new Map<PropertyKey, unknown>();
  return new Proxy(win, {
    get(target, key) {
      if (own.has(key)) return own.get(key);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(_target, key, value) {
      own.set(key, value);
      return true;
    },
    has(target, key) {
      return own.has(key) || key in target;
    },
  });
}

const MAX_DEPTH = 1000;
const CLONEABLE_TAGS = new Set([
  'ArrayBuffer',
  'DataView',
  'Date',
  'RegExp',
  'Map',
  'Set',
  'Blob',
  'File',
  'ImageData',
  'ImageBitmap',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

/** A value as it arrives on the other side of the bridge (either direction). */
export function crossWorld(value: unknown, depth: number, exact: boolean): unknown {
  if (depth > MAX_DEPTH) throw new Error('object is too deep to cross the context bridge');
  if (typeof value === 'function') return proxyFunction(value as (...args: unknown[]) => unknown);
  if (typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Promise) {
    if (!exact) return undefined;
    return new Promise((resolve, reject) => {
      value.then(
        (result) => resolve(crossWorld(result, 0, false)),
        (error: unknown) => reject(crossError(error)),
      );
    });
  }
  if (value instanceof Error) return crossError(value);
  if (typeof Node !== 'undefined' && value instanceof Node) return value;
  // Not frozen: a typed array with elements cannot be.
  if (CLONEABLE_TAGS.has(Object.prototype.toString.call(value).slice(8, -1))) return structuredClone(value);
  if (Array.isArray(value)) return Object.freeze(value.map((item) => crossWorld(item, depth + 1, false)));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = crossWorld((value as Record<string, unknown>)[key], depth + 1, false);
    // defineProperty: an own "__proto__" key stays a key, never the copy's prototype.
    Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return Object.freeze(copy);
}

function crossError(error: unknown): unknown {
  return error instanceof Error ? new Error(error.message) : crossWorld(error, 0, false);
}

function proxyFunction(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  const proxy = (...args: unknown[]): unknown => {
    let result: unknown;
    try {
      result = fn(...args.map((arg) => crossWorld(arg, 0, true)));
    } catch (error) {
      throw crossError(error);
    }
    return crossWorld(result, 0, true);
  };
  return Object.freeze(proxy);
}
