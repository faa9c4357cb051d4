/**
 * What the page exposes to the end-to-end tests and the bench as window.__sightlineDebug. Types only,
 * with no imports, so the test project can use the same definitions the page implements.
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
  /** Where batches are stored: the link worker, or this page's main thread. */
  linkPath(): 'worker' | 'main-thread';
  /** What the 3D view draws with (GL renderer, MSAA, pixel ratio, frame cap). */
  quality(): DebugQuality;
  /** Where a tracked body is drawn, in page CSS px; null when not tracked, not shown or behind the camera. */
  bodyOnScreen(handle: number, id: number): { x: number; y: number } | null;
}

export interface DebugQuality {
  gl: string | null;
  software: boolean;
  antialias: boolean;
  dpr: number;
  maxFps: number | null;
}
