/**
 * Geometries and materials every body shares: one upload to the GPU however many bodies there are.
 * They live as long as the page, so they are never disposed.
 */
import {
  BufferGeometry,
  Float32BufferAttribute,
  IcosahedronGeometry,
  LineBasicMaterial,
  MeshBasicMaterial,
  MeshStandardMaterial,
  OctahedronGeometry,
  SphereGeometry,
  TorusGeometry,
} from 'three';
import {
  BONE_COLOUR,
  INVALID_COLOUR,
  MARKER_COLOUR,
  SELECTION_COLOUR,
  TRAIL_COLOUR,
  UNLABELED_MARKER_COLOUR,
  deviceColour,
} from './palette';

/** Axis length of a body's frame, in metres: visible at room scale without hiding neighbours. */
export const BODY_AXIS_LENGTH = 0.18;

function axesGeometry(length: number): BufferGeometry {
  const g = new BufferGeometry();
  g.setAttribute(
    'position',
    new Float32BufferAttribute([0, 0, 0, length, 0, 0, 0, 0, 0, 0, length, 0, 0, 0, 0, 0, 0, length], 3),
  );
  g.setAttribute(
    'color',
    new Float32BufferAttribute(
      [1, 0.25, 0.25, 1, 0.25, 0.25, 0.3, 0.9, 0.3, 0.3, 0.9, 0.3, 0.3, 0.5, 1, 0.3, 0.5, 1],
      3,
    ),
  );
  return g;
}

export const bodyAxesGeometry = axesGeometry(BODY_AXIS_LENGTH);
export const bodyAxesMaterial = new LineBasicMaterial({ vertexColors: true });
export const invalidLineMaterial = new LineBasicMaterial({ color: INVALID_COLOUR });

export const bodySphereGeometry = new SphereGeometry(0.035, 20, 14);
export const invalidBodyMaterial = new MeshStandardMaterial({ color: INVALID_COLOUR, roughness: 0.8 });

const bodyMaterials = new Map<number, MeshStandardMaterial>();
export function bodyMaterial(handle: number): MeshStandardMaterial {
  let material = bodyMaterials.get(handle);
  if (!material) {
    material = new MeshStandardMaterial({ color: deviceColour(handle), roughness: 0.45, metalness: 0.1 });
    bodyMaterials.set(handle, material);
  }
  return material;
}

export const markerGeometry = new IcosahedronGeometry(0.012, 1);
export const markerMaterial = new MeshStandardMaterial({ color: MARKER_COLOUR, roughness: 0.35, emissive: '#3a3f45' });

/**
 * Unlabeled markers: another shape, hue and size, unlit so the hue stays whatever the light, so they
 * read apart from labeled ones without relying on colour alone.
 */
export const unlabeledMarkerGeometry = new OctahedronGeometry(0.025, 0);
export const unlabeledMarkerMaterial = new MeshBasicMaterial({ color: UNLABELED_MARKER_COLOUR, toneMapped: false });

// Drawn in their own colours, whatever the tone mapping does to lit surfaces.
export const boneMaterial = new LineBasicMaterial({ color: BONE_COLOUR, toneMapped: false });
export const trailMaterial = new LineBasicMaterial({ color: TRAIL_COLOUR, toneMapped: false });
/** A ring around the selected body, wide enough to see around the body's own sphere. */
export const selectionGeometry = new TorusGeometry(0.075, 0.008, 8, 40);
export const selectionMaterial = new MeshBasicMaterial({
  color: SELECTION_COLOUR,
  depthTest: false,
  transparent: true,
});
