import { useFrame } from '@react-three/fiber';
import { useRef } from 'react';
import { Matrix4, type InstancedMesh } from 'three';
import { MarkerFlags } from '../../../../preload/api';
import { poseStore } from '../../stores/pose-store';
import { useSceneStore } from '../../stores/scene-store';
import { useSceneView } from '../../stores/scene-view-store';
import { frameGate } from './FrameGate';
import { markerGeometry, markerMaterial, unlabeledMarkerGeometry, unlabeledMarkerMaterial } from './shared-resources';

const scratch = new Matrix4();

/**
 * Every marker of every visible device in two InstancedMeshes, labeled and unlabeled (by the
 * source's flags; a source without flags has only labeled ones): two draw calls for thousands.
 */
export function Markers() {
  const capacity = useSceneStore((s) => s.markerCapacity);
  const hidden = useSceneStore((s) => s.hiddenHandles);
  const shown = useSceneView((s) => s.options.markers);
  const labeled = useRef<InstancedMesh>(null);
  const unlabeled = useRef<InstancedMesh>(null);

  useFrame(() => {
    const l = labeled.current;
    const u = unlabeled.current;
    // Thousands of matrices: not for a display frame that is not drawn.
    if (!l || !u || !shown || !frameGate.drawing) return;
    let nl = 0;
    let nu = 0;
    for (const device of poseStore.devices.values()) {
      if (hidden[device.handle]) continue;
      const xyz = device.markers;
      const flags = device.flagsKnown ? device.markerFlags : null;
      for (let i = 0; i < device.markerCount && nl + nu < capacity; i++) {
        scratch.makeTranslation(xyz[i * 3]!, xyz[i * 3 + 1]!, xyz[i * 3 + 2]!);
        if (flags && flags[i]! & MarkerFlags.Unlabeled) u.setMatrixAt(nu++, scratch);
        else l.setMatrixAt(nl++, scratch);
      }
    }
    upload(l, nl);
    upload(u, nu);
  });

  // Remounted (key) when the capacity doubles: an InstancedMesh cannot grow in place.
  return (
    <group visible={shown}>
      <instancedMesh
        key={`l${capacity}`}
        ref={labeled}
        args={[markerGeometry, markerMaterial, capacity]}
        count={0}
        // Instances move every frame; a bounding sphere computed once would cull them wrongly.
        frustumCulled={false}
      />
      <instancedMesh
        key={`u${capacity}`}
        ref={unlabeled}
        args={[unlabeledMarkerGeometry, unlabeledMarkerMaterial, capacity]}
        count={0}
        frustumCulled={false}
      />
    </group>
  );
}

function upload(mesh: InstancedMesh, count: number): void {
  mesh.count = count;
  // Upload only the live instances, not the whole capacity.
  mesh.instanceMatrix.clearUpdateRanges();
  mesh.instanceMatrix.addUpdateRange(0, count * 16);
  mesh.instanceMatrix.needsUpdate = true;
}
