/**
 * What the page exposes to tests, typed for code that runs inside page.evaluate(). Mirrors
 * renderer/src/stores/debug-hooks.ts (the test project cannot include renderer sources). Not a
 * global declaration: each test file states what it expects of the page.
 */
export interface DebugBody {
  handle: number;
  id: number;
  name: string;
  x: number;
  y: number;
  z: number;
  valid: boolean;
}

export interface SightlineDebugHooks {
  /** Arrival-to-store latencies (ms), oldest first, the last ~600. */
  latencies(): number[];
  /** Batches received since the page loaded. */
  batches(): number;
  bodies(): DebugBody[];
  /** Render frames per second over the last stats interval. */
  fps(): number;
  /** Where batches are stored: the link worker, or the page's main thread. */
  linkPath(): 'worker' | 'main-thread';
  /** What the 3D view draws with. */
  quality(): DebugQuality;
}

export interface DebugQuality {
  gl: string | null;
  software: boolean;
  antialias: boolean;
  dpr: number;
  maxFps: number | null;
}

/** The page's window as the e2e tests see it. */
export interface TestWindow {
  __sightlineDebug?: SightlineDebugHooks;
  /** Collected by helpers.watchPage's init script. */
  __cspViolations?: string[];
}
