import { bodyName, useAppStore } from '../../stores/app-store';
import { useSceneStore } from '../../stores/scene-store';
import { Markers } from './Markers';
import { OrbitControls } from './OrbitControls';
import { OriginAxes } from './OriginAxes';
import { BACKGROUND_COLOUR } from './palette';
import { RigidBody } from './RigidBody';

/** Metres. Wide enough for a typical capture volume with room to spare. */
const FLOOR_SIZE = 20;
/** Motive's convention and three's agree (Y up, right-handed), so poses go in untransformed. */
const ORBIT_TARGET = [0, 0.9, 0] as const;

export function SceneContents() {
  return (
    <>
      <color attach="background" args={[BACKGROUND_COLOUR]} />
      <hemisphereLight args={['#dfe8f5', '#1b222c', 1.4]} />
      <directionalLight position={[3, 6, 4]} intensity={1.6} />
      {/* 1 m cells; the centre lines are brighter so the origin reads at a glance. */}
      <gridHelper args={[FLOOR_SIZE, FLOOR_SIZE, '#46566b', '#232c38']} />
      <OriginAxes />
      <AllBodies />
      <Markers />
      <OrbitControls target={ORBIT_TARGET} />
    </>
  );
}

function AllBodies() {
  const bodyIds = useSceneStore((s) => s.bodyIds);
  const hidden = useSceneStore((s) => s.hiddenHandles);
  const catalogs = useAppStore((s) => s.catalogs);
  return (
    <>
      {Object.entries(bodyIds).map(([key, ids]) => {
        const handle = Number(key);
        if (hidden[handle]) return null;
        return (
          <group key={handle}>
            {ids.map((id) => (
              <RigidBody key={id} handle={handle} id={id} name={bodyName({ catalogs }, handle, id)} />
            ))}
          </group>
        );
      })}
    </>
  );
}
