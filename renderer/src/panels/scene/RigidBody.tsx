import { useFrame } from '@react-three/fiber';
import { useCallback, useRef } from 'react';
import type { Group, LineSegments, Mesh, Sprite, SpriteMaterial } from 'three';
import { poseStore } from '../../stores/pose-store';
import { isSelected, useSceneView } from '../../stores/scene-view-store';
import { frameGate } from './FrameGate';
import { labelCorner, registerLabel, updateLabelLayout } from './label-declutter';
import { LABEL_OFFSET_PX, type Corner } from './label-layout';
import { deviceColour } from './palette';
import {
  bodyAxesGeometry,
  bodyAxesMaterial,
  bodyMaterial,
  bodySphereGeometry,
  invalidBodyMaterial,
  invalidLineMaterial,
} from './shared-resources';
import { TextSprite } from './TextSprite';

/** A device silent for this long is drawn as untracked: its last poses are history, not the room. */
export const STALE_AFTER_MS = 1000;

/** A skeleton segment's joint and axes are drawn smaller than a rigid body's: a skeleton has many. */
const BONE_SCALE = 0.55;

/**
 * One rigid body (or skeleton segment): RGB axes, a small sphere and its name. Mounted when the body
 * appears in the stream; its pose is written in useFrame straight from the transient store.
 * `labelled`: whether its name shows while labels are on (a skeleton names only its root).
 */
export function RigidBody(props: { handle: number; id: number; name: string; bone?: boolean; labelled?: boolean }) {
  const { handle, id, name, bone = false, labelled = true } = props;
  const showAxes = useSceneView((s) => s.options.axes);
  const showLabel = useSceneView((s) => (s.options.labels && labelled) || isSelected(s.selected, handle, id));
  const group = useRef<Group>(null);
  const sphere = useRef<Mesh>(null);
  const axes = useRef<LineSegments>(null);
  const label = useRef<SpriteMaterial>(null);
  const drawnAsLive = useRef<boolean | null>(null);
  const sprite = useRef<Sprite>(null);
  const labelBox = useRef<Group>(null);
  const size = useRef({ width: 1, height: 1 });
  const corner = useRef<Corner | null | undefined>(undefined);
  const onSize = useCallback(
    (width: number, height: number) => {
      size.current = { width, height };
      // Only named bodies take part in the layout; a skeleton's unnamed segments never show a label.
      return labelled ? registerLabel(handle, id, width, height) : undefined;
    },
    [handle, id, labelled],
  );

  useFrame(() => {
    const g = group.current;
    if (!g || !sphere.current || !axes.current || !frameGate.drawing) return;
    const device = poseStore.devices.get(handle);
    const body = device?.byId.get(id);
    if (!device || !body) {
      g.visible = false;
      return;
    }
    g.visible = true;
    updateLabelLayout(performance.now());
    placeLabel();
    // An untracked body reports a meaningless pose (Motive sends zeros): keep the last tracked one.
    if (body.valid) {
      g.position.set(body.x, body.y, body.z);
      g.quaternion.set(body.qx, body.qy, body.qz, body.qw);
    }
    const live = body.valid && performance.now() - device.receivedAt < STALE_AFTER_MS;
    if (live !== drawnAsLive.current) {
      sphere.current.material = live ? bodyMaterial(handle) : invalidBodyMaterial;
      axes.current.material = live ? bodyAxesMaterial : invalidLineMaterial;
      // The label's material arrives in an effect after the first frames: retry until it is there.
      if (label.current) label.current.opacity = live ? 1 : 0.45;
      drawnAsLive.current = label.current ? live : null;
    }
  });

  /** Moves the label to the corner the layout chose, or hides it there (it would overlap another). */
  function placeLabel(): void {
    const box = labelBox.current;
    const s = sprite.current;
    const chosen = labelCorner(handle, id);
    if (!box || !s || chosen === undefined) return;
    box.visible = chosen !== null;
    if (chosen === null || chosen === corner.current) return;
    corner.current = chosen;
    const { width, height } = size.current;
    const east = chosen === 'ne' || chosen === 'se';
    const north = chosen === 'ne' || chosen === 'nw';
    s.center.set(
      east ? -LABEL_OFFSET_PX / width : 1 + LABEL_OFFSET_PX / width,
      north ? -LABEL_OFFSET_PX / height : 1 + LABEL_OFFSET_PX / height,
    );
  }

  return (
    <group ref={group} visible={false}>
      <mesh ref={sphere} geometry={bodySphereGeometry} material={invalidBodyMaterial} scale={bone ? BONE_SCALE : 1} />
      <lineSegments
        ref={axes}
        geometry={bodyAxesGeometry}
        material={invalidLineMaterial}
        visible={showAxes}
        scale={bone ? BONE_SCALE : 1}
      />
      <group ref={labelBox} visible={showLabel}>
        <TextSprite text={name} accent={deviceColour(handle)} materialRef={label} spriteRef={sprite} onSize={onSize} />
      </group>
    </group>
  );
}
