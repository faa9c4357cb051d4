/**
 * Every numeric channel the page has, as a tree of checkboxes: per device its rate and clock
 * offset; per body position, rotation (Euler) and speed; gaze; VRPN analogs and dials. A checked
 * channel is a series of the selected plot.
 */
import type { ReactNode } from 'react';
import { useAppStore } from '../stores/app-store';
import { useSceneStore } from '../stores/scene-store';
import {
  channelId,
  DEVICE_QUANTITIES,
  GAZE_KINDS,
  GAZE_QUANTITIES,
  POSE_QUANTITIES,
  type Channel,
} from './plot-channels';
import { toggleChannel, usePlotsStore } from './plot-store';

const QUANTITY_TEXT: Record<string, string> = {
  x: 'x',
  y: 'y',
  z: 'z',
  roll: 'roll (°)',
  pitch: 'pitch (°)',
  yaw: 'yaw (°)',
  speed: 'speed',
  worn: 'worn',
  rate: 'rate',
  offset: 'clock offset',
};

export function ChannelTree() {
  const devices = useAppStore((s) => s.devices);
  const catalogs = useAppStore((s) => s.catalogs);
  const inputs = useAppStore((s) => s.inputs);
  const bodyIds = useSceneStore((s) => s.bodyIds);
  const selected = usePlotsStore((s) => s.selected);
  const plot = usePlotsStore((s) => s.plots.find((p) => p.id === s.selected));
  const on = new Set(plot?.channels ?? []);
  const box = (c: Channel, text: string) => {
    const id = channelId(c);
    return (
      <label key={id} className="channel">
        <input
          type="checkbox"
          checked={on.has(id)}
          onChange={() => toggleChannel(selected, id)}
          data-testid={`channel-${id}`}
        />
        {text}
      </label>
    );
  };
  return (
    <nav className="channel-tree" aria-label={`Channels for plot ${selected}`} data-testid="channel-tree">
      {devices.map((d) => {
        const bodies = bodyIds[d.handle] ?? [];
        const inputDevices = inputs[d.handle] ?? [];
        return (
          <Branch key={d.id} label={d.label} open={false}>
            <div className="channel-row">
              {DEVICE_QUANTITIES.map((q) => box({ kind: 'device', device: d.id, quantity: q }, QUANTITY_TEXT[q]!))}
            </div>
            {GAZE_KINDS.has(d.kind) ? (
              <div className="channel-row">
                <span className="channel-group">gaze</span>
                {GAZE_QUANTITIES.map((q) => box({ kind: 'gaze', device: d.id, quantity: q }, QUANTITY_TEXT[q]!))}
              </div>
            ) : null}
            {bodies.map((b) => (
              <Branch key={b} label={catalogs[d.handle]?.[b] ?? `Body ${b}`} open={false}>
                <div className="channel-row">
                  {POSE_QUANTITIES.map((q) =>
                    box({ kind: 'pose', device: d.id, body: b, quantity: q }, QUANTITY_TEXT[q]!),
                  )}
                </div>
              </Branch>
            ))}
            {inputDevices.map((input) => (
              <Branch key={input.name} label={input.name} open={false}>
                <div className="channel-row">
                  {input.analog.map((_, i) =>
                    box({ kind: 'input', device: d.id, input: input.name, type: 'analog', index: i }, `analog ${i}`),
                  )}
                  {input.dials.map((_, i) =>
                    box({ kind: 'input', device: d.id, input: input.name, type: 'dial', index: i }, `dial ${i}`),
                  )}
                </div>
              </Branch>
            ))}
          </Branch>
        );
      })}
    </nav>
  );
}

function Branch(props: { label: string; open: boolean; children: ReactNode }) {
  return (
    <details className="channel-branch" open={props.open}>
      <summary>{props.label}</summary>
      {props.children}
    </details>
  );
}
