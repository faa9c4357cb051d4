/**
 * One plot: its series drawn by uPlot, redrawn every display frame from the channel buffers (live:
 * the last 10/30/60 s; paused: frozen at the pause; playback: the whole recording with a cursor at
 * the playing position, and a click seeks there). The y range follows the data; the axis carries
 * the units; hovering reads every series' value at that time.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { useAppStore } from '../stores/app-store';
import { controlPlayback, usePlaybackStore } from '../stores/playback-store';
import { notePlotUpdate } from './plot-bench-hook';
import { alignSeries, columnTimes } from './plot-buffer';
import { channelLabel, channelUnit, parseChannel, type Channel } from './plot-channels';
import {
  bufferOf,
  removePlot,
  selectPlot,
  setPaused,
  setWindow,
  usePlotsStore,
  WINDOWS_S,
  type PlotConfig,
} from './plot-store';

/** Least time between two redraws of a plot. */
const REDRAW_MS = 30;

export const SERIES_COLOURS = ['#4cc9f0', '#f77f00', '#80ed99', '#f15bb5', '#fee440', '#9b5de5', '#00f5d4', '#ff595e'];

interface Series {
  id: string;
  channel: Channel;
  label: string;
  unit: string;
}

function useSeries(plot: PlotConfig): Series[] {
  const devices = useAppStore((s) => s.devices);
  const catalogs = useAppStore((s) => s.catalogs);
  const names = {
    device: (id: string) => devices.find((d) => d.id === id)?.label ?? id,
    body: (device: string, body: number) => {
      const handle = devices.find((d) => d.id === device)?.handle;
      return (handle !== undefined ? catalogs[handle]?.[body] : undefined) ?? `Body ${body}`;
    },
  };
  return plot.channels.flatMap((id) => {
    const channel = parseChannel(id);
    return channel ? [{ id, channel, label: channelLabel(channel, names), unit: channelUnit(channel) }] : [];
  });
}

export function PlotView({ plot, index }: { plot: PlotConfig; index: number }) {
  const box = useRef<HTMLDivElement>(null);
  const [readout, setReadout] = useState('');
  const selected = usePlotsStore((s) => s.selected === plot.id);
  const playback = usePlaybackStore((s) => s.playback);
  const series = useSeries(plot);
  // The first unit has the left axis; any others share the right one, so metres and degrees each
  // get a range of their own.
  const unitList = [...new Set(series.map((s) => s.unit))];
  const units = unitList.join(', ');
  const key = `${series.map((s) => s.id).join('|')}#${units}`;
  const live = useRef({ plot, playback, series });
  live.current = { plot, playback, series };

  useEffect(() => {
    const el = box.current;
    if (!el || series.length === 0) return;
    const width = Math.max(200, el.clientWidth);
    // The time the x axis counts from (now, the pause, or the recording's start), set each redraw.
    let zeroMs = Date.now();
    const opts: uPlot.Options = {
      width,
      height: 180,
      legend: { show: false },
      scales: { x: { time: false }, y: { auto: true }, y2: { auto: true } },
      axes: [
        {
          stroke: '#9aa7b4',
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          values: (_u, ticks) => ticks.map((t) => `${t.toFixed(Math.abs(t) < 10 ? 1 : 0)} s`),
        },
        { stroke: '#9aa7b4', grid: { stroke: 'rgba(128,128,128,0.15)' }, label: unitList[0] ?? '', size: 56 },
        ...(unitList.length > 1
          ? [
              {
                scale: 'y2',
                side: 1 as const,
                stroke: '#9aa7b4',
                grid: { show: false },
                label: unitList.slice(1).join(', '),
                size: 56,
              },
            ]
          : []),
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          scale: s.unit === unitList[0] ? 'y' : 'y2',
          stroke: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
          width: 1.5,
          spanGaps: true,
        })),
      ],
      hooks: {
        setCursor: [
          (u) => {
            const left = u.cursor.left;
            if (left === undefined || left < 0) return setReadout('');
            // Each series' own newest sample at the pointer's time (series have their own times).
            const x = u.posToVal(left, 'x');
            const t = zeroMs + x * 1000;
            const parts = live.current.series.map((s) => {
              const v = bufferOf(s.id).valueAt(t);
              return `${s.label} ${v === null ? '—' : v.toFixed(3)} ${s.unit}`;
            });
            setReadout(`${x.toFixed(2)} s: ${parts.join(' · ')}`);
          },
        ],
        draw: [
          (u) => {
            const pb = live.current.playback;
            if (!pb) return;
            const x = u.valToPos((pb.positionNs - pb.startNs) / 1e9, 'x', true);
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = '#f15bb5';
            ctx.lineWidth = 2;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    const made = new uPlot(opts, [[], ...series.map(() => [])], el);
    const onClick = (e: MouseEvent) => {
      const pb = live.current.playback;
      if (!pb) return;
      const s = made.posToVal(e.offsetX, 'x');
      const positionNs = Math.round(pb.startNs + Math.max(0, Math.min(pb.endNs - pb.startNs, s * 1e9)));
      void controlPlayback({ action: 'seek', positionNs });
    };
    made.over.addEventListener('click', onClick);
    let lastDraw = 0;
    let frame = requestAnimationFrame(function draw(now) {
      frame = requestAnimationFrame(draw);
      // A plot reads well at 30 redraws a second; the rest of the page keeps the display rate.
      if (now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      const began = performance.now();
      const { plot: p, playback: pb, series: ss } = live.current;
      let from: number;
      let to: number;
      let zero: number;
      if (pb) {
        zero = pb.startNs / 1e6;
        from = zero;
        to = pb.endNs / 1e6;
      } else {
        to = p.pausedAt ?? Date.now();
        from = to - p.windowS * 1000;
        zero = to;
      }
      // Sparse series (poses at the display rate) are drawn point by point; dense ones (a 1000 Hz
      // feed over a minute) as each pixel column's minimum and maximum on a shared time grid.
      const columns = Math.max(100, Math.round(made.bbox.width / (window.devicePixelRatio || 1)));
      const total = ss.reduce((n, s) => n + bufferOf(s.id).countIn(from, to), 0);
      let data: uPlot.AlignedData;
      if (total <= 2 * columns) {
        const [xs, ...ys] = alignSeries(ss.map((s) => bufferOf(s.id).range(from, to)));
        data = [xs.map((t) => (t - zero) / 1000), ...ys] as uPlot.AlignedData;
      } else {
        const xs = columnTimes(from, to, columns).map((t) => (t - zero) / 1000);
        const ys = ss.map((s) => {
          const out = new Array<number | null>(2 * columns);
          bufferOf(s.id).columns(from, to, columns, out);
          return out;
        });
        data = [xs, ...ys] as uPlot.AlignedData;
      }
      zeroMs = zero;
      made.batch(() => {
        made.setData(data, false);
        made.setScale('x', { min: (from - zero) / 1000, max: (to - zero) / 1000 });
      });
      notePlotUpdate(performance.now() - began);
    });
    const resize = new ResizeObserver(() => made.setSize({ width: Math.max(200, el.clientWidth), height: 180 }));
    resize.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      made.over.removeEventListener('click', onClick);
      made.destroy();
    };
    // Rebuilt when the series or their units change; data flows in every frame.
  }, [key]);

  const name = `Plot ${index + 1}`;
  return (
    <section
      className={`plot${selected ? ' selected' : ''}`}
      aria-label={name}
      data-testid={`plot-${plot.id}`}
      data-series={series.length}
      data-paused={plot.pausedAt !== null}
      data-paused-at={plot.pausedAt ?? undefined}
    >
      <div className="plot-toolbar">
        <button
          type="button"
          aria-pressed={selected}
          onClick={() => selectPlot(plot.id)}
          title="The channel tree adds to the selected plot"
          data-testid={`plot-select-${plot.id}`}
        >
          {name}
        </button>
        <label>
          <span className="visually-hidden">{name} window</span>
          <select
            value={plot.windowS}
            onChange={(e) => setWindow(plot.id, Number(e.target.value) as PlotConfig['windowS'])}
            disabled={playback !== null}
            data-testid={`plot-window-${plot.id}`}
          >
            {WINDOWS_S.map((w) => (
              <option key={w} value={w}>
                last {w} s
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          aria-pressed={plot.pausedAt !== null}
          onClick={() => setPaused(plot.id, plot.pausedAt === null ? Date.now() : null)}
          disabled={playback !== null}
          data-testid={`plot-pause-${plot.id}`}
        >
          {plot.pausedAt === null ? '❚❚ Pause' : '▶ Resume'}
        </button>
        <button type="button" onClick={() => removePlot(plot.id)} aria-label={`Remove ${name}`}>
          ✕
        </button>
      </div>
      <ul className="plot-legend" aria-label={`${name} series`}>
        {series.map((s, i) => (
          <li key={s.id}>
            <span
              className="plot-swatch"
              style={{ background: SERIES_COLOURS[i % SERIES_COLOURS.length] }}
              aria-hidden="true"
            />
            {s.label} ({s.unit})
          </li>
        ))}
      </ul>
      {series.length === 0 ? (
        <p className="empty">Pick channels in the tree to plot them here.</p>
      ) : (
        <div
          className="plot-canvas"
          ref={box}
          role="img"
          aria-label={`${name}: ${series.map((s) => s.label).join(', ')}${playback ? ', over the recording; click to seek' : ''}`}
          data-testid={`plot-canvas-${plot.id}`}
        />
      )}
      <p className="plot-readout" aria-live="off" data-testid={`plot-readout-${plot.id}`}>
        {readout || '\u00a0'}
      </p>
    </section>
  );
}
