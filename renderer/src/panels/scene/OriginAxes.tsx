import { TextSprite } from './TextSprite';

const LENGTH = 0.5;
/** The same hues three's AxesHelper draws its X/Y/Z lines in. */
const AXES = [
  { name: 'X', colour: '#ff4040', at: [LENGTH, 0, 0] },
  { name: 'Y', colour: '#40ff40', at: [0, LENGTH, 0] },
  { name: 'Z', colour: '#4080ff', at: [0, 0, LENGTH] },
] as const;

/** World axes at the origin, named, so "which way is +Z" never needs asking. */
export function OriginAxes() {
  return (
    <group>
      <axesHelper args={[LENGTH]} />
      {AXES.map((axis) => (
        <group key={axis.name} position={axis.at}>
          <TextSprite text={axis.name} accent={axis.colour} offsetPx={2} />
        </group>
      ))}
    </group>
  );
}
