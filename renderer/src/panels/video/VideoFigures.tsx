import { useEffect, useState } from 'react';
import type { VideoGazeStats } from '../../stores/debug-hooks-contract';
import { videoGazeStats } from '../../stores/video-gaze';
import { formatCount, formatMs } from '../format';

/** Decoder figures, read twice a second (never per frame). */
export function VideoFigures({ handle }: { handle: number }) {
  const [stats, setStats] = useState<VideoGazeStats | null>(null);
  useEffect(() => {
    const read = (): void => setStats(videoGazeStats(handle));
    read();
    const timer = setInterval(read, 500);
    return () => clearInterval(timer);
  }, [handle]);
  if (!stats) return <div className="video-figures">waiting for video…</div>;
  const p50 = percentile(stats.decodeDrawMs, 50);
  const lat = percentile(stats.latencyMs, 50);
  return (
    <div className="video-figures" data-testid={`video-figures-${handle}`}>
      <span>{stats.status}</span>
      <span>
        {stats.width}×{stats.height} {stats.codec ?? ''}
      </span>
      <span title="decode and draw, median">decode {formatMs(p50)}</span>
      <span title="last packet in main → frame drawn, median">latency {formatMs(lat)}</span>
      <span title="frames drawn / dropped to the next key frame">
        {formatCount(stats.drawn)} drawn · {formatCount(stats.dropped + stats.skippedToKey)} skipped
      </span>
    </div>
  );
}

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
