import { useEffect, useRef } from 'react';
import { linkBridge } from '../../stores/link-bridge';
import { attachVideoCanvas } from '../../stores/video-gaze';

/**
 * The canvas a device's video is drawn on. It is handed over once (to the link worker, or to a view
 * on this thread) and React never touches it again: remount (key by handle) to show another device.
 */
export function VideoCanvas({ handle }: { handle: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    return attachVideoCanvas(linkBridge(), handle, canvas);
  }, [handle]);
  // Pupil Invisible's scene camera size until the first frame says otherwise.
  return (
    <canvas ref={ref} className="video-canvas" width={1088} height={1080} data-testid={`video-canvas-${handle}`} />
  );
}
