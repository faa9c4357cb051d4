/**
 * Read-only hooks for the end-to-end tests and the benchmark (window.__sightlineDebug). They expose
 * only what the screen already shows (poses, names, rates); nothing here can act on a device.
 */
import { shownLabels } from '../panels/scene/label-declutter';
import { projectBodies, sceneCamera } from '../panels/scene/scene-camera';
import { bodyName, useAppStore } from './app-store';
import { linkBridge } from './link-bridge';
import { refreshPoses } from './shared-pose-mirror';
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
    bodyOnScreen: (handle, id) => {
      refreshPoses();
      const { refs, screen } = projectBodies();
      const i = refs.findIndex((r) => r.handle === handle && r.id === id);
      const rect = sceneCamera.canvas?.getBoundingClientRect();
      if (i < 0 || !rect || !Number.isFinite(screen[i * 2]!)) return null;
      return { x: rect.left + screen[i * 2]!, y: rect.top + screen[i * 2 + 1]! };
    },
    videoGaze: () => allVideoGazeStats(),
    labels: () => shownLabels(),
  };
  Object.defineProperty(win, '__sightlineDebug', { value: Object.freeze(hooks), configurable: false, writable: false });
}
