/**
 * The structure of the 3D scene, derived from the pose stream but changing only when the set of
 * bodies (or the marker count's order of magnitude) changes, so React mounts and unmounts objects
 * at that low rate and never per batch.
 */
import { create } from 'zustand';

export interface SceneState {
  /** handle → body ids in stream order */
  bodyIds: Record<number, readonly number[]>;
  /** InstancedMesh capacity for all markers; grows by doubling, never shrinks. */
  markerCapacity: number;
  hiddenHandles: Record<number, true>;
}

export const useSceneStore = create<SceneState>()(() => ({ bodyIds: {}, markerCapacity: 256, hiddenHandles: {} }));

export function setBodyIds(handle: number, ids: readonly number[]): void {
  useSceneStore.setState((s) => ({ bodyIds: { ...s.bodyIds, [handle]: ids } }));
}

export function removeDevice(handle: number): void {
  useSceneStore.setState((s) => {
    const { [handle]: _, ...rest } = s.bodyIds;
    return { bodyIds: rest };
  });
}

export function ensureMarkerCapacity(needed: number): void {
  const current = useSceneStore.getState().markerCapacity;
  if (needed <= current) return;
  let capacity = current;
  while (capacity < needed) capacity *= 2;
  useSceneStore.setState({ markerCapacity: capacity });
}

export function toggleDeviceVisible(handle: number): void {
  useSceneStore.setState((s) => {
    const hidden = { ...s.hiddenHandles };
    if (hidden[handle]) delete hidden[handle];
    else hidden[handle] = true;
    return { hiddenHandles: hidden };
  });
}
