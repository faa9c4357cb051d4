import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

/**
 * A device's rate over the last minute (one point a second), with its expected rate as a second, flat
 * series: uPlot draws both on one small canvas, with no axes or legend, redrawn ~1 Hz with setData.
 */
export function Sparkline(props: { ratesHz: number[]; expectedHz: number | null; label: string; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = sparkData(props.ratesHz, props.expectedHz);

  useEffect(() => {
    if (!box.current) return;
    const made = new uPlot(
      {
        width: 160,
        height: 32,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        axes: [{ show: false }, { show: false }],
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        // Canvas strokes take colours, not CSS keywords: the theme's accent and dim text.
        series: [{}, { stroke: RATE_COLOUR, width: 1.5 }, { stroke: EXPECTED_COLOUR, width: 1, dash: [3, 3] }],
      },
      data,
      box.current,
    );
    plot.current = made;
    return () => {
      made.destroy();
      plot.current = null;
    };
    // Created once; data goes in through setData below.
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const last = props.ratesHz.at(-1);
  const description = `${props.label}: rate over the last ${props.ratesHz.length} s${
    last === undefined ? '' : `, now ${last.toFixed(1)} Hz`
  }${props.expectedHz === null ? '' : `, expected ${props.expectedHz.toFixed(1)} Hz`}`;
  return (
    <div
      className="sparkline"
      ref={box}
      role="img"
      aria-label={description}
      title={description}
      data-testid={props.testId}
      data-points={props.ratesHz.length}
    />
  );
}

const RATE_COLOUR = '#4cc9f0';
const EXPECTED_COLOUR = '#9aa7b4';

function sparkData(rates: number[], expected: number | null): uPlot.AlignedData {
  const xs = rates.map((_, i) => i - rates.length + 1);
  return [xs, rates, rates.map(() => expected)];
}
