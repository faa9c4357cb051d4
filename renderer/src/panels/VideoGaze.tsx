import { useState } from 'react';
import { useAppStore } from '../stores/app-store';
import { Panel } from './Panel';
import { PhoneControls } from './video/PhoneControls';
import { PhoneState } from './video/PhoneState';
import { VideoCanvas } from './video/VideoCanvas';
import { VideoFigures } from './video/VideoFigures';

/**
 * Scene video with gaze (Pupil Labs Companion), the phone's state and its remote control. Frames are
 * decoded and drawn outside React (stores/video-gaze.ts); this component only mounts the canvas and
 * renders the ~2 Hz device snapshots. Not shown when no such device is configured.
 */
export function VideoGaze() {
  const all = useAppStore((s) => s.devices);
  const devices = all.filter((d) => d.kind === 'pupil');
  const [chosen, setChosen] = useState<string | null>(null);
  const device = devices.find((d) => d.id === chosen) ?? devices[0];
  if (!device) return null;
  const picker =
    devices.length > 1 ? (
      <select value={device.id} onChange={(e) => setChosen(e.target.value)} data-testid="video-device">
        {devices.map((d) => (
          <option key={d.id} value={d.id}>
            {d.label}
          </option>
        ))}
      </select>
    ) : (
      <span className="panel-count">{device.label}</span>
    );
  return (
    <Panel title="Scene video" aside={picker} testId="video-gaze-panel">
      <VideoCanvas key={device.handle} handle={device.handle} />
      <VideoFigures handle={device.handle} />
      <PhoneState deviceId={device.id} state={device.deviceState} />
      <PhoneControls device={device} />
    </Panel>
  );
}
