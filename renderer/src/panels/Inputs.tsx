import type { DeviceSnapshot, InputDeviceState } from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { setTransform } from '../stores/device-actions';
import { Panel } from './Panel';

/**
 * VRPN devices: the room → scene transform of each, and the live state of its input devices (buttons,
 * analog channels, dials), from the low-rate inputs events (never per sample).
 */
export function InputsPanel() {
  const devices = useAppStore((s) => s.devices);
  const vrpn = devices.filter((d) => d.kind === 'vrpn');
  if (vrpn.length === 0) return null;
  return (
    <Panel title="VRPN" testId="vrpn-panel">
      {vrpn.map((device) => (
        <VrpnDevice key={device.id} device={device} />
      ))}
    </Panel>
  );
}

function VrpnDevice({ device }: { device: DeviceSnapshot }) {
  const inputs = useAppStore((s) => s.inputs[device.handle]);
  const transform = device.capabilities.transform;
  return (
    <div className="inputs-device" data-testid={`vrpn-device-${device.id}`}>
      <div className="inputs-head">
        <span className="inputs-label">{device.label}</span>
        {transform ? (
          <label className="inputs-transform" title="Which axis points up in the VRPN server's room">
            room
            <select
              value={transform.up}
              data-testid={`vrpn-up-${device.id}`}
              onChange={(e) => void setTransform(device.id, { ...transform, up: e.target.value === 'z' ? 'z' : 'y' })}
            >
              <option value="y">Y up</option>
              <option value="z">Z up</option>
            </select>
          </label>
        ) : null}
      </div>
      {!inputs || inputs.length === 0 ? <p className="empty">No buttons, analogs or dials reported yet.</p> : null}
      {inputs?.map((input) => (
        <InputDevice key={input.name} deviceId={device.id} input={input} />
      ))}
    </div>
  );
}

function InputDevice({ deviceId, input }: { deviceId: string; input: InputDeviceState }) {
  const prefix = `vrpn-${deviceId}-${input.name}`;
  return (
    <div className="input-block" data-testid={prefix}>
      <span className="input-name">{input.name}</span>
      {input.buttons.length > 0 ? (
        <div className="input-buttons">
          {input.buttons.map((state, i) => (
            <span
              key={i}
              className={state ? 'input-button pressed' : 'input-button'}
              title={`button ${i}: ${input.presses[i] ?? 0} presses`}
              data-testid={`${prefix}-button-${i}`}
              data-pressed={state}
              data-presses={input.presses[i] ?? 0}
            >
              {i}
            </span>
          ))}
        </div>
      ) : null}
      {input.analog.map((value, i) => (
        <div key={i} className="input-analog" data-testid={`${prefix}-analog-${i}`} data-value={value}>
          <span className="input-analog-label">ch {i}</span>
          <span className="input-analog-bar">
            <span
              className="input-analog-fill"
              style={{
                width: `${Math.min(100, Math.abs(value) * 50)}%`,
                left: value < 0 ? `${50 - Math.min(50, Math.abs(value) * 50)}%` : '50%',
              }}
            />
          </span>
          <span className="input-analog-value">{value.toFixed(3)}</span>
        </div>
      ))}
      {input.dials.map((turns, i) => (
        <div key={i} className="input-dial" data-testid={`${prefix}-dial-${i}`} data-value={turns}>
          dial {i}: {turns.toFixed(2)} rev
        </div>
      ))}
    </div>
  );
}
