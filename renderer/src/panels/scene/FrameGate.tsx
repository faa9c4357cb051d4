/**
 * Decides, once per display frame, whether the 3D view draws, and draws it. R3F's loop still ticks
 * every display frame (cheap: it moves a few objects), but a frame is drawn only when there is
 * something new (poses, the camera, a scene change, a resize) and, on software GL, at most maxFps
 * times a second: there a frame costs CPU time the rest of the machine needs. It also measures frame
 * times and steps the pixel ratio (render-quality.ts).
 *
 * Priorities: the camera controls update at -2, this gate decides at -1 (after copying the link
 * worker's poses in), the scene's objects follow at 0 and skip their work when nothing is drawn, and
 * the draw itself is at 1 (a positive priority turns R3F's own rendering off).
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import { refreshPoses } from '../../stores/shared-pose-mirror';
import { linkStats } from '../../stores/link-stats';
import { poseStore } from '../../stores/pose-store';
import { useRenderQuality } from '../../stores/render-quality-store';
import { AdaptiveDpr } from './render-quality';

/** Read by the scene's useFrame callbacks; written only here (and by request()). */
export const frameGate = {
  /** This display frame is drawn: objects must be brought up to date. */
  drawing: true,
  requested: false,
  /** Something visible changed outside the pose stream (the camera): draw at the next chance. */
  request(): void {
    frameGate.requested = true;
  },
};

/** Even with nothing new, redraw this often: bodies turn grey when their device falls silent. */
const HEARTBEAT_MS = 500;
/** rAF ticks jitter by a millisecond or two; without slack a 30 fps cap at 60 Hz would skip a third tick. */
const CAP_SLACK_MS = 3;

export function FrameGate(props: { maxFps: number | null; minDpr: number; maxDpr: number }) {
  const { maxFps, minDpr, maxDpr } = props;
  const setDpr = useThree((s) => s.setDpr);
  const adaptive = useMemo(() => new AdaptiveDpr({ minDpr, maxDpr }), [minDpr, maxDpr]);
  const loop = useRef({ lastTickAt: 0, drewLastTick: false, lastDrawAt: -Infinity, drawnVersion: -1 });

  useEffect(() => {
    useRenderQuality.setState({ dpr: adaptive.dpr });
    setDpr(adaptive.dpr);
  }, [adaptive, setDpr]);

  useFrame((state) => {
    const now = performance.now();
    const l = loop.current;
    // The time from a drawn frame's tick to the next tick is what drawing it cost this thread
    // (a software rasterizer blocks it); ticks after undrawn frames say nothing about drawing.
    if (l.drewLastTick) {
      const dpr = adaptive.sample(now - l.lastTickAt, now);
      if (dpr !== null) {
        setDpr(dpr);
        useRenderQuality.setState({ dpr });
      }
    }
    l.lastTickAt = now;
    refreshPoses();
    // R3F's own invalidations (a resize, including a pixel-ratio step just above, a mounted object,
    // a store change) are drawn at once, cap or not: a resized canvas stays blank until drawn again.
    const urgent = state.internal.frames > 0;
    const wanted = frameGate.requested || poseStore.version() !== l.drawnVersion || now - l.lastDrawAt >= HEARTBEAT_MS;
    const minInterval = maxFps ? 1000 / maxFps - CAP_SLACK_MS : 0;
    frameGate.drawing = urgent || (wanted && now - l.lastDrawAt >= minInterval);
  }, -1);

  useFrame((state) => {
    const l = loop.current;
    l.drewLastTick = frameGate.drawing;
    if (!frameGate.drawing) return;
    state.gl.render(state.scene, state.camera);
    l.lastDrawAt = l.lastTickAt;
    l.drawnVersion = poseStore.version();
    frameGate.requested = false;
    linkStats.noteFrame();
  }, 1);

  return null;
}
