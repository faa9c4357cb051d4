import { useState } from 'react';
import type { DeviceSnapshot } from '../../../../preload/api';
import { recordingCommand, sendDeviceEvent, type DeviceReply, type RecordingAction } from '../../stores/device-answers';

const BAD_EVENT_NAME = /[\u0000-\u001f]/;

/** Start / Stop & Save / Cancel and an event, each with the device's answer shown beneath. */
export function PhoneControls({ device }: { device: DeviceSnapshot }) {
  const id = device.id;
  const [busy, setBusy] = useState<string | null>(null);
  const [reply, setReply] = useState<(DeviceReply & { what: string }) | null>(null);
  const [eventName, setEventName] = useState('');
  const running = device.deviceState?.recording?.running ?? device.recording ?? false;
  const eventInvalid = BAD_EVENT_NAME.test(eventName);

  async function run(what: string, send: () => Promise<DeviceReply>): Promise<void> {
    setBusy(what);
    try {
      setReply({ ...(await send()), what });
    } finally {
      setBusy(null);
    }
  }
  const recording = (action: RecordingAction, what: string) => () => void run(what, () => recordingCommand(id, action));

  return (
    <div className="phone-controls">
      {device.capabilities.recording ? (
        <div className="phone-buttons">
          <button
            type="button"
            className="btn-record"
            disabled={busy !== null || running}
            onClick={recording('start', 'Start')}
            data-testid={`phone-start-${id}`}
          >
            ● Start
          </button>
          {/* The phone decides: a stop or cancel it cannot do comes back with its reason, shown below. */}
          <button
            type="button"
            disabled={busy !== null}
            onClick={recording('stopAndSave', 'Stop & Save')}
            data-testid={`phone-stop-${id}`}
          >
            ■ Stop &amp; Save
          </button>
          {device.capabilities.cancelRecording ? (
            <button
              type="button"
              disabled={busy !== null}
              onClick={recording('cancel', 'Cancel')}
              data-testid={`phone-cancel-${id}`}
            >
              Cancel
            </button>
          ) : null}
        </div>
      ) : null}
      {device.capabilities.events ? (
        <form
          className="recording-controls"
          onSubmit={(e) => {
            e.preventDefault();
            const name = eventName.trim();
            if (name && !eventInvalid) void run('Event', () => sendDeviceEvent(id, name));
          }}
        >
          <input
            type="text"
            placeholder="event name"
            value={eventName}
            maxLength={256}
            onChange={(e) => setEventName(e.target.value)}
            aria-invalid={eventInvalid}
            data-testid={`phone-event-name-${id}`}
          />
          <button
            type="submit"
            disabled={busy !== null || eventName.trim() === '' || eventInvalid}
            data-testid={`phone-event-${id}`}
          >
            Event
          </button>
        </form>
      ) : null}
      {busy ? (
        <div className="phone-reply phone-reply-pending">{busy}: waiting for the device…</div>
      ) : reply ? (
        <div
          className={`phone-reply ${reply.ok ? 'phone-reply-ok' : 'phone-reply-bad'}`}
          data-testid={`phone-reply-${id}`}
          data-ok={String(reply.ok)}
        >
          {reply.what}: {reply.text}
        </div>
      ) : null}
    </div>
  );
}
