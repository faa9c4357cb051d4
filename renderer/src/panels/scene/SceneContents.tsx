import { useMemo } from 'react';
import { bodyName, useAppStore } from '../../stores/app-store';
import { useSceneStore } from '../../stores/scene-store';
import { useSceneView } from '../../stores/scene-view-store';
import { Bones } from './Bones';
import { CameraRig } from './CameraRig';
import { Markers } from './Markers';
import { OrbitControls } from './OrbitControls';
import { OriginAxes } from './OriginAxes';
import { useThemeStore } from '../../layout/theme-store';
import { BACKGROUND_COLOUR, LIGHT_BACKGROUND_COLOUR } from './palette';
import { RigidBody } from './RigidBody';
import { Picker, SelectionRing } from './Selection';
import { Trails } from './Trails';

/** Metres. Wide enough for a typical capture volume with room to spare. */
const FLOOR_SIZE = 20;
/** Motive's convention and three's agree (Y up, right-handed), so poses go in untransformed. */
const ORBIT_TARGET = [0, 0.9, 0] as const;

export function SceneContents() {
  const trails = useSceneView((s) => s.options.trails);
  const light = useThemeStore((s) => s.resolved === 'light');
  return (
    <>
      <color attach="background" args={[light ? LIGHT_BACKGROUND_COLOUR : BACKGROUND_COLOUR]} />
      <hemisphereLight args={['#dfe8f5', '#1b222c', 1.4]} />
      <directionalLight position={[3, 6, 4]} intensity={1.6} />
      {/* 1 m cells; the centre lines are brighter so the origin reads at a glance. */}
      <gridHelper args={[FLOOR_SIZE, FLOOR_SIZE, '#46566b', '#232c38']} />
      <OriginAxes />
      <AllBodies />
      <Bones />
      <Markers />
      {trails && <Trails />}
      <SelectionRing />
      <OrbitControls target={ORBIT_TARGET} />
      <CameraRig />
      <Picker />
    </>
  );
}

function AllBodies() {
  const bodyIds = useSceneStore((s) => s.bodyIds);
  const hidden = useSceneStore((s) => s.hiddenHandles);
  const catalogs = useAppStore((s) => s.catalogs);
  const catalogBodies = useAppStore((s) => s.catalogBodies);
  return (
    <>
      {Object.entries(bodyIds).map(([key, ids]) => {
        const handle = Number(key);
        if (hidden[handle]) return null;
        return (
          <DeviceBodies key={handle} handle={handle} ids={ids} catalogs={catalogs} catalogBodies={catalogBodies} />
        );
      })}
    </>
  );
}

function DeviceBodies(props: {
  handle: number;
  ids: readonly number[];
  catalogs: Record<number, Record<number, string>>;
  catalogBodies: ReturnType<typeof useAppStore.getState>['catalogBodies'];
}) {
  const { handle, ids, catalogs, catalogBodies } = props;
  const entries = useMemo(() => {
    const byId = new Map((catalogBodies[handle] ?? []).map((b) => [b.id, b]));
    return ids.map((id) => byId.get(id));
  }, [ids, catalogBodies, handle]);
  return (
    <group>
      {ids.map((id, i) => {
        const entry = entries[i];
        const bone = entry?.kind === 'bone';
        // A skeleton is named once, at its root segment, by the skeleton's name.
        const name =
          bone && entry.parentId === undefined ? (entry.group ?? entry.name) : bodyName({ catalogs }, handle, id);
        return (
          <RigidBody
            key={id}
            handle={handle}
            id={id}
            name={name}
            bone={bone}
            labelled={!bone || entry.parentId === undefined}
          />
        );
      })}
    </group>
  );
}
