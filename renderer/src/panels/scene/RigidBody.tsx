import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import { SpriteMaterial, type Group, type LineSegments, type Mesh, type PerspectiveCamera } from 'three';
import { poseStore } from '../../stores/pose-store';
import { createLabelTexture } from './label-texture';
import { deviceColour } from './palette';
import {
  bodyAxesGeometry,
  bodyAxesMaterial,
  bodyMaterial,
  bodySphereGeometry,
  invalidBodyMaterial,
  invalidLineMaterial,
} from './shared-resources';

/** A device silent for this long is drawn as untracked: its last poses are history, not the room. */
export const STALE_AFTER_MS = 1000;
/** Label offset from the body's origin, in screen pixels (right, up). */
const LABEL_OFFSET_PX = 8;

/**
 * One rigid body: RGB axes, a small sphere and its name. Mounted when the body appears in the
 * stream; its pose is written in useFrame straight from the transient store.
 */
export function RigidBody(props: { handle: number; id: number; name: string }) {
  const { handle, id, name } = props;
  const group = useRef<Group>(null);
  const sphere = useRef<Mesh>(null);
  const axes = useRef<LineSegments>(null);
  const drawnAsLive = useRef<boolean | null>(null);

  const label = useMemo(() => createLabelTexture(name, deviceColour(handle)), [name, handle]);
  const labelMaterial = useMemo(
    () =>
      new SpriteMaterial({
        map: label.texture,
        transparent: true,
        depthTest: false,
        depthWrite: false,
        sizeAttenuation: false,
      }),
    [label],
  );
  useEffect(
    () => () => {
      label.texture.dispose();
      labelMaterial.dispose();
    },
    [label, labelMaterial],
  );

  const labelScale = useLabelScale(label.width, label.height);

  useFrame(() => {
    const g = group.current;
    if (!g || !sphere.current || !axes.current) return;
    const device = poseStore.devices.get(handle);
    const body = device?.byId.get(id);
    if (!device || !body) {
      g.visible = false;
      return;
    }
    g.visible = true;
    // An untracked body reports a meaningless pose (Motive sends zeros): keep the last tracked one.
    if (body.valid) {
      g.position.set(body.x, body.y, body.z);
      g.quaternion.set(body.qx, body.qy, body.qz, body.qw);
    }
    const live = body.valid && performance.now() - device.receivedAt < STALE_AFTER_MS;
    if (live !== drawnAsLive.current) {
      drawnAsLive.current = live;
      sphere.current.material = live ? bodyMaterial(handle) : invalidBodyMaterial;
      axes.current.material = live ? bodyAxesMaterial : invalidLineMaterial;
      labelMaterial.opacity = live ? 1 : 0.45;
    }
  });

  return (
    <group ref={group} visible={false}>
      <mesh ref={sphere} geometry={bodySphereGeometry} material={invalidBodyMaterial} />
      <lineSegments ref={axes} geometry={bodyAxesGeometry} material={invalidLineMaterial} />
      <sprite
        material={labelMaterial}
        scale={labelScale}
        center={[-LABEL_OFFSET_PX / label.width, -LABEL_OFFSET_PX / label.height]}
        renderOrder={10}
      />
    </group>
  );
}

/**
 * A sprite without size attenuation is sized in view-height units; this makes one texture pixel one
 * screen pixel, so labels stay readable and equal-sized at any zoom.
 */
function useLabelScale(widthPx: number, heightPx: number): [number, number, number] {
  const viewportHeight = useThree((s) => s.size.height);
  const fov = useThree((s) => (s.camera as PerspectiveCamera).fov);
  const perPixel = (2 * Math.tan(((fov / 2) * Math.PI) / 180)) / Math.max(1, viewportHeight);
  return [widthPx * perPixel, heightPx * perPixel, 1];
}
