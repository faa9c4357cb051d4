import type { SightlineApi } from '../../../preload/api';
import { OPEN, type Bridge } from './types';

/** The preload's API as a Bridge. IPC has no connection to lose, so it is open for the page's life. */
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
  };
}
