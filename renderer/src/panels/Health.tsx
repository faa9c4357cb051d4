import { useAppStore } from '../stores/app-store';
import { formatMs } from './format';
import { Metric } from './Metric';
import { Panel } from './Panel';

/** The link between main and this window, as the renderer measures it. */
export function Health() {
  const transport = useAppStore((s) => s.transport);
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
        {stats.badBatches > 0 ? (
          <Metric label="bad batches" text={String(stats.badBatches)} value={stats.badBatches} tone="bad" />
        ) : null}
      </div>
    </Panel>
  );
}
