/**
 * Read-only hooks for the end-to-end tests and the benchmark (window.__sightlineDebug). They expose
 * only what the screen already shows (poses, names, rates); nothing here can act on a device.
 */
import { bodyName, useAppStore } from './app-store';
import { linkBridge, refreshPoses } from './link';
import { linkStats } from './link-stats';
import { poseStore } from './pose-store';
import { useRenderQuality } from './render-quality-store';
import type { DebugBody, SightlineDebugHooks } from './debug-hooks-contract';
import { allVideoGazeStats } from './video-gaze';

export type { DebugBody, DebugQuality, DrawnFrame, SightlineDebugHooks, VideoGazeStats } from './debug-hooks-contract';

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
    videoGaze: () => allVideoGazeStats(),
  };
  Object.defineProperty(win, '__sightlineDebug', { value: Object.freeze(hooks), configurable: false, writable: false });
}
