import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import type { Mesh } from 'three';
import { poseStore } from '../../stores/pose-store';
import { selectBody, useSceneView } from '../../stores/scene-view-store';
import { frameGate } from './FrameGate';
import { pickNearest } from './scene-math';
import { projectBodies } from './scene-camera';
import { selectionGeometry, selectionMaterial } from './shared-resources';

/** A click selects the tracked body drawn nearest to it, within this many CSS pixels. */
const PICK_RADIUS_PX = 24;
/** A press that moved further than this was a drag (orbit or pan), not a click. */
const CLICK_SLOP_PX = 5;

/** A ring around the selected body, facing the camera, moved in the frame loop. */
export function SelectionRing() {
  const ring = useRef<Mesh>(null);
  const camera = useThree((s) => s.camera);
  useFrame(() => {
    const m = ring.current;
    if (!m || !frameGate.drawing) return;
    const { selected } = useSceneView.getState();
    const body = selected ? poseStore.devices.get(selected.handle)?.byId.get(selected.id) : undefined;
    m.visible = body !== undefined && body.valid;
    if (!m.visible || !body) return;
    m.position.set(body.x, body.y, body.z);
    m.quaternion.copy(camera.quaternion);
  });
  return <mesh ref={ring} geometry={selectionGeometry} material={selectionMaterial} visible={false} renderOrder={11} />;
}

/** Click or tap in the view to select a body; on empty space, to clear the selection. */
export function Picker() {
  const canvas = useThree((s) => s.gl.domElement);
  useEffect(() => {
    let down: { x: number; y: number; id: number } | null = null;
    const onDown = (e: PointerEvent) => {
      down = { x: e.clientX, y: e.clientY, id: e.pointerId };
    };
    const onUp = (e: PointerEvent) => {
      const start = down;
      down = null;
      if (!start || start.id !== e.pointerId || Math.hypot(e.clientX - start.x, e.clientY - start.y) > CLICK_SLOP_PX)
        return;
      const rect = canvas.getBoundingClientRect();
      const { refs, screen } = projectBodies();
      const i = pickNearest(screen, e.clientX - rect.left, e.clientY - rect.top, PICK_RADIUS_PX);
      selectBody(i >= 0 ? refs[i]! : null);
      frameGate.request();
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointerup', onUp);
    return () => {
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointerup', onUp);
    };
  }, [canvas]);
  return null;
}
