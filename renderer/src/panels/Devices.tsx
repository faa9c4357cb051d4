import type { DeviceHealth, DeviceSnapshot } from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { connectDevice, disconnectDevice } from '../stores/device-actions';
import { DASH, formatAge, formatCount, formatHz, formatClockSync } from './format';
import { Metric } from './Metric';
import { Panel } from './Panel';
import { StateBadge } from './StateBadge';
import { useNow } from './use-now';

export function Devices() {
  const devices = useAppStore((s) => s.devices);
  const linkOpen = useAppStore((s) => s.connection.state === 'open');
  // Without the link these are the last states main sent: say so rather than show them as live.
  const aside = linkOpen ? (
    <span className="panel-count">{devices.length}</span>
  ) : (
    <span className="panel-stale-note">last known · link down</span>
  );
  return (
    <Panel title="Devices" aside={aside} testId="devices-panel" scroll>
      {devices.length === 0 ? <p className="empty">No devices configured.</p> : null}
      <div className={linkOpen ? 'device-list' : 'device-list stale'}>
        {devices.map((device) => (
          <DeviceCard key={device.id} device={device} />
        ))}
      </div>
    </Panel>
  );
}

/** States in which asking to connect makes sense; otherwise the Hub already is (or keeps) trying. */
const CONNECTABLE = new Set<DeviceHealth['state']>(['idle', 'closed']);

function DeviceCard({ device }: { device: DeviceSnapshot }) {
  const h = device.health;
  const id = device.id;
  return (
    <article className={`device-card state-${h.state}`} data-testid={`device-card-${id}`} data-state={h.state}>
      <div className="device-title">
        <span className="device-label" title={device.label}>
          {device.label}
        </span>
        <StateBadge state={h.state} testId={`device-state-${id}`} />
      </div>
      <div className="device-sub">
        <span className="device-kind">{device.kind}</span>
        {device.simulated ? <span className="badge badge-sim">simulated</span> : null}
        <span className="device-peer" title={device.peer ?? undefined}>
          {device.peer ?? 'peer not identified yet'}
        </span>
      </div>
      <div className="metrics">
        <Metric label="rate" text={formatHz(h.sampleRateHz)} value={h.sampleRateHz} testId={`device-rate-${id}`} />
        <Metric
          label="last sample"
          text={formatAge(h.lastSampleAgeMs)}
          value={h.lastSampleAgeMs}
          testId={`device-age-${id}`}
          tone={h.lastSampleAgeMs !== null && h.lastSampleAgeMs > 1000 ? 'bad' : undefined}
        />
        <Metric label="samples" text={formatCount(h.samples)} value={h.samples} testId={`device-samples-${id}`} />
        <Metric
          label="malformed"
          text={formatCount(h.malformed)}
          value={h.malformed}
          tone={h.malformed ? 'warn' : undefined}
        />
        <Metric label="dropped" text={formatCount(h.dropped)} value={h.dropped} tone={h.dropped ? 'warn' : undefined} />
        <Metric
          label="reconnects"
          text={formatCount(h.reconnects)}
          value={h.reconnects}
          tone={h.reconnects ? 'warn' : undefined}
        />
        <Metric
          label="clock sync"
          text={formatClockSync(h.clockUncertaintyMs)}
          value={h.clockUncertaintyMs}
          title={clockSyncTitle(h.clockOffsetMs, h.clockDriftPpm)}
        />
        <Metric
          label="latency sys / sw / transit"
          text={formatLatency(h.latency)}
          title="device-internal / device software / host receive − device transmit"
        />
      </div>
      <div className="device-footer">
        <DeviceProblem deviceId={id} health={h} />
        <ConnectButtons deviceId={id} state={h.state} />
      </div>
    </article>
  );
}

function ConnectButtons({ deviceId, state }: { deviceId: string; state: DeviceHealth['state'] }) {
  const connectable = CONNECTABLE.has(state);
  return (
    <span className="device-actions">
      <button
        type="button"
        onClick={() => void connectDevice(deviceId)}
        disabled={!connectable}
        data-testid={`connect-${deviceId}`}
      >
        Connect
      </button>
      <button
        type="button"
        onClick={() => void disconnectDevice(deviceId)}
        disabled={connectable}
        data-testid={`disconnect-${deviceId}`}
      >
        Disconnect
      </button>
    </span>
  );
}

function formatLatency(latency: DeviceHealth['latency']): string {
  if (!latency) return DASH;
  const part = (v: number | undefined): string => (v === undefined ? DASH : v.toFixed(1));
  return `${part(latency.systemMs)} / ${part(latency.softwareMs)} / ${part(latency.transitMs)} ms`;
}

/** The retry countdown is as of the snapshot's arrival; it ticks down between the ~2 Hz snapshots. */
function useSinceSnapshot(): number {
  const devicesAt = useAppStore((s) => s.devicesAt);
  return useNow(250) - devicesAt;
}

function DeviceProblem({ deviceId, health }: { deviceId: string; health: DeviceHealth }) {
  const elapsed = useSinceSnapshot();
  if (!health.lastError && health.nextRetryMs === null) return null;
  const retryIn = health.nextRetryMs === null ? null : Math.max(0, health.nextRetryMs - elapsed);
  return (
    <div className="device-problem" data-testid={`device-error-${deviceId}`}>
      {health.lastError ? <span className="device-error">{health.lastError}</span> : null}
      {retryIn !== null ? <span className="device-retry">retry in {(retryIn / 1000).toFixed(1)} s</span> : null}
    </div>
  );
}

/**
 * The drift is fitted over the last ~8 s of echoes, which resolves only about ±10 ppm: shown as an
 * estimate in the tooltip, never as a headline figure.
 */
function clockSyncTitle(offsetMs: number | null, driftPpm: number | null): string {
  const parts = ['± half the best echo round trip'];
  if (offsetMs !== null) parts.push(`offset host − device = ${offsetMs.toFixed(3)} ms`);
  if (driftPpm !== null)
    parts.push(
      `drift estimate ${driftPpm >= 0 ? '+' : '−'}${Math.abs(driftPpm).toFixed(0)} ppm (±10 ppm over the last seconds)`,
    );
  return parts.join('; ');
}
