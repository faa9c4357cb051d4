import type { DeviceSnapshot, TeleportStatus } from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { DASH, formatAge, formatCount, formatHz, formatMs } from './format';
import { Metric } from './Metric';
import { Panel } from './Panel';

/**
 * Teleport servers: which answered discovery, the session's Setup (every field, with units), the
 * ENet link (RTT, loss, bytes per channel, time since the last packet) and the node table. The nodes
 * themselves are drawn in the 3D view, where each device can be hidden.
 */
export function TeleportPanel() {
  const devices = useAppStore((s) => s.devices);
  const teleport = devices.filter((d) => d.kind === 'teleport');
  if (teleport.length === 0) return null;
  return (
    <Panel title="Teleport" testId="teleport-panel">
      {teleport.map((device) => (
        <TeleportDevice key={device.id} device={device} />
      ))}
    </Panel>
  );
}

/**
 * A Teleport client's detail is its panel status (main/protocols/teleport/panel-status.ts). The panel
 * reads lists and tables from it, so anything else (another build's shape) shows as no session.
 */
function teleportDetail(detail: unknown): TeleportStatus | undefined {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const t = detail as Partial<Record<keyof TeleportStatus, unknown>>;
  const ok =
    Array.isArray(t.servers) &&
    Array.isArray(t.nodes) &&
    (t.setup === null || Array.isArray(t.setup)) &&
    (t.link === null || typeof t.link === 'object');
  return ok ? (detail as TeleportStatus) : undefined;
}

function TeleportDevice({ device }: { device: DeviceSnapshot }) {
  const t = teleportDetail(device.detail);
  const id = device.id;
  return (
    <div className="teleport-device" data-testid={`teleport-device-${id}`}>
      <div className="inputs-head">
        <span className="inputs-label">{device.label}</span>
        <span className="teleport-variant" data-testid={`teleport-variant-${id}`}>
          {t?.variant ? `2022 ${t.variant === '2022a' ? '(vtable prefix)' : '(no prefix)'}` : device.health.state}
        </span>
      </div>
      {!t ? <p className="empty">No session yet.</p> : <TeleportSession id={id} t={t} />}
    </div>
  );
}

function TeleportSession({ id, t }: { id: string; t: TeleportStatus }) {
  const link = t.link;
  return (
    <>
      <h3 className="teleport-heading">Servers</h3>
      <ul className="teleport-servers" data-testid={`teleport-servers-${id}`}>
        {t.servers.map((s) => (
          <li key={`${s.address}:${s.servicePort}`}>
            {s.address} · ENet port {s.servicePort} · answered in {formatMs(s.replyMs)}
          </li>
        ))}
        {t.clientId ? <li className="teleport-dim">our client id {t.clientId}</li> : null}
      </ul>
      <h3 className="teleport-heading">ENet link</h3>
      {link ? (
        <div className="metrics">
          <Metric
            label="RTT"
            text={`${formatMs(link.rttMs, 0)} ± ${link.rttVarianceMs}`}
            value={link.rttMs}
            testId={`teleport-rtt-${id}`}
          />
          <Metric
            label="loss"
            text={`${(link.packetLoss * 100).toFixed(1)} %`}
            value={link.packetLoss}
            tone={link.packetLoss > 0.05 ? 'warn' : undefined}
          />
          <Metric label="retransmits" text={formatCount(link.retransmits)} value={link.retransmits} />
          <Metric
            label="last packet"
            text={formatAge(link.sinceLastReceiveMs)}
            value={link.sinceLastReceiveMs}
            testId={`teleport-last-${id}`}
          />
          <Metric label="in / out" text={`${formatBytes(link.bytesIn)} / ${formatBytes(link.bytesOut)}`} wide />
        </div>
      ) : (
        <p className="empty">Not connected.</p>
      )}
      {link ? (
        <table className="teleport-table" data-testid={`teleport-channels-${id}`}>
          <thead>
            <tr>
              <th>channel</th>
              <th>in</th>
              <th>out</th>
            </tr>
          </thead>
          <tbody>
            {link.channels.map((c, i) => (
              <tr key={i}>
                <td>
                  {i} {c.name}
                </td>
                <td>{formatBytes(c.bytesIn)}</td>
                <td>{formatBytes(c.bytesOut)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <details className="teleport-setup" data-testid={`teleport-setup-${id}`}>
        <summary>Setup {t.setup ? `(${t.setup.length} fields)` : '(not received)'}</summary>
        {t.setup ? (
          <table className="teleport-table">
            <tbody>
              {t.setup.map((row) => (
                <tr key={row.label}>
                  <th>{row.label}</th>
                  <td>{row.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </details>
      <h3 className="teleport-heading">
        Nodes <span className="teleport-dim">{t.nodeCount}</span>
        {t.shutdownReceived ? <span className="teleport-shutdown"> · server sent Shutdown</span> : null}
        {t.origin ? <span className="teleport-dim"> · origin {t.origin}</span> : null}
      </h3>
      <table className="teleport-table" data-testid={`teleport-nodes-${id}`}>
        <thead>
          <tr>
            <th>uid</th>
            <th>state</th>
            <th>rate</th>
            <th>position (m)</th>
            <th>age</th>
          </tr>
        </thead>
        <tbody>
          {t.nodes.map((n) => (
            <tr key={n.uid} data-testid={`teleport-node-${id}-${n.uid}`} data-visible={n.visible}>
              <td>{n.uid}</td>
              <td>{n.visible ? (n.enabled ? 'visible' : 'disabled') : 'hidden'}</td>
              <td>{n.updates > 0 ? formatHz(n.rateHz) : DASH}</td>
              <td>{n.position ? n.position.map((v) => v.toFixed(3)).join(', ') : DASH}</td>
              <td>{formatAge(n.ageMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
