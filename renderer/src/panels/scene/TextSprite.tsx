import { useThree } from '@react-three/fiber';
import { useEffect, useMemo, type RefObject } from 'react';
import { SpriteMaterial, type PerspectiveCamera, type Sprite } from 'three';
import { createLabelTexture } from './label-texture';

/**
 * A text label that always faces the camera at a constant size on screen, anchored `offsetPx` to the
 * upper right of its parent's origin. `materialRef` lets a parent dim it from useFrame without a render.
 */
export function TextSprite(props: {
  text: string;
  accent: string;
  offsetPx?: number;
  materialRef?: RefObject<SpriteMaterial | null>;
  /** The sprite itself, for a parent that moves the label to another corner (label-declutter.ts). */
  spriteRef?: RefObject<Sprite | null>;
  /** The label's size in CSS px, once its texture exists. */
  onSize?: (width: number, height: number) => (() => void) | void;
}) {
  const { text, accent, offsetPx = 8, materialRef, spriteRef, onSize } = props;
  const label = useMemo(() => createLabelTexture(text, accent), [text, accent]);
  useEffect(() => onSize?.(label.width, label.height), [label, onSize]);
  const material = useMemo(
    () =>
      new SpriteMaterial({
        map: label.texture,
        transparent: true,
        depthTest: false,
        depthWrite: false,
        sizeAttenuation: false,
      }),
    [label],
  );
  useEffect(() => {
    if (materialRef) materialRef.current = material;
    return () => {
      if (materialRef) materialRef.current = null;
      label.texture.dispose();
      material.dispose();
    };
  }, [label, material, materialRef]);

  const perPixel = usePixelSize();
  return (
    <sprite
      ref={spriteRef}
      material={material}
      scale={[label.width * perPixel, label.height * perPixel, 1]}
      center={[-offsetPx / label.width, -offsetPx / label.height]}
      renderOrder={10}
    />
  );
}

/**
 * A sprite without size attenuation is sized in view-height units at unit distance; this is the size
 * of one screen pixel there, so one texture pixel maps to one screen pixel at any zoom.
 */
function usePixelSize(): number {
  const viewportHeight = useThree((s) => s.size.height);
  const fov = useThree((s) => (s.camera as PerspectiveCamera).fov);
  return (2 * Math.tan(((fov / 2) * Math.PI) / 180)) / Math.max(1, viewportHeight);
}
