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
  /** Every video shown (decoded and drawn here or in the link worker): figures and the last frames drawn. */
  videoGaze(): VideoGazeStats[];
  /** The body names the 3D view shows now, with their boxes in canvas CSS px (the label layout). */
  labels(): { key: string; rect: { x: number; y: number; width: number; height: number } }[];
}

/** One video frame as drawn, with the gaze matched to it. */
export interface DrawnFrame {
  ptsUs: number;
  /** The frame's time on the clock it was matched on (ms). */
  frameTimeMs: number;
  /** Matched on the device clock (synced) or on host arrival times (unsynced). */
  clock: 'device' | 'host';
  /** Where the ring was drawn, in frame pixels, or null when none was (no gaze, not worn). */
  gaze: { x: number; y: number; errorMs: number } | null;
  worn: boolean | null;
  /** Unix ms of the (latest) draw. */
  drawnAtMs: number;
  draws: number;
}

export interface VideoGazeStats {
  handle: number;
  status: string;
  codec: string | null;
  width: number;
  height: number;
  received: number;
  decoded: number;
  drawn: number;
  /** Units dropped because the decoder was behind or they arrived too late (then skipped to an IDR). */
  dropped: number;
  /** Units skipped while waiting for an IDR (at start, after a drop or error). */
  skippedToKey: number;
  decodeErrors: number;
  /** decode() call → frame drawn, ms, oldest first. */
  decodeDrawMs: number[];
  /** Its two parts: decode() call → frame out of the decoder, and drawing that frame with its gaze. */
  decodeMs: number[];
  drawMs: number[];
  /** Arrival of the frame's last packet in main → frame drawn, ms, oldest first. */
  latencyMs: number[];
  recent: DrawnFrame[];
  gazeSamples: number;
}

export interface DebugQuality {
  gl: string | null;
  software: boolean;
  antialias: boolean;
  dpr: number;
  maxFps: number | null;
}
