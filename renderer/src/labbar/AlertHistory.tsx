/** The alert history with its times, in a modal dialog (native: Esc closes, Tab stays inside). */
import { useEffect, useRef } from 'react';
import { isOpenAlert, type AlertRecord } from '../../../preload/api';
import { acceptRate, acknowledgeAlert } from '../stores/alert-actions';
import { useAppStore } from '../stores/app-store';
import { useDashboardStore } from '../stores/dashboard-store';

const NONE: AlertRecord[] = [];

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

function ended(a: AlertRecord): string {
  if (a.endedAtMs === null) return 'lasting';
  return `${a.ending === 'accepted' ? 'rate accepted' : 'cleared'} ${clock(a.endedAtMs)}`;
}

export function AlertHistory(props: { onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const records = useDashboardStore((s) => s.dashboard?.alertHistory) ?? NONE;
  const labels = new Map(useAppStore((s) => s.devices).map((d) => [d.id, d.label]));
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="alert-history"
      aria-labelledby="alert-history-title"
      data-testid="alert-history"
      onClose={props.onClose}
    >
      <div className="panel-header">
        <h2 id="alert-history-title">Alert history</h2>
        <button type="button" onClick={() => ref.current?.close()} data-testid="alert-history-close">
          Close (Esc)
        </button>
      </div>
      {records.length === 0 ? (
        <p className="empty">No alerts since the app started.</p>
      ) : (
        <table className="alert-history-table">
          <thead>
            <tr>
              <th scope="col">Began</th>
              <th scope="col">Device</th>
              <th scope="col">Alert</th>
              <th scope="col">Acknowledged</th>
              <th scope="col">Ended</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {records.map((a) => (
              <tr key={a.id} data-testid={`alert-record-${a.id}`} data-rule={a.rule}>
                <td>{clock(a.atMs)}</td>
                <td>{labels.get(a.deviceId) ?? a.deviceId}</td>
                <td>{a.message}</td>
                <td>{a.acknowledgedAtMs === undefined ? '—' : clock(a.acknowledgedAtMs)}</td>
                <td>{ended(a)}</td>
                <td>
                  {a.endedAtMs === null && isOpenAlert(a) ? (
                    <button type="button" onClick={() => void acknowledgeAlert(a.id)}>
                      Acknowledge
                    </button>
                  ) : null}
                  {a.endedAtMs === null && a.rule === 'low-rate' ? (
                    <button type="button" onClick={() => void acceptRate(a.deviceId)}>
                      Accept rate
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </dialog>
  );
}
