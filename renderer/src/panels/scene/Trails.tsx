import { useFrame } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { BufferGeometry, Float32BufferAttribute } from 'three';
import { useAppStore } from '../../stores/app-store';
import { poseStore } from '../../stores/pose-store';
import { useSceneStore } from '../../stores/scene-store';
import { isSelected, useSceneView } from '../../stores/scene-view-store';
import { frameGate } from './FrameGate';
import { boneKeys } from './scene-structure';
import { trailMaterial } from './shared-resources';

/** A trail point every 40 ms, 50 of them: the last two seconds. */
const TRAIL_INTERVAL_MS = 40;
const TRAIL_POINTS = 50;
/** Trails for at most this many bodies (rigid bodies first in stream order, the selected one always). */
const MAX_TRAILS = 64;

interface Ring {
  xyz: Float32Array;
  head: number;
  count: number;
  seenAt: number;
}

/**
 * Short trails behind rigid bodies (not skeleton segments: a walking skeleton's trails would hide
 * it) and behind the selected body, whatever it is. Sampled at a fixed interval in the frame loop,
 * drawn as one LineSegments.
 */
export function Trails() {
  const catalogs = useAppStore((s) => s.catalogBodies);
  const bones = useMemo(() => boneKeys(catalogs), [catalogs]);
  const rings = useMemo(() => new Map<string, Ring>(), []);
  const clock = useMemo(() => ({ lastSampleAt: -Infinity }), []);
  const geometry = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute('position', new Float32BufferAttribute(new Float32Array(MAX_TRAILS * (TRAIL_POINTS - 1) * 6), 3));
    g.setDrawRange(0, 0);
    return g;
  }, []);
  useEffect(() => () => geometry.dispose(), [geometry]);

  useFrame(() => {
    const now = performance.now();
    if (now - clock.lastSampleAt >= TRAIL_INTERVAL_MS) {
      clock.lastSampleAt = now;
      sample(rings, bones, now);
    }
    if (!frameGate.drawing) return;
    const attribute = geometry.getAttribute('position') as Float32BufferAttribute;
    const out = attribute.array as Float32Array;
    let v = 0;
    for (const ring of rings.values()) {
      for (let k = 1; k < ring.count && v + 6 <= out.length; k++) {
        const a = ((ring.head - k + TRAIL_POINTS) % TRAIL_POINTS) * 3;
        const b = ((ring.head - k - 1 + TRAIL_POINTS) % TRAIL_POINTS) * 3;
        out[v++] = ring.xyz[a]!;
        out[v++] = ring.xyz[a + 1]!;
        out[v++] = ring.xyz[a + 2]!;
        out[v++] = ring.xyz[b]!;
        out[v++] = ring.xyz[b + 1]!;
        out[v++] = ring.xyz[b + 2]!;
      }
    }
    geometry.setDrawRange(0, v / 3);
    attribute.needsUpdate = true;
  });

  return <lineSegments geometry={geometry} material={trailMaterial} frustumCulled={false} />;
}

function sample(rings: Map<string, Ring>, bones: Set<string>, now: number): void {
  const hidden = useSceneStore.getState().hiddenHandles;
  const { selected } = useSceneView.getState();
  let trails = 0;
  for (const device of poseStore.devices.values()) {
    if (hidden[device.handle]) continue;
    for (let i = 0; i < device.bodyCount; i++) {
      const body = device.bodies[i]!;
      const key = `${device.handle}:${body.id}`;
      const chosen = isSelected(selected, device.handle, body.id);
      if (!chosen && (bones.has(key) || trails >= MAX_TRAILS - 1)) continue;
      if (!body.valid) continue;
      trails++;
      let ring = rings.get(key);
      if (!ring) {
        ring = { xyz: new Float32Array(TRAIL_POINTS * 3), head: 0, count: 0, seenAt: now };
        rings.set(key, ring);
      }
      ring.xyz.set([body.x, body.y, body.z], ring.head * 3);
      ring.head = (ring.head + 1) % TRAIL_POINTS;
      ring.count = Math.min(TRAIL_POINTS, ring.count + 1);
      ring.seenAt = now;
    }
  }
  // A body gone (or hidden, or no longer selected) for a whole trail's length loses its trail.
  for (const [key, ring] of rings) if (now - ring.seenAt > TRAIL_INTERVAL_MS * TRAIL_POINTS) rings.delete(key);
}
