import { useFrame } from '@react-three/fiber';
import { useRef } from 'react';
import { Matrix4, type InstancedMesh } from 'three';
import { poseStore } from '../../stores/pose-store';
import { useSceneStore } from '../../stores/scene-store';
import { frameGate } from './FrameGate';
import { markerGeometry, markerMaterial } from './shared-resources';

const scratch = new Matrix4();

/** Every marker of every visible device as one InstancedMesh: one draw call for thousands of markers. */
export function Markers() {
  const capacity = useSceneStore((s) => s.markerCapacity);
  const hidden = useSceneStore((s) => s.hiddenHandles);
  const mesh = useRef<InstancedMesh>(null);

  useFrame(() => {
    const m = mesh.current;
    // Thousands of matrices: not for a display frame that is not drawn.
    if (!m || !frameGate.drawing) return;
    let n = 0;
    for (const device of poseStore.devices.values()) {
      if (hidden[device.handle]) continue;
      const xyz = device.markers;
      for (let i = 0; i < device.markerCount && n < capacity; i++, n++) {
        scratch.makeTranslation(xyz[i * 3]!, xyz[i * 3 + 1]!, xyz[i * 3 + 2]!);
        m.setMatrixAt(n, scratch);
      }
    }
    m.count = n;
    // Upload only the live instances, not the whole capacity.
    m.instanceMatrix.clearUpdateRanges();
    m.instanceMatrix.addUpdateRange(0, n * 16);
    m.instanceMatrix.needsUpdate = true;
  });

  // Remounted (key) when the capacity doubles: an InstancedMesh cannot grow in place.
  return (
    <instancedMesh
      key={capacity}
      ref={mesh}
      args={[markerGeometry, markerMaterial, capacity]}
      count={0}
      // Instances move every frame; a bounding sphere computed once would cull them wrongly.
      frustumCulled={false}
    />
  );
}
