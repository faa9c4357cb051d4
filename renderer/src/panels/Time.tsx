import { useRef } from 'react';
import type { DeviceSnapshot } from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { clockJump, type ClockReading } from '../../../preload/shared/clock-jump';
import { DASH, formatClockSync } from './format';
import { Panel } from './Panel';

interface Jump {
  ms: number;
  atMs: number;
}

/** How each device's clock lines up with the host: offset, uncertainty, drift and its baseline, jumps. */
export function Time() {
  const devices = useAppStore((s) => s.devices);
  const synced = devices.filter((d) => d.health.clockOffsetMs !== null);
  const last = useRef(new Map<string, ClockReading>());
  const jumps = useRef(new Map<string, Jump[]>());
  const now = Date.now();
  for (const d of synced) {
    const h = d.health;
    const reading: ClockReading = {
      offsetMs: h.clockOffsetMs!,
      uncertaintyMs: h.clockUncertaintyMs ?? 0,
      driftPpm: h.clockDriftPpm ?? 0,
      atMs: now,
    };
    const previous = last.current.get(d.id);
    if (previous && previous.offsetMs !== reading.offsetMs) {
      const jump = clockJump(previous, reading);
      if (jump !== null)
        jumps.current.set(d.id, [...(jumps.current.get(d.id) ?? []), { ms: jump, atMs: now }].slice(-5));
    }
    if (!previous || previous.offsetMs !== reading.offsetMs) last.current.set(d.id, reading);
  }
  return (
    <Panel title="Time" testId="time-panel">
      {synced.length === 0 ? <p className="empty">No device clock is synced yet.</p> : null}
      {synced.map((d) => (
        <TimeRow key={d.id} device={d} jumps={jumps.current.get(d.id) ?? []} />
      ))}
    </Panel>
  );
}

function formatOffset(ms: number): string {
  // Device clocks count from their own epoch: the offset is large; seconds with µs resolution read best.
  return `${(ms / 1000).toLocaleString('en-US', { minimumFractionDigits: 6, maximumFractionDigits: 6 })} s`;
}

function formatDrift(ppm: number | null, baselineS: number | null): string {
  if (ppm === null || !baselineS) return 'fitting…';
  const over = baselineS >= 120 ? `${(baselineS / 60).toFixed(0)} min` : `${baselineS.toFixed(0)} s`;
  return `${ppm >= 0 ? '+' : ''}${ppm.toFixed(1)} ppm (over ${over})`;
}

function TimeRow({ device, jumps }: { device: DeviceSnapshot; jumps: Jump[] }) {
  const h = device.health;
  const latest = jumps.at(-1);
  return (
    <div className="recording-row" data-testid={`time-row-${device.id}`}>
      <div className="recording-head">
        <span className="recording-device">{device.label}</span>
      </div>
      <div className="metrics">
        <div className="metric metric-wide">
          <span className="metric-label">offset to host</span>
          <span className="metric-value" data-testid={`time-offset-${device.id}`} data-value={h.clockOffsetMs ?? ''}>
            {h.clockOffsetMs === null ? DASH : formatOffset(h.clockOffsetMs)}
          </span>
        </div>
        <div className="metric">
          <span className="metric-label">uncertainty</span>
          <span className="metric-value" data-testid={`time-uncertainty-${device.id}`}>
            {formatClockSync(h.clockUncertaintyMs)}
          </span>
        </div>
        <div className="metric">
          <span className="metric-label">drift</span>
          <span className="metric-value" data-testid={`time-drift-${device.id}`} data-value={h.clockDriftPpm ?? ''}>
            {formatDrift(h.clockDriftPpm, h.clockDriftBaselineS)}
          </span>
        </div>
      </div>
      {latest ? (
        <div className="field-error" data-testid={`time-jump-${device.id}`}>
          Clock jumped by {latest.ms >= 0 ? '+' : ''}
          {latest.ms.toFixed(1)} ms at {new Date(latest.atMs).toLocaleTimeString()}
          {jumps.length > 1 ? ` (${jumps.length} jumps)` : ''}: recorded times around it are less certain.
        </div>
      ) : null}
    </div>
  );
}
