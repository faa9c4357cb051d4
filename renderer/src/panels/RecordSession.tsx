import { useEffect, useState } from 'react';
import type { RemoteRecordingAnswer } from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { sendOperatorEvent, startSession, stopSession, useSessionStore } from '../stores/session-store';
import { diskLine, LOSS_HEADERS, lossCells } from './recording-health';

/** Motive splits its command arguments on commas, and control characters have no place in a file name. */
const BAD_NAME = /[,\u0000-\u001f]/;

/** Hotkeys: 1–9 (outside a text field) send "marker N" to every device and into the recording. */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

function formatBytes(n: number): string {
  return n >= 1e9
    ? `${(n / 1e9).toFixed(2)} GB`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)} MB`
      : `${(n / 1e3).toFixed(0)} kB`;
}

function answerText(a: RemoteRecordingAnswer): string {
  return `${a.outcome}${a.reason ? `: ${a.reason}` : ''}`;
}

/** The one Record button for the whole lab, the devices' answers, and operator events. */
export function RecordSession() {
  const session = useSessionStore((s) => s.session);
  const pending = useSessionStore((s) => s.pending);
  const devices = useAppStore((s) => s.devices);
  const [name, setName] = useState('');
  const [operator, setOperator] = useState('');
  const [eventText, setEventText] = useState('');
  const [, tick] = useState(0);
  const active = session?.active === true;
  const nameInvalid = BAD_NAME.test(name);

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [active]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key >= '1' && e.key <= '9') void sendOperatorEvent(`marker ${e.key}`, 'hotkey');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const elapsedS = active && session?.startedAtMs ? Math.max(0, (Date.now() - session.startedAtMs) / 1000) : 0;
  const labelOf = (id: string): string => devices.find((d) => d.id === id)?.label ?? id;
  const deviceState = (id: string): string => {
    const r = devices.find((d) => d.id === id)?.recording;
    return r === null || r === undefined ? 'unknown' : r ? 'recording' : 'stopped';
  };
  const sendEvent = (): void => {
    const text = eventText.trim();
    if (!text) return;
    void sendOperatorEvent(text, 'text field');
    setEventText('');
  };

  return (
    <div className="session" data-testid="session">
      <div className="recording-controls">
        <input
          type="text"
          placeholder="session name (optional)"
          value={name}
          maxLength={200}
          disabled={active || pending !== null}
          aria-invalid={nameInvalid}
          onChange={(e) => setName(e.target.value)}
          data-testid="session-name"
        />
        <input
          type="text"
          placeholder="operator"
          value={operator}
          maxLength={200}
          disabled={active || pending !== null}
          onChange={(e) => setOperator(e.target.value)}
          data-testid="session-operator"
        />
      </div>
      <div className="recording-head">
        {active ? (
          <button
            type="button"
            className="btn-stop"
            disabled={pending !== null}
            onClick={() => void stopSession()}
            data-testid="session-stop"
          >
            ■ Stop all
          </button>
        ) : (
          <button
            type="button"
            className="btn-record"
            disabled={pending !== null || nameInvalid}
            onClick={() => void startSession(name, operator)}
            data-testid="session-record"
          >
            ● Record all
          </button>
        )}
        <span className="session-status" data-testid="session-status" data-active={String(active)}>
          {pending
            ? `${pending}…`
            : active
              ? `${session?.name ?? ''} · ${elapsedS.toFixed(0)} s · ${session?.messages ?? 0} msgs · ${formatBytes(session?.bytes ?? 0)}${session?.lost ? ` · lost ${session.lost}` : ''}`
              : session?.folder
                ? `saved in ${session.folder}`
                : 'not recording'}
        </span>
      </div>
      {active && session?.disk ? (
        <div
          className={session.disk.low ? 'session-disk field-error' : 'session-disk'}
          data-testid="session-disk"
          data-low={String(session.disk.low)}
        >
          {diskLine(session.disk)}
        </div>
      ) : null}
      {active && session && Object.keys(session.deviceLosses).length > 0 ? (
        <table className="session-losses" data-testid="session-losses">
          <thead>
            <tr>
              <th>lost while recording</th>
              {LOSS_HEADERS.map((h) => (
                <th key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Object.entries(session.deviceLosses).map(([id, l]) => (
              <tr key={id} data-testid={`session-losses-${id}`}>
                <td>{labelOf(id)}</td>
                {lossCells(l).map((v, i) => (
                  <td key={LOSS_HEADERS[i]} className={v !== '0' && v !== 'n/a' ? 'loss-nonzero' : undefined}>
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {session?.error ? (
        <div className="field-error" data-testid="session-error">
          {session.error}
        </div>
      ) : null}
      {nameInvalid ? <div className="field-error">Names may not contain commas or control characters.</div> : null}
      {session && session.remote.length > 0 ? (
        <ul className="session-answers" data-testid="session-answers">
          {session.remote.map((a) => (
            <li key={a.deviceId} data-testid={`session-answer-${a.deviceId}`} data-outcome={a.outcome}>
              <span className="recording-device">{labelOf(a.deviceId)}</span>
              <span className={`answer answer-${a.outcome.replace(' ', '-')}`}>{answerText(a)}</span>
              <span className="answer-state">device: {deviceState(a.deviceId)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="recording-controls">
        <input
          type="text"
          placeholder="event (Enter sends; keys 1–9 send marker N)"
          value={eventText}
          maxLength={500}
          onChange={(e) => setEventText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') sendEvent();
          }}
          data-testid="event-text"
        />
        <button type="button" onClick={sendEvent} disabled={!eventText.trim()} data-testid="event-send">
          Send
        </button>
      </div>
      {session?.lastEvent ? (
        <div className="session-last-event" data-testid="session-last-event">
          last event: {session.lastEvent.text}
          {session.lastEvent.answers.length > 0
            ? ` (${session.lastEvent.answers.map((a) => `${a.deviceId}: ${a.result}`).join(', ')})`
            : ' (recording only)'}
        </div>
      ) : null}
    </div>
  );
}
