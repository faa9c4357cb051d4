import { useState } from 'react';
import { closeRecording, controlPlayback, openRecording, usePlaybackStore } from '../stores/playback-store';
import { Panel } from './Panel';

const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];

function clock(ns: number): string {
  const s = Math.max(0, ns / 1e9);
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

/** Opens a recording as playback devices, with play / pause, a timeline to seek, and the speed. */
export function Playback() {
  const playback = usePlaybackStore((s) => s.playback);
  const [path, setPath] = useState('');
  const [dragNs, setDragNs] = useState<number | null>(null);
  if (!playback) {
    return (
      <Panel title="Playback" testId="playback-panel">
        <div className="recording-controls">
          <input
            type="text"
            placeholder="recording file (…/recording.mcap)"
            value={path}
            maxLength={4096}
            onChange={(e) => setPath(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && path.trim()) void openRecording(path.trim());
            }}
            data-testid="playback-path"
          />
          <button
            type="button"
            disabled={!path.trim()}
            onClick={() => void openRecording(path.trim())}
            data-testid="playback-open"
          >
            Open
          </button>
        </div>
      </Panel>
    );
  }
  const span = Math.max(1, playback.endNs - playback.startNs);
  const position = (dragNs ?? playback.positionNs) - playback.startNs;
  return (
    <Panel title="Playback" testId="playback-panel">
      <div
        className="session"
        data-testid="playback-controls"
        data-playing={String(playback.playing)}
        data-ended={String(playback.ended)}
      >
        <div className="session-status" title={playback.file}>
          {playback.file.split(/[\\/]/).slice(-2).join('/')}
        </div>
        <div className="recording-head">
          <button
            type="button"
            onClick={() => void controlPlayback({ action: playback.playing ? 'pause' : 'play' })}
            data-testid="playback-toggle"
          >
            {playback.playing ? '❚❚ Pause' : '▶ Play'}
          </button>
          <select
            value={playback.speed}
            onChange={(e) => void controlPlayback({ action: 'speed', speed: Number(e.target.value) })}
            data-testid="playback-speed"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
          <span className="session-status" data-testid="playback-position" data-value={position}>
            {clock(position)} / {clock(span)}
            {playback.ended ? ' · end' : ''}
          </span>
          <button type="button" onClick={() => void closeRecording()} data-testid="playback-close">
            Close
          </button>
        </div>
        <input
          type="range"
          min={0}
          max={span}
          step={span / 1000}
          value={position}
          onChange={(e) => setDragNs(playback.startNs + Number(e.target.value))}
          onPointerUp={() => {
            if (dragNs !== null) void controlPlayback({ action: 'seek', positionNs: dragNs });
            setDragNs(null);
          }}
          onKeyUp={() => {
            if (dragNs !== null) void controlPlayback({ action: 'seek', positionNs: dragNs });
            setDragNs(null);
          }}
          data-testid="playback-timeline"
        />
        {playback.problem ? <div className="field-error">{playback.problem}</div> : null}
      </div>
    </Panel>
  );
}
