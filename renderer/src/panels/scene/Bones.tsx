import { useFrame } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { BufferGeometry, Float32BufferAttribute } from 'three';
import { useAppStore } from '../../stores/app-store';
import { poseStore } from '../../stores/pose-store';
import { useSceneStore } from '../../stores/scene-store';
import { frameGate } from './FrameGate';
import { bonePairs } from './scene-structure';
import { boneMaterial } from './shared-resources';

/**
 * Every skeleton's bones as one LineSegments: a line from each segment to its parent (the catalog
 * says which), moved in the frame loop. A segment not tracked keeps its last tracked place.
 */
export function Bones() {
  const catalogs = useAppStore((s) => s.catalogBodies);
  const hidden = useSceneStore((s) => s.hiddenHandles);
  const pairs = useMemo(() => bonePairs(catalogs, hidden), [catalogs, hidden]);
  const geometry = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute('position', new Float32BufferAttribute(new Float32Array(pairs.length * 6), 3));
    g.setDrawRange(0, 0);
    return g;
  }, [pairs]);
  useEffect(() => () => geometry.dispose(), [geometry]);

  useFrame(() => {
    if (!frameGate.drawing || pairs.length === 0) return;
    const attribute = geometry.getAttribute('position') as Float32BufferAttribute;
    const xyz = attribute.array as Float32Array;
    let drawn = 0;
    for (let i = 0; i < pairs.length; i++) {
      const { handle, child, parent } = pairs[i]!;
      const device = poseStore.devices.get(handle);
      const a = device?.byId.get(child);
      const b = device?.byId.get(parent);
      if (a?.valid && b?.valid) xyz.set([a.x, a.y, a.z, b.x, b.y, b.z], i * 6);
      // Never tracked yet: both ends at zero draws nothing visible.
      if (a && b) drawn = i + 1;
    }
    geometry.setDrawRange(0, drawn * 2);
    attribute.needsUpdate = true;
  });

  return <lineSegments geometry={geometry} material={boneMaterial} frustumCulled={false} renderOrder={2} />;
}
