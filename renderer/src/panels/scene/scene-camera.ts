/**
 * The 3D view's camera, controls and canvas, for what works outside R3F's tree: picking a body under
 * a click, the debug hooks (where is a body on screen?), framing and following.
 */
import { Vector3, type Camera } from 'three';
import type { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { poseStore } from '../../stores/pose-store';
import { useSceneStore } from '../../stores/scene-store';
import type { BodyRef } from '../../stores/scene-view-store';

export const sceneCamera = {
  camera: null as Camera | null,
  controls: null as OrbitControls | null,
  canvas: null as HTMLCanvasElement | null,
};

export interface ProjectedBodies {
  refs: BodyRef[];
  /** CSS px from the canvas' top left, xy interleaved; NaN for a body behind the camera. */
  screen: Float64Array;
}

const v = new Vector3();

/** Where every tracked body of every shown device is on the canvas (untracked ones are not pickable). */
export function projectBodies(): ProjectedBodies {
  const { camera, canvas } = sceneCamera;
  const refs: BodyRef[] = [];
  const xy: number[] = [];
  if (!camera || !canvas) return { refs, screen: new Float64Array(0) };
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const hidden = useSceneStore.getState().hiddenHandles;
  for (const device of poseStore.devices.values()) {
    if (hidden[device.handle]) continue;
    for (let i = 0; i < device.bodyCount; i++) {
      const body = device.bodies[i]!;
      if (!body.valid) continue;
      v.set(body.x, body.y, body.z).project(camera);
      refs.push({ handle: device.handle, id: body.id });
      const behind = v.z > 1 || v.z < -1;
      xy.push(behind ? NaN : ((v.x + 1) / 2) * width, behind ? NaN : ((1 - v.y) / 2) * height);
    }
  }
  return { refs, screen: Float64Array.from(xy) };
}
