/**
 * The lab bar: always at the top, one chip per device (kind, name, state in words and icon, rate
 * against expected, age of the last sample, a recording dot, open alerts), and the summary beside
 * it. A chip opens that device's card. Chips wrap instead of scrolling, so every device's state is
 * on screen at once.
 */
import { useState } from 'react';
import { isOpenAlert } from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { useDashboardStore } from '../stores/dashboard-store';
import { useSessionStore } from '../stores/session-store';
import { useNow } from '../panels/use-now';
import { AlertHistory } from './AlertHistory';
import { PreferencesDialog } from './PreferencesDialog';
import { chipModel, labSummary, type ChipModel, type LabSession } from './lab-bar-model';
import { openDeviceCard } from './reveal';

/**
 * The recorder reports free space as time left (a field another branch adds to the session state):
 * read defensively here, so the summary shows it as soon as it exists.
 */
function diskSecondsLeft(session: unknown): number | null {
  const s = session as { diskSecondsLeft?: unknown; disk?: { secondsLeft?: unknown } } | null;
  const v = s?.diskSecondsLeft ?? s?.disk?.secondsLeft;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function LabBar() {
  const devices = useAppStore((s) => s.devices);
  const streamRecording = useAppStore((s) => s.streamRecording);
  const dashboard = useDashboardStore((s) => s.dashboard);
  const session = useSessionStore((s) => s.session);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [prefsOpen, setPrefsOpen] = useState(false);
  useNow(1000);
  const alerts = dashboard?.alerts ?? [];
  const history = new Map((dashboard?.history ?? []).map((h) => [h.deviceId, h]));
  const recording = session?.active ?? dashboard?.session?.recording ?? false;
  const lab: LabSession = {
    recording,
    startedAtMs: session?.startedAtMs ?? dashboard?.session?.startedAtMs ?? null,
    diskSecondsLeft: diskSecondsLeft(session),
  };
  const open = alerts.filter(isOpenAlert).length;
  return (
    <nav className="lab-bar" aria-label="Lab bar" data-testid="lab-bar">
      <ul className="lab-chips" aria-label="Devices at a glance">
        {devices.map((d) => (
          <li key={d.id}>
            <Chip
              chip={chipModel(
                { ...d, recording: streamRecording[d.handle] ?? d.recording },
                history.get(d.id) ?? null,
                alerts,
              )}
            />
          </li>
        ))}
        {devices.length === 0 ? <li className="lab-empty">no devices</li> : null}
      </ul>
      <p className="lab-summary" data-testid="lab-summary" aria-live="polite">
        {lab.recording ? <span className="lab-rec-dot" aria-hidden="true" /> : null}
        {labSummary(devices, lab, Date.now())}
      </p>
      <button
        type="button"
        className={`lab-alerts${open > 0 ? ' has-open' : ''}`}
        data-testid="lab-alerts"
        aria-label={`Alert history: ${open} open`}
        onClick={() => setHistoryOpen(true)}
      >
        <span aria-hidden="true">⚠</span> {open}
      </button>
      <button
        type="button"
        className="lab-alerts"
        data-testid="preferences-open"
        onClick={() => setPrefsOpen(true)}
        aria-label="Preferences"
        title="Preferences"
      >
        <span aria-hidden="true">⚙</span>
      </button>
      {historyOpen ? <AlertHistory onClose={() => setHistoryOpen(false)} /> : null}
      {prefsOpen ? <PreferencesDialog onClose={() => setPrefsOpen(false)} /> : null}
    </nav>
  );
}

function Chip({ chip }: { chip: ChipModel }) {
  return (
    <button
      type="button"
      className={`lab-chip tone-border-${chip.state.tone}`}
      data-testid={`lab-chip-${chip.deviceId}`}
      data-state={chip.state.key}
      title={`${chip.description}. Opens the device's card.`}
      onClick={() => openDeviceCard(chip.deviceId)}
    >
      <span className="chip-kind" aria-hidden="true">
        {chip.kind.icon}
      </span>
      <span className="visually-hidden">{chip.kind.name} </span>
      <span className="chip-name">{chip.name}</span>
      <span className={`chip-state tone-${chip.state.tone}`} data-testid={`lab-chip-state-${chip.deviceId}`}>
        <span aria-hidden="true">{chip.state.icon}</span> {chip.state.text}
      </span>
      <span className={`chip-rate${chip.rateLow ? ' low' : ''}`}>{chip.rate}</span>
      <span className="chip-age">
        <span className="visually-hidden">last sample </span>
        {chip.age}
      </span>
      {chip.recording ? (
        <span className="chip-rec" title="recording">
          <span className="visually-hidden">recording</span>
        </span>
      ) : null}
      {chip.openAlerts > 0 ? (
        <span className="chip-alerts" data-testid={`lab-chip-alerts-${chip.deviceId}`}>
          <span aria-hidden="true">⚠</span>
          {chip.openAlerts}
          <span className="visually-hidden"> open alerts</span>
        </span>
      ) : null}
    </button>
  );
}
