import type { LinkConnection } from '../bridge';
import { ThemeSwitch } from '../layout/ThemeSwitch';
import { resetLayout } from '../stores/layout-store';
import { useAppStore } from '../stores/app-store';
import { useNow } from './use-now';

export function Header(props: { onHelp?(): void } = {}) {
  const transport = useAppStore((s) => s.transport);
  const connection = useAppStore((s) => s.connection);
  const devices = useAppStore((s) => s.devices);
  const demo = devices.length > 0 && devices.every((d) => d.simulated);
  const recording = useAppStore((s) => s.devices.some((d) => (s.streamRecording[d.handle] ?? d.recording) === true));
  return (
    <header className="app-header">
      <h1 className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Sightline
      </h1>
      {demo ? (
        <span className="badge badge-demo" data-testid="demo-badge" title="Every device is a built-in simulator">
          DEMO
        </span>
      ) : null}
      {recording ? (
        <span className="badge badge-rec" data-testid="header-recording">
          ● REC
        </span>
      ) : null}
      <div className="header-spacer" />
      <span className="header-item" data-testid="header-transport">
        {transport === 'electron' ? 'desktop link' : transport === 'websocket' ? 'WebSocket link' : '—'}
      </span>
      <ConnectionPill connection={connection} />
      <ThemeSwitch />
      <button
        type="button"
        className="header-help"
        onClick={resetLayout}
        data-testid="reset-layout"
        title="Show every panel in the default order and sizes"
      >
        Reset layout
      </button>
      {props.onHelp ? (
        <button
          type="button"
          className="header-help"
          onClick={props.onHelp}
          data-testid="help-button"
          title="Keyboard shortcuts (?)"
        >
          ? Shortcuts
        </button>
      ) : null}
    </header>
  );
}

function ConnectionPill({ connection }: { connection: LinkConnection }) {
  const now = useNow(200);
  const tone = connection.state === 'open' ? 'ok' : 'pending';
  let text = 'connected';
  if (connection.state === 'connecting')
    text = connection.attempt > 1 ? `connecting (attempt ${connection.attempt})` : 'connecting…';
  if (connection.state === 'reconnecting') {
    const seconds = Math.max(0, ((connection.retryAt ?? now) - now) / 1000);
    text = `link lost — retrying in ${seconds.toFixed(1)} s`;
  }
  return (
    <span
      className={`state-badge tone-${tone}`}
      data-testid="link-state"
      data-state={connection.state}
      title={connection.lastError ?? undefined}
    >
      <span className="dot" />
      {text}
    </span>
  );
}
