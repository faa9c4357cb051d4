import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import { OrbitControls as ThreeOrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { frameGate } from './FrameGate';
import { sceneCamera } from './scene-camera';

/** three's OrbitControls bound to R3F's camera and canvas; damping needs an update every display frame. */
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
    // Dragging moves the camera from pointer events, between display frames: ask for a frame.
    c.addEventListener('change', frameGate.request);
    controls.current = c;
    Object.assign(sceneCamera, { camera, controls: c, canvas: domElement });
    return () => {
      c.removeEventListener('change', frameGate.request);
      c.dispose();
      controls.current = null;
      Object.assign(sceneCamera, { camera: null, controls: null, canvas: null });
    };
  }, [camera, domElement, tx, ty, tz]);

  // Before the frame gate decides (-1): a camera still gliding (damping) is something new to draw.
  useFrame(() => {
    if (controls.current?.update()) frameGate.request();
  }, -2);
  return null;
}
