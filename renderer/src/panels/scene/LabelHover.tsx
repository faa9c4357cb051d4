/**
 * The full name of the body under the pointer ("Motive (demo) / Wand"), for labels the layout hid
 * or shortened; follows the pointer over the 3D view.
 */
import { useEffect, useRef, useState } from 'react';
import { bodyName, useAppStore } from '../../stores/app-store';
import { bodyNear } from './label-declutter';

export function LabelHover() {
  const ref = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  useEffect(() => {
    const host = ref.current?.parentElement;
    if (!host) return;
    const onMove = (e: PointerEvent) => {
      const canvas = host.querySelector('canvas');
      if (!canvas || e.target !== canvas) return setHover(null);
      const r = canvas.getBoundingClientRect();
      const x = e.clientX - r.left;
      const y = e.clientY - r.top;
      const near = bodyNear(x, y);
      if (!near) return setHover(null);
      const state = useAppStore.getState();
      const device = state.devices.find((d) => d.handle === near.handle)?.label ?? `device ${near.handle}`;
      setHover({ x, y, text: `${device} / ${bodyName(state, near.handle, near.id)}` });
    };
    const onLeave = () => setHover(null);
    host.addEventListener('pointermove', onMove);
    host.addEventListener('pointerleave', onLeave);
    return () => {
      host.removeEventListener('pointermove', onMove);
      host.removeEventListener('pointerleave', onLeave);
    };
  }, []);
  return (
    <div ref={ref} className="label-hover-host" aria-hidden={hover ? undefined : true}>
      {hover ? (
        <div
          className="label-hover"
          role="tooltip"
          data-testid="label-hover"
          style={{ left: hover.x + 14, top: hover.y + 14 }}
        >
          {hover.text}
        </div>
      ) : null}
    </div>
  );
}
