/**
 * Geometries and materials every body shares: one upload to the GPU however many bodies there are.
 * They live as long as the page, so they are never disposed.
 */
import {
  BufferGeometry,
  Float32BufferAttribute,
  IcosahedronGeometry,
  LineBasicMaterial,
  MeshStandardMaterial,
  SphereGeometry,
} from 'three';
import { INVALID_COLOUR, MARKER_COLOUR, deviceColour } from './palette';

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
