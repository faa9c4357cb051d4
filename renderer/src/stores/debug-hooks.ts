/**
 * Read-only hooks for the end-to-end tests and the benchmark (window.__sightlineDebug). They expose
 * only what the screen already shows (poses, names, rates); nothing here can act on a device.
 */
import type { LinkPath } from '../bridge';
import { bodyName, useAppStore } from './app-store';
import { linkBridge, refreshPoses } from './link';
import { linkStats } from './link-stats';
import { poseStore } from './pose-store';
import { useRenderQuality } from './render-quality-store';

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
  linkPath(): LinkPath;
  /** What the 3D view draws with (GL renderer, MSAA, pixel ratio, frame cap). */
  quality(): DebugQuality;
}

export interface DebugQuality {
  gl: string | null;
  software: boolean;
  antialias: boolean;
  dpr: number;
  maxFps: number | null;
}

export function installDebugHooks(win: Window): void {
  const hooks: SightlineDebugHooks = {
    latencies: () => linkStats.latencies(),
    batches: () => linkStats.batches(),
    bodies: () => {
      // With the link in a worker, the pose store is brought up to date when a frame is drawn;
      // a test asks between frames (or with the view hidden).
      refreshPoses();
      const state = useAppStore.getState();
      const out: DebugBody[] = [];
      for (const device of poseStore.devices.values()) {
        for (const b of device.bodies.slice(0, device.bodyCount)) {
          out.push({
            handle: device.handle,
            id: b.id,
            name: bodyName(state, device.handle, b.id),
            x: b.x,
            y: b.y,
            z: b.z,
            valid: b.valid,
          });
        }
      }
      return out;
    },
    fps: () => useAppStore.getState().stats.fps,
    linkPath: () => linkBridge().linkPath(),
    quality: () => {
      const { gl, software, antialias, dpr, maxFps } = useRenderQuality.getState();
      return { gl, software, antialias, dpr, maxFps };
    },
  };
  Object.defineProperty(win, '__sightlineDebug', { value: Object.freeze(hooks), configurable: false, writable: false });
}
