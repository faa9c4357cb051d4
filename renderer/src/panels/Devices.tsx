import { useEffect, useState } from 'react';
import {
  deviceKindInfo,
  deviceRowState,
  type DeviceHealth,
  type DeviceSnapshot,
  type FoundDevice,
  type RateHistory,
  type SavedDevice,
} from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { connectDevice, disconnectDevice } from '../stores/device-actions';
import { useDashboardStore } from '../stores/dashboard-store';
import { addDevice, discoverDevices, removeDevice, renameDevice } from '../stores/device-list-actions';
import { DeviceForm, EMPTY_FORM } from './DeviceForm';
import { rateAgainstExpected, ROW_STATE_LOOK, summaryLine } from './device-summary';
import { DASH, formatAge, formatCount, formatClockSync } from './format';
import { Metric } from './Metric';
import { Panel } from './Panel';
import { Sparkline } from './Sparkline';
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
  const dashboard = useDashboardStore((s) => s.dashboard);
  const formRequest = useDashboardStore((s) => s.formRequest);
  const [form, setForm] = useState<{ deviceId?: string; initial: typeof EMPTY_FORM } | null>(null);
  useEffect(() => {
    if (formRequest > 0) setForm({ initial: EMPTY_FORM });
  }, [formRequest]);
  useNow(1000);
  const saved = new Map((dashboard?.saved ?? []).map((d) => [d.deviceId, d]));
  const history = new Map((dashboard?.history ?? []).map((h) => [h.deviceId, h]));
  const alerting = new Set((dashboard?.alerts ?? []).map((a) => a.deviceId));
  const edit = (entry: SavedDevice) =>
    setForm({
      deviceId: entry.deviceId,
      initial: {
        kind: entry.kind,
        name: entry.name ?? '',
        address: entry.address,
        expectedRateHz: entry.expectedRateHz === null ? '' : String(entry.expectedRateHz),
      },
    });
  return (
    <Panel title="Devices" aside={aside} testId="devices-panel" scroll>
      <p className="device-summary" data-testid="device-summary" aria-live="polite">
        {summaryLine(devices, dashboard?.session ?? null, Date.now())}
      </p>
      <div className="device-toolbar">
        <button type="button" onClick={() => setForm({ initial: EMPTY_FORM })} data-testid="add-device">
          Add device…
        </button>
        <button type="button" onClick={() => void discoverDevices()} data-testid="discover-devices">
          {dashboard?.searching ? 'Searching…' : 'Find devices'}
        </button>
      </div>
      {form ? (
        <DeviceForm
          key={form.deviceId ?? 'new'}
          deviceId={form.deviceId}
          initial={form.initial}
          onDone={() => setForm(null)}
        />
      ) : null}
      <FoundList found={dashboard?.found ?? []} searching={dashboard?.searching ?? false} />
      {devices.length === 0 ? (
        <p className="empty">No devices yet: add one, or pick one found on the network.</p>
      ) : null}
      <div className={linkOpen ? 'device-list' : 'device-list stale'}>
        {devices.map((device) => (
          <DeviceCard
            key={device.id}
            device={device}
            saved={saved.get(device.id) ?? null}
            history={history.get(device.id) ?? null}
            alerting={alerting.has(device.id)}
            onEdit={edit}
          />
        ))}
      </div>
      {dashboard?.deviceFile ? (
        <p className="device-file-note">
          Saved to <code>{dashboard.deviceFile}</code>
        </p>
      ) : null}
    </Panel>
  );
}

/** What main calls a kind (its registry, sent first on the link); the kind itself until then. */
function kindName(kind: string): string {
  return deviceKindInfo(kind)?.name ?? kind;
}

function FoundList({ found, searching }: { found: FoundDevice[]; searching: boolean }) {
  const [problem, setProblem] = useState<string | null>(null);
  if (found.length === 0 && !searching) return null;
  return (
    <section className="found-list" aria-label="Found on the network, not added" data-testid="found-list">
      <h3>
        Found, not added{' '}
        {searching ? (
          <span className="found-searching" data-testid="found-searching">
            ◎ searching…
          </span>
        ) : null}
      </h3>
      <ul>
        {found.map((f) => (
          <li key={`${f.kind}|${f.address}`} data-testid={`found-${f.kind}`} data-address={f.address}>
            <span className="device-kind">{kindName(f.kind)}</span>
            <span className="found-name">{f.name}</span>
            <code className="found-address">{f.address}</code>
            <span className="found-detail">{f.detail}</span>
            <button
              type="button"
              aria-label={`Add ${kindName(f.kind)} ${f.name} at ${f.address}`}
              onClick={() =>
                void addDevice({ kind: f.kind, name: f.name, address: f.address, expectedRateHz: '' }).then(setProblem)
              }
            >
              Add
            </button>
          </li>
        ))}
      </ul>
      {problem ? <p className="form-error">⚠ {problem}</p> : null}
    </section>
  );
}

/** States in which asking to connect makes sense; otherwise the Hub already is (or keeps) trying. */
const CONNECTABLE = new Set<DeviceHealth['state']>(['idle', 'closed']);

function DeviceCard(props: {
  device: DeviceSnapshot;
  saved: SavedDevice | null;
  history: RateHistory | null;
  alerting: boolean;
  onEdit: (entry: SavedDevice) => void;
}) {
  const { device, saved, history } = props;
  const h = device.health;
  const id = device.id;
  const row = deviceRowState(device.kind, h);
  const look = ROW_STATE_LOOK[row];
  const expected = history?.expectedHz ?? null;
  return (
    <article
      className={`device-card state-${h.state}${props.alerting ? ' alerting' : ''}`}
      data-testid={`device-card-${id}`}
      data-state={h.state}
      data-row-state={row}
      aria-label={`${device.label}: ${look.text}`}
    >
      <div className="device-title">
        <span className="device-label" title={device.label}>
          {device.label}
        </span>
        <span className={`row-state tone-${look.tone}`} data-testid={`device-row-state-${id}`} data-state={row}>
          <span className="row-state-icon" aria-hidden="true">
            {look.icon}
          </span>
          {look.text}
        </span>
        <StateBadge state={h.state} testId={`device-state-${id}`} />
      </div>
      <div className="device-sub">
        <span className="device-kind">{kindName(device.kind)}</span>
        {device.simulated ? <span className="badge badge-sim">simulated</span> : null}
        {saved ? (
          <code className="device-address" data-testid={`device-address-${id}`}>
            {saved.address}
          </code>
        ) : (
          <span className="badge">not in the device file</span>
        )}
        <span className="device-peer" title={device.peer ?? undefined}>
          {device.peer ?? 'peer not identified yet'}
        </span>
      </div>
      {history ? (
        <Sparkline
          ratesHz={history.ratesHz}
          expectedHz={expected}
          label={device.label}
          testId={`device-sparkline-${id}`}
        />
      ) : null}
      <div className="metrics">
        <Metric
          label={expected === null ? 'rate' : 'rate / expected'}
          text={rateAgainstExpected(h.sampleRateHz, expected)}
          value={h.sampleRateHz}
          testId={`device-rate-${id}`}
          tone={expected !== null && row === 'streaming' && h.sampleRateHz < 0.9 * expected ? 'bad' : undefined}
        />
        <Metric
          label="clock offset"
          text={formatOffset(h.clockOffsetMs, h.clockUncertaintyMs)}
          value={h.clockOffsetMs}
          testId={`device-offset-${id}`}
        />
        <Metric
          label="recording"
          text={device.recording === null ? DASH : device.recording ? '● recording' : 'not recording'}
          testId={`device-recording-${id}`}
        />
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
        <RowActions device={device} saved={saved} onEdit={props.onEdit} />
      </div>
    </article>
  );
}

/** Rename, edit and remove; remove asks once more in place (no modal dialog to trap the keyboard). */
function RowActions(props: { device: DeviceSnapshot; saved: SavedDevice | null; onEdit: (e: SavedDevice) => void }) {
  const { device, saved } = props;
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const id = device.id;
  if (renaming !== null) {
    return (
      <form
        className="rename-form"
        onSubmit={(e) => {
          e.preventDefault();
          void renameDevice(id, renaming).then((p) => {
            setProblem(p);
            if (p === null) setRenaming(null);
          });
        }}
      >
        <label htmlFor={`rename-${id}`}>New name</label>
        <input
          id={`rename-${id}`}
          value={renaming}
          onChange={(e) => setRenaming(e.target.value)}
          autoFocus
          maxLength={200}
          data-testid={`rename-input-${id}`}
        />
        <button type="submit">Rename</button>
        <button type="button" onClick={() => setRenaming(null)}>
          Cancel
        </button>
        {problem ? <span className="form-error">⚠ {problem}</span> : null}
      </form>
    );
  }
  return (
    <span className="device-actions">
      {saved ? (
        <>
          <button type="button" onClick={() => setRenaming(device.label)} data-testid={`rename-${id}`}>
            Rename
          </button>
          <button type="button" onClick={() => props.onEdit(saved)} data-testid={`edit-${id}`}>
            Edit
          </button>
        </>
      ) : null}
      {confirming ? (
        <>
          <button type="button" onClick={() => void removeDevice(id)} data-testid={`confirm-remove-${id}`} autoFocus>
            Remove {device.label}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} data-testid={`remove-${id}`}>
          Remove…
        </button>
      )}
    </span>
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

/**
 * Host − device offset. Devices that count from their own epoch (Motive's clock starts with the PC)
 * have offsets of years: the figure itself says nothing there, its uncertainty (and its jumps) do.
 */
function formatOffset(offsetMs: number | null, uncertaintyMs: number | null): string {
  if (offsetMs === null) return DASH;
  if (Math.abs(offsetMs) < 10_000) return `${offsetMs.toFixed(1)} ms`;
  return uncertaintyMs === null ? 'own epoch' : `own epoch ±${uncertaintyMs.toFixed(1)} ms`;
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
