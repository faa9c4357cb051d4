import { useState } from 'react';
import type { DeviceSnapshot } from '../../../preload/api';
import { recordingOf, useAppStore } from '../stores/app-store';
import { startRecording, stopRecording } from '../stores/device-actions';
import { Panel } from './Panel';
import { RecordSession } from './RecordSession';

/** Motive splits its command arguments on commas, and control characters have no place in a file name. */
const BAD_TAKE_NAME = /[,\u0000-\u001f]/;

export function Recording() {
  const devices = useAppStore((s) => s.devices);
  const recordable = devices.filter((d) => d.capabilities.recording);
  return (
    <Panel title="Recording" testId="recording-panel">
      <RecordSession />
      {recordable.length === 0 ? <p className="empty">No connected device can record.</p> : null}
      {recordable.map((device) => (
        <RecordingRow key={device.id} device={device} />
      ))}
    </Panel>
  );
}

function RecordingRow({ device }: { device: DeviceSnapshot }) {
  const id = device.id;
  const recording = useAppStore((s) => recordingOf(s, device));
  const request = useAppStore((s) => s.recordingRequests[id]);
  const [takeName, setTakeName] = useState('');
  const takeNameInvalid = BAD_TAKE_NAME.test(takeName);
  const busy = request !== undefined;
  const shownState = request ? `${request}…` : recording === null ? 'unknown' : recording ? 'recording' : 'stopped';

  return (
    <div className="recording-row" data-testid={`recording-row-${id}`}>
      <div className="recording-head">
        <span
          className={`rec-indicator${recording ? ' rec-on' : ''}`}
          data-testid={`recording-indicator-${id}`}
          data-recording={recording === null ? 'unknown' : String(recording)}
          data-request={request ?? ''}
        >
          <span className="rec-dot" />
          {shownState}
        </span>
        <span className="recording-device">{device.label}</span>
      </div>
      <div className="recording-controls">
        <input
          type="text"
          placeholder="take name (optional)"
          value={takeName}
          maxLength={200}
          onChange={(e) => setTakeName(e.target.value)}
          aria-invalid={takeNameInvalid}
          disabled={busy || recording === true}
          data-testid={`take-name-${id}`}
        />
        {recording ? (
          <button
            type="button"
            className="btn-stop"
            disabled={busy}
            onClick={() => void stopRecording(id)}
            data-testid={`stop-button-${id}`}
          >
            ■ Stop
          </button>
        ) : (
          <button
            type="button"
            className="btn-record"
            disabled={busy || takeNameInvalid}
            onClick={() => void startRecording(id, takeName.trim() || undefined)}
            data-testid={`record-button-${id}`}
          >
            ● Record
          </button>
        )}
      </div>
      {takeNameInvalid ? (
        <div className="field-error">Take names may not contain commas or control characters.</div>
      ) : null}
    </div>
  );
}
