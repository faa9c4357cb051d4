import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import type { PerspectiveCamera } from 'three';
import { poseStore } from '../../stores/pose-store';
import { useSceneStore } from '../../stores/scene-store';
import { useSceneView } from '../../stores/scene-view-store';
import { frameGate } from './FrameGate';
import { sceneCamera } from './scene-camera';
import { frameAll } from './scene-math';

/** Devices often start a moment apart: while the operator has not moved the camera, frame again as more appears. */
const SETTLE_MS = 3000;
/** Markers beyond this many are left out of the framing (a dense cloud adds nothing to the bounds' cost-benefit). */
const MAX_FRAMED_MARKERS = 4000;

/** Positions (xyz interleaved) of tracked bodies and markers of shown devices, and how many bodies. */
function trackedPoints(): { points: number[]; bodies: number } {
  const hidden = useSceneStore.getState().hiddenHandles;
  const out: number[] = [];
  let bodies = 0;
  for (const device of poseStore.devices.values()) {
    if (hidden[device.handle]) continue;
    for (let i = 0; i < device.bodyCount; i++) {
      const b = device.bodies[i]!;
      if (b.valid) out.push(b.x, b.y, b.z);
      if (b.valid) bodies++;
    }
    const markers = Math.min(device.markerCount, MAX_FRAMED_MARKERS);
    for (let i = 0; i < markers * 3; i++) out.push(device.markers[i]!);
  }
  return { points: out, bodies };
}

/**
 * Frames everything tracked when poses first come (and on request), and keeps a followed body at the
 * orbit's centre by moving target and camera together, so the operator's angle and distance stay.
 * Runs before the controls update (-2) and the frame gate (-1).
 */
export function CameraRig() {
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const size = useThree((s) => s.size);
  const state = useRef({ framedRequest: -1, framedAt: -Infinity, framedBodies: 0, touched: false });

  useEffect(() => {
    const controls = sceneCamera.controls;
    if (!controls) return;
    const touched = () => (state.current.touched = true);
    controls.addEventListener('start', touched);
    return () => controls.removeEventListener('start', touched);
  });

  useFrame(() => {
    const controls = sceneCamera.controls;
    if (!controls) return;
    const view = useSceneView.getState();
    const s = state.current;
    const now = performance.now();
    const requested = s.framedRequest !== view.framing;
    const settling = !s.touched && now - s.framedAt < SETTLE_MS;
    if (requested || settling) {
      const { points, bodies } = trackedPoints();
      if (requested || bodies > s.framedBodies) {
        const direction = camera.position.clone().sub(controls.target);
        const f = frameAll(points, camera.fov, size.width / Math.max(1, size.height), [
          direction.x,
          direction.y,
          direction.z,
        ]);
        if (f) {
          if (requested) s.framedAt = now;
          s.framedRequest = view.framing;
          s.framedBodies = bodies;
          s.touched = false;
          controls.target.set(...f.target);
          camera.position.set(...f.position);
          frameGate.request();
        }
      }
    }
    if (view.following && view.selected) {
      const body = poseStore.devices.get(view.selected.handle)?.byId.get(view.selected.id);
      if (!body?.valid) return;
      const dx = body.x - controls.target.x;
      const dy = body.y - controls.target.y;
      const dz = body.z - controls.target.z;
      if (dx === 0 && dy === 0 && dz === 0) return;
      controls.target.set(body.x, body.y, body.z);
      camera.position.set(camera.position.x + dx, camera.position.y + dy, camera.position.z + dz);
      frameGate.request();
    }
  }, -3);
  return null;
}
