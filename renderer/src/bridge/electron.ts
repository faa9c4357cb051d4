import type { SightlineApi } from '../../../preload/api';
import { OPEN, type Bridge } from './types';

/**
 * The preload's API as a Bridge. IPC has no connection to lose, so it is open for the page's life.
 * Batches stay on the main thread: they arrive through the preload's ipcRenderer, which only this
 * thread has, and a desktop window draws with a real GPU (moving them to a worker would need a
 * MessagePort from main, i.e. changes to main/app/ipc.ts and the preload).
 */
export function bridgeFromPreload(api: SightlineApi): Bridge {
  return {
    transport: api.transport,
    call: (method, params) => api.call(method, params),
    onBatch: (listener) => api.onBatch(listener),
    onEvent: (listener) => api.onEvent(listener),
    ack: (seq) => api.ack(seq),
    connection: () => OPEN,
    onConnection: (listener) => {
      listener(OPEN);
      return () => {};
    },
    linkPath: () => 'main-thread',
    onPoseFeed: () => () => {},
  };
}
