import type { LinkPath } from '../bridge';
import { useAppStore } from '../stores/app-store';
import { useRenderQuality, type RenderQualityState } from '../stores/render-quality-store';
import { formatMs } from './format';
import { Metric } from './Metric';
import { Panel } from './Panel';

const LINK_PATH_TEXT: Record<LinkPath, string> = {
  worker: 'a worker thread (shared memory)',
  'main-thread': 'the main thread',
};

/** The link between main and this window, as the renderer measures it. */
export function Health() {
  const transport = useAppStore((s) => s.transport);
  const linkPath = useAppStore((s) => s.linkPath);
  const quality = useRenderQuality();
  const connection = useAppStore((s) => s.connection);
  const stats = useAppStore((s) => s.stats);
  const open = connection.state === 'open';
  return (
    <Panel title="Link health" testId="health-panel">
      <div className="metrics">
        <Metric label="transport" text={transport ?? '—'} testId="health-transport" />
        <Metric
          label="connected"
          text={open ? 'yes' : connection.state}
          testId="health-connected"
          tone={open ? undefined : 'warn'}
        />
        <Metric
          label="batches/s"
          text={stats.batchesPerSecond.toFixed(1)}
          value={stats.batchesPerSecond}
          testId="health-batches"
        />
        <Metric label="render fps" text={stats.fps.toFixed(0)} value={stats.fps} testId="health-fps" />
        <Metric
          label="latency p50"
          title="newest sample's arrival in the app → in this window's store"
          text={formatMs(stats.latencyP50Ms, 2)}
          value={stats.latencyP50Ms}
          testId="health-p50"
        />
        <Metric
          label="latency p99"
          title="newest sample's arrival in the app → in this window's store"
          text={formatMs(stats.latencyP99Ms, 2)}
          value={stats.latencyP99Ms}
          testId="health-p99"
        />
        <Metric
          label="batches stored by"
          title="the worker thread keeps the link independent of how long this window takes to draw"
          text={linkPath ? LINK_PATH_TEXT[linkPath] : '—'}
          testId="health-link-path"
          wide
        />
        <Metric
          label="3D view · GL"
          title={`${quality.glRenderer ?? 'WebGL renderer unknown'}${quality.maxFps ? `; at most ${quality.maxFps} frames/s` : ''}`}
          text={describeQuality(quality)}
          value={quality.dpr}
          testId="health-gl"
          wide
        />
        {stats.badBatches > 0 ? (
          <Metric label="bad batches" text={String(stats.badBatches)} value={stats.badBatches} tone="bad" />
        ) : null}
      </div>
    </Panel>
  );
}

/** "SwiftShader (software) · dpr 0.75 · AA off": what the view draws with, at a glance (the cap is in the title). */
function describeQuality(q: RenderQualityState): string {
  return [q.gl ?? 'unknown', `dpr ${Math.round(q.dpr * 100) / 100}`, q.antialias ? 'AA on' : 'AA off'].join(' · ');
}
