/**
 * The 3D view's label layout, recomputed a few times a second from where the bodies are on screen
 * (label-layout.ts): each RigidBody registers its label's size and reads back where to put it. Also
 * the per-device label filter, kept in the layout JSON under "labels".
 */
import { Vector3 } from 'three';
import { create } from 'zustand';
import { poseStore } from '../../stores/pose-store';
import { useSceneStore } from '../../stores/scene-store';
import { isSelected, useSceneView } from '../../stores/scene-view-store';
import { layoutLabels, type Corner, type Rect } from './label-layout';
import { sceneCamera } from './scene-camera';

interface Registered {
  handle: number;
  id: number;
  width: number;
  height: number;
}

const registered = new Map<string, Registered>();
const placement = new Map<string, { corner: Corner | null; rect: Rect | null }>();
const v = new Vector3();
let lastRun = 0;
/** Layout a few times a second: labels move with their bodies in between, only the corner waits. */
const RUN_EVERY_MS = 120;

export function labelKey(handle: number, id: number): string {
  return `${handle}:${id}`;
}

export function registerLabel(handle: number, id: number, width: number, height: number): () => void {
  const key = labelKey(handle, id);
  registered.set(key, { handle, id, width, height });
  return () => {
    registered.delete(key);
    placement.delete(key);
  };
}

/** Where this body's label goes: a corner, or null (hidden: it would overlap another). Undefined before the first layout. */
export function labelCorner(handle: number, id: number): Corner | null | undefined {
  return placement.get(labelKey(handle, id))?.corner;
}

/** Per device: its labels hidden by the operator (for this session). */
export const useLabelFilter = create<{ hidden: Record<number, true> }>()(() => ({ hidden: {} }));

export function toggleDeviceLabels(handle: number): void {
  useLabelFilter.setState((s) => {
    const hidden = { ...s.hidden };
    if (hidden[handle]) delete hidden[handle];
    else hidden[handle] = true;
    return { hidden };
  });
}

/** Runs the layout if it is due (called from the scene's frame loop). */
export function updateLabelLayout(nowMs: number): void {
  if (nowMs - lastRun < RUN_EVERY_MS) return;
  lastRun = nowMs;
  const { camera, canvas } = sceneCamera;
  if (!camera || !canvas) return;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const { options, selected } = useSceneView.getState();
  const hiddenDevices = useSceneStore.getState().hiddenHandles;
  const hiddenLabels = useLabelFilter.getState().hidden;
  const inputs = [];
  for (const [key, r] of registered) {
    const device = poseStore.devices.get(r.handle);
    const body = device?.byId.get(r.id);
    const chosen = isSelected(selected, r.handle, r.id);
    if (!body || hiddenDevices[r.handle] || ((!options.labels || hiddenLabels[r.handle]) && !chosen)) {
      placement.set(key, { corner: null, rect: null });
      continue;
    }
    v.set(body.x, body.y, body.z).project(camera);
    const behind = v.z > 1 || v.z < -1;
    const before = placement.get(key);
    inputs.push({
      key,
      x: behind ? NaN : ((v.x + 1) / 2) * width,
      y: behind ? NaN : ((1 - v.y) / 2) * height,
      width: r.width,
      height: r.height,
      selected: chosen,
      wasShown: !!before?.corner,
      ...(before?.corner ? { lastCorner: before.corner } : {}),
    });
  }
  for (const out of layoutLabels(inputs, { width, height }))
    placement.set(out.key, { corner: out.corner, rect: out.rect });
}

/** The labels shown and their boxes on the canvas (the debug hook and the tests read it). */
export function shownLabels(): { key: string; rect: Rect }[] {
  const out: { key: string; rect: Rect }[] = [];
  for (const [key, p] of placement) if (p.corner && p.rect) out.push({ key, rect: p.rect });
  return out;
}

/** The body nearest to a point on the canvas within `radius` px, for the hover name. */
export function bodyNear(x: number, y: number, radius = 14): { handle: number; id: number } | null {
  const { camera, canvas } = sceneCamera;
  if (!camera || !canvas) return null;
  let best: { handle: number; id: number } | null = null;
  let bestD = radius;
  const hiddenDevices = useSceneStore.getState().hiddenHandles;
  for (const r of registered.values()) {
    if (hiddenDevices[r.handle]) continue;
    const body = poseStore.devices.get(r.handle)?.byId.get(r.id);
    if (!body) continue;
    v.set(body.x, body.y, body.z).project(camera);
    if (v.z > 1 || v.z < -1) continue;
    const d = Math.hypot(((v.x + 1) / 2) * canvas.clientWidth - x, ((1 - v.y) / 2) * canvas.clientHeight - y);
    if (d < bestD) {
      bestD = d;
      best = { handle: r.handle, id: r.id };
    }
  }
  return best;
}
