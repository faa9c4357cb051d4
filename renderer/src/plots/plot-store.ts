/**
 * The Plots panel's plots (which channels, window, paused), saved under the "plots" key of the
 * layout JSON, and one sample buffer per channel that any plot shows. Buffers live outside React.
 */
import { create } from 'zustand';
import { layoutSectionChanged, registerLayoutSection } from '../stores/layout-sections';
import { PlotBuffer } from './plot-buffer';
import { parseChannel } from './plot-channels';

export const WINDOWS_S = [10, 30, 60] as const;
export type WindowS = (typeof WINDOWS_S)[number];
const MAX_PLOTS = 8;
const MAX_SERIES = 12;

export interface PlotConfig {
  id: number;
  channels: string[];
  windowS: WindowS;
  /** Host Unix ms the plot froze at; null while live. */
  pausedAt: number | null;
}

export interface PlotsState {
  plots: PlotConfig[];
  /** The plot the channel tree adds to. */
  selected: number;
}

const initial = (): PlotsState => ({ plots: [{ id: 1, channels: [], windowS: 10, pausedAt: null }], selected: 1 });

export const usePlotsStore = create<PlotsState>()(initial);

const buffers = new Map<string, PlotBuffer>();

/** The buffer of a channel any plot shows (made on first use). */
export function bufferOf(channel: string): PlotBuffer {
  let b = buffers.get(channel);
  if (!b) {
    b = new PlotBuffer();
    buffers.set(channel, b);
  }
  return b;
}

/** Every channel some plot shows: what the sampler feeds. */
export function wantedChannels(): string[] {
  return [...new Set(usePlotsStore.getState().plots.flatMap((p) => p.channels))];
}

function forgetUnwanted(): void {
  const wanted = new Set(wantedChannels());
  for (const id of [...buffers.keys()]) if (!wanted.has(id)) buffers.delete(id);
}

function changed(next: Partial<PlotsState> | ((s: PlotsState) => Partial<PlotsState>)): void {
  usePlotsStore.setState(next);
  forgetUnwanted();
  layoutSectionChanged();
}

export function parsePlots(saved: unknown): PlotsState {
  if (!saved || typeof saved !== 'object') return initial();
  const s = saved as { plots?: unknown; selected?: unknown };
  if (!Array.isArray(s.plots)) return initial();
  const plots: PlotConfig[] = [];
  for (const raw of s.plots.slice(0, MAX_PLOTS)) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as { channels?: unknown; windowS?: unknown };
    const channels = Array.isArray(r.channels)
      ? r.channels.filter((c): c is string => typeof c === 'string' && parseChannel(c) !== null).slice(0, MAX_SERIES)
      : [];
    const windowS = (WINDOWS_S as readonly unknown[]).includes(r.windowS) ? (r.windowS as WindowS) : 10;
    plots.push({ id: plots.length + 1, channels, windowS, pausedAt: null });
  }
  if (plots.length === 0) return initial();
  const selected = typeof s.selected === 'number' && plots.some((p) => p.id === s.selected) ? s.selected : 1;
  return { plots, selected };
}

registerLayoutSection('plots', {
  restore: (saved) => {
    usePlotsStore.setState(parsePlots(saved));
    forgetUnwanted();
  },
  snapshot: () => {
    const { plots, selected } = usePlotsStore.getState();
    return { plots: plots.map((p) => ({ channels: p.channels, windowS: p.windowS })), selected };
  },
});

function update(id: number, edit: (p: PlotConfig) => PlotConfig): void {
  changed((s) => ({ plots: s.plots.map((p) => (p.id === id ? edit(p) : p)) }));
}

export function toggleChannel(plotId: number, channel: string): void {
  update(plotId, (p) =>
    p.channels.includes(channel)
      ? { ...p, channels: p.channels.filter((c) => c !== channel) }
      : p.channels.length >= MAX_SERIES
        ? p
        : { ...p, channels: [...p.channels, channel] },
  );
}

export function setWindow(plotId: number, windowS: WindowS): void {
  update(plotId, (p) => ({ ...p, windowS }));
}

export function setPaused(plotId: number, pausedAt: number | null): void {
  update(plotId, (p) => ({ ...p, pausedAt }));
}

export function addPlot(): void {
  changed((s) => {
    if (s.plots.length >= MAX_PLOTS) return {};
    const id = Math.max(0, ...s.plots.map((p) => p.id)) + 1;
    return { plots: [...s.plots, { id, channels: [], windowS: 10, pausedAt: null }], selected: id };
  });
}

export function removePlot(plotId: number): void {
  changed((s) => {
    const plots = s.plots.filter((p) => p.id !== plotId);
    if (plots.length === 0) return initial();
    return { plots, selected: plots.some((p) => p.id === s.selected) ? s.selected : plots[0]!.id };
  });
}

export function selectPlot(plotId: number): void {
  usePlotsStore.setState({ selected: plotId });
}
