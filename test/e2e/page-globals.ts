/**
 * What the page exposes to tests, typed for code that runs inside page.evaluate(), from the same
 * definitions the page implements (renderer/src/stores/debug-hooks-contract.ts). Not a global
 * declaration: each test file states what it expects of the page.
 */
import type { SightlineDebugHooks } from '../../renderer/src/stores/debug-hooks-contract';

export type { DebugBody, DebugQuality, SightlineDebugHooks } from '../../renderer/src/stores/debug-hooks-contract';

/** The page's window as the e2e tests see it. */
export interface TestWindow {
  __sightlineDebug?: SightlineDebugHooks;
  /** Collected by helpers.watchPage's init script. */
  __cspViolations?: string[];
}
