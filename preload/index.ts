/**
 * The sandboxed preload: exposes the link contract (SightlineApi, preload/api/) to the page as
 * window.sightline over Electron IPC. Nothing Electron-specific crosses the bridge: listeners receive
 * only the payload (never the IpcRendererEvent, whose `sender` is ipcRenderer itself), and the page
 * can reach only the channels named here.
 *
 * Sandboxed preloads may require only 'electron' (and a few builtins), so this file and ./api are
 * bundled into one (scripts/build.mjs).
 */
// First: zod must be jitless before api-schemas constructs its schemas (see zod-jitless.ts).
import './zod-jitless';
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IpcChannels, type LinkEvent, type RpcResponse, type SightlineApi } from './api';
import { validateRpc } from './api-schemas';

/** Batches arrive as a structured-cloned Float64Array; hand the page a whole ArrayBuffer of its own. */
function toArrayBuffer(batch: unknown): ArrayBuffer | null {
  if (batch instanceof ArrayBuffer) return batch;
  if (ArrayBuffer.isView(batch)) {
    const whole = batch.byteOffset === 0 && batch.byteLength === batch.buffer.byteLength;
    const buffer = whole ? batch.buffer : batch.buffer.slice(batch.byteOffset, batch.byteOffset + batch.byteLength);
    return buffer instanceof ArrayBuffer ? buffer : null;
  }
  return null;
}

function subscribe<T>(
  channel: string,
  convert: (payload: unknown) => T | null,
  listener: (value: T) => void,
): () => void {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const wrapped = (_event: IpcRendererEvent, payload: unknown): void => {
    const value = convert(payload);
    if (value !== null) listener(value);
  };
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api: SightlineApi = {
  transport: 'electron',
  call(method, params) {
    // Checked here too so a page bug gets a clear answer without a round trip; main checks again.
    const checked = validateRpc(method, params);
    if (!checked.ok) return Promise.resolve({ ok: false, error: checked.error });
    return ipcRenderer.invoke(IpcChannels.rpc, checked.method, checked.params) as Promise<RpcResponse<typeof method>>;
  },
  // Video access units share the page's binary listener, told apart by their magic (api/video.ts).
  onBatch: (listener) => {
    const offBatches = subscribe(IpcChannels.batch, toArrayBuffer, listener);
    const offVideo = subscribe(IpcChannels.video, toArrayBuffer, listener);
    return () => {
      offBatches();
      offVideo();
    };
  },
  onEvent: (listener) =>
    subscribe(
      IpcChannels.event,
      (payload) => (typeof payload === 'object' && payload !== null ? (payload as LinkEvent) : null),
      listener,
    ),
  ack(seq) {
    if (Number.isSafeInteger(seq) && seq >= 0) ipcRenderer.send(IpcChannels.ack, seq);
  },
};

contextBridge.exposeInMainWorld('sightline', api);
