import { useAppStore } from '../stores/app-store';
import { channelDevices } from './channel-rows';
import { Panel } from './Panel';

/**
 * Live numeric channels of every device that reports analog values without a panel of its own (an LSL
 * stream's channels, with their labels), from the low-rate inputs events: the current value of each,
 * with a bar on one scale per device.
 */
export function ChannelsPanel() {
  const rows = channelDevices(
    useAppStore((s) => s.devices),
    useAppStore((s) => s.inputs),
  );
  return (
    <Panel title="Channels" testId="channels-panel" scroll>
      {rows.length === 0 ? <p className="empty">No device reports numeric channels.</p> : null}
      {rows.map((device) => (
        <div key={device.deviceId} className="inputs-device" data-testid={`channels-device-${device.deviceId}`}>
          <div className="inputs-head">
            <span className="inputs-label">{device.label}</span>
          </div>
          {device.channels.map((channel, i) => {
            const share = device.scale > 0 && Number.isFinite(channel.value) ? channel.value / device.scale : 0;
            return (
              <div
                key={i}
                className="input-analog"
                data-testid={`channels-${device.deviceId}-${i}`}
                data-value={channel.value}
              >
                <span className="input-analog-label">{channel.label}</span>
                <span className="input-analog-bar">
                  <span
                    className="input-analog-fill"
                    style={{
                      width: `${Math.abs(share) * 50}%`,
                      left: share < 0 ? `${50 - Math.abs(share) * 50}%` : '50%',
                    }}
                  />
                </span>
                <span className="input-analog-value">{channel.value.toPrecision(4)}</span>
              </div>
            );
          })}
        </div>
      ))}
    </Panel>
  );
}
