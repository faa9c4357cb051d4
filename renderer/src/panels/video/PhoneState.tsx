import type { DeviceState } from '../../../../preload/api';
import { useNow } from '../use-now';
import { formatBytes, formatDuration, levelClass } from './device-format';

/** Battery, storage, sensors, hardware and the recording timer, as the phone reports them. */
export function PhoneState({ deviceId, state }: { deviceId: string; state: DeviceState | undefined }) {
  if (!state) return <div className="phone-state empty">The device has not reported its state yet.</div>;
  return (
    <div className="phone-state" data-testid={`phone-state-${deviceId}`}>
      <div className="phone-figures">
        {state.battery ? (
          <span className={`phone-figure level-${levelClass(state.battery.state)}`} data-testid="phone-battery">
            battery {Math.round(state.battery.percent)} %
          </span>
        ) : null}
        {state.storage ? (
          <span className={`phone-figure level-${levelClass(state.storage.state)}`} data-testid="phone-storage">
            {formatBytes(state.storage.freeBytes)} free
          </span>
        ) : null}
        <RecordingTimer state={state} />
      </div>
      {state.sensors && state.sensors.length > 0 ? (
        <div className="phone-sensors">
          {state.sensors.map((s) => (
            <span
              key={s.name}
              className={`sensor ${s.error ? 'sensor-error' : s.connected ? 'sensor-on' : 'sensor-off'}`}
              title={s.error ? 'stream error' : s.connected ? 'connected' : 'not connected'}
              data-testid={`sensor-${s.name}`}
            >
              {s.name}
            </span>
          ))}
        </div>
      ) : null}
      {state.name || state.hardware ? (
        <div className="phone-hardware">{[state.name, state.hardware].filter(Boolean).join(' · ')}</div>
      ) : null}
      {state.lastEvent ? (
        <div className="phone-hardware">
          last event “{state.lastEvent.name}”{state.lastEvent.recordingId ? '' : ' (not recording: discarded)'}
        </div>
      ) : null}
      {state.template && state.template.items.length > 0 ? (
        <details className="phone-template">
          <summary>template: {state.template.name}</summary>
          <dl>
            {state.template.items.map((item, i) => (
              <div key={i}>
                <dt>
                  {item.label}
                  {item.required ? ' *' : ''}
                </dt>
                <dd>{item.answer || '—'}</dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}
    </div>
  );
}

/** Counts on locally from the phone's last reported duration, as the phone's own monitor does. */
function RecordingTimer({ state }: { state: DeviceState }) {
  const rec = state.recording;
  useNow(rec?.running ? 250 : 60_000);
  if (!rec) return null;
  const elapsed = rec.durationNs / 1e6 + (rec.running ? Math.max(0, Date.now() - rec.atHostMs) : 0);
  const cls = rec.running ? 'rec-timer rec-timer-on' : rec.action === 'ERROR' ? 'rec-timer level-bad' : 'rec-timer';
  return (
    <span className={cls} data-testid="phone-recording" data-action={rec.action} title={rec.message ?? rec.action}>
      {rec.running ? '● ' : ''}
      {rec.running ? formatDuration(elapsed) : rec.action.toLowerCase()}
      {rec.action === 'ERROR' && rec.message ? `: ${rec.message}` : ''}
    </span>
  );
}
