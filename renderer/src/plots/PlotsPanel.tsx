/** The Plots panel: a channel tree beside one or more plots. */
import { useEffect } from 'react';
import { Panel } from '../panels/Panel';
import { ChannelTree } from './ChannelTree';
import { startSampler } from './plot-sampler';
import { addPlot, usePlotsStore } from './plot-store';
import { PlotView } from './PlotView';

export function PlotsPanel() {
  const plots = usePlotsStore((s) => s.plots);
  useEffect(() => startSampler(), []);
  return (
    <Panel
      title="Plots"
      testId="plots-panel"
      scroll
      aside={
        <button type="button" onClick={addPlot} data-testid="plot-add">
          + Plot
        </button>
      }
    >
      <div className="plots-layout">
        <ChannelTree />
        <div className="plot-list">
          {plots.map((p, i) => (
            <PlotView key={p.id} plot={p} index={i} />
          ))}
        </div>
      </div>
    </Panel>
  );
}
