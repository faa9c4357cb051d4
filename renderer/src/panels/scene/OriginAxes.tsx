import { useEffect, useMemo } from 'react';
import { BufferGeometry, Float32BufferAttribute, LineBasicMaterial } from 'three';
import { useSceneView } from '../../stores/scene-view-store';
import { toDisplayPosition, type UpAxis } from './scene-math';
import { TextSprite } from './TextSprite';

const LENGTH = 0.5;
/** The same hues three's AxesHelper draws its X/Y/Z lines in. */
const AXES = [
  { name: 'X', colour: '#ff4040', rgb: [1, 0.25, 0.25] },
  { name: 'Y', colour: '#40ff40', rgb: [0.25, 1, 0.25] },
  { name: 'Z', colour: '#4080ff', rgb: [0.25, 0.5, 1] },
] as const;

const material = new LineBasicMaterial({ vertexColors: true });

/**
 * The display axes in scene coordinates: with Z up, display +Y lies along scene −Z and +Z along
 * scene +Y (the inverse of toDisplayPosition's turn).
 */
function axisTips(up: UpAxis): [number, number, number][] {
  const unit = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ] as const;
  return unit.map((_, k) => {
    // The scene direction whose display coordinates are the k-th unit vector.
    const candidates: [number, number, number][] = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [-1, 0, 0],
      [0, -1, 0],
      [0, 0, -1],
    ];
    const found = candidates.find((c) => toDisplayPosition(c, up, 'm')[k] === 1)!;
    return [found[0] * LENGTH, found[1] * LENGTH, found[2] * LENGTH];
  });
}

/** World axes at the origin, named as the operator reads them (Y up or Z up), so "which way is +Z" never needs asking. */
export function OriginAxes() {
  const up = useSceneView((s) => s.options.up);
  const tips = useMemo(() => axisTips(up), [up]);
  const geometry = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute(
      'position',
      new Float32BufferAttribute(
        tips.flatMap((t) => [0, 0, 0, ...t]),
        3,
      ),
    );
    g.setAttribute(
      'color',
      new Float32BufferAttribute(
        AXES.flatMap((a) => [...a.rgb, ...a.rgb]),
        3,
      ),
    );
    return g;
  }, [tips]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  return (
    <group>
      <lineSegments geometry={geometry} material={material} />
      {AXES.map((axis, k) => (
        <group key={axis.name} position={tips[k]}>
          <TextSprite text={axis.name} accent={axis.colour} offsetPx={2} />
        </group>
      ))}
    </group>
  );
}
