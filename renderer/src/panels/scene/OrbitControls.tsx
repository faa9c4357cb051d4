import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import { OrbitControls as ThreeOrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

/** three's OrbitControls bound to R3F's camera and canvas; damping needs an update every frame. */
export function OrbitControls(props: { target: readonly [number, number, number] }) {
  const camera = useThree((s) => s.camera);
  const domElement = useThree((s) => s.gl.domElement);
  const controls = useRef<ThreeOrbitControls | null>(null);
  const [tx, ty, tz] = props.target;

  useEffect(() => {
    const c = new ThreeOrbitControls(camera, domElement);
    c.enableDamping = true;
    c.dampingFactor = 0.12;
    c.target.set(tx, ty, tz);
    // Keep the camera above the floor and out of the grid's far fade.
    c.maxPolarAngle = Math.PI * 0.495;
    c.minDistance = 0.3;
    c.maxDistance = 60;
    c.update();
    controls.current = c;
    return () => {
      c.dispose();
      controls.current = null;
    };
  }, [camera, domElement, tx, ty, tz]);

  useFrame(() => controls.current?.update());
  return null;
}
