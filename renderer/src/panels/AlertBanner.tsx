import { isOpenAlert } from '../../../preload/api';
import { acceptRate, acknowledgeAlert } from '../stores/alert-actions';
import { useAppStore } from '../stores/app-store';
import { dismissAlert, useDashboardStore } from '../stores/dashboard-store';
import { formatDuration } from './device-summary';
import { useNow } from './use-now';

// Glyphs every system font has (DejaVu included): a missing glyph would leave only the colour.
const RULE_ICON = { lost: '✕', stale: '◌', 'low-rate': '↓', 'clock-jump': '↯' } as const;

/**
 * Open device alerts across the top of the page until they clear or the operator acknowledges them
 * (in main, so every window agrees); a low rate can also be accepted as the device's new norm.
 */
export function AlertBanner() {
  const dashboard = useDashboardStore((s) => s.dashboard);
  const dismissed = useDashboardStore((s) => s.dismissed);
  const linkOpen = useAppStore((s) => s.connection.state === 'open');
  useNow(1000);
  // Alert times are main's Unix ms; ages are approximate if the page runs on another machine.
  const now = Date.now();
  const alerts = (dashboard?.alerts ?? []).filter((a) => isOpenAlert(a) && !dismissed[a.id]);
  if (alerts.length === 0 || !linkOpen) return null;
  return (
    <div className="alert-banner" role="alert" aria-live="assertive" data-testid="alert-banner">
      <ul>
        {alerts.map((a) => (
          <li key={a.id} data-testid={`alert-${a.deviceId}-${a.rule}`} data-rule={a.rule}>
            <span className="alert-icon" aria-hidden="true">
              {RULE_ICON[a.rule]}
            </span>
            <span className="alert-rule">{a.rule.replace('-', ' ')}</span>
            <span className="alert-message">{a.message}</span>
            <span className="alert-age">for {formatDuration(now - a.atMs)}</span>
            {a.rule === 'low-rate' ? (
              <button
                type="button"
                onClick={() => void acceptRate(a.deviceId)}
                aria-label={`Accept the current rate as normal: ${a.message}`}
                data-testid={`accept-rate-${a.deviceId}`}
              >
                Accept rate
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => {
                dismissAlert(a.id);
                void acknowledgeAlert(a.id);
              }}
              aria-label={`Acknowledge: ${a.message}`}
            >
              Acknowledge
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
