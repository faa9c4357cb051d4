import type { SightlineApi } from '../../preload/api';
import type { SightlineDebugHooks } from './stores/debug-hooks';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent when the page is served in a browser. */
    sightline?: SightlineApi;
    /** Read-only test/bench hooks; see stores/debug-hooks.ts. */
    __sightlineDebug?: SightlineDebugHooks;
  }
}
