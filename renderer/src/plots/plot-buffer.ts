/**
 * One channel's recent samples: a ring of (time, value) pairs in typed arrays, so 1000 Hz feeds make
 * no garbage. Times are host Unix ms, increasing; a sample older than the newest is dropped (a
 * replayed or reordered one). Pure.
 */
export class PlotBuffer {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity = 1 << 16) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  get lastTime(): number {
    return this.count === 0 ? -Infinity : this.t[(this.start + this.count - 1) % this.capacity]!;
  }

  push(timeMs: number, value: number): boolean {
    if (!Number.isFinite(timeMs) || timeMs < this.lastTime) return false;
    const at = (this.start + this.count) % this.capacity;
    this.t[at] = timeMs;
    this.v[at] = value;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
    return true;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }

  /** Index of the first sample at or after timeMs (binary search over the ring). */
  private lowerBound(timeMs: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[(this.start + mid) % this.capacity]! < timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The samples in [fromMs, toMs], at most maxPoints of them (evenly decimated, keeping each
   * stride's minimum and maximum so spikes survive), as parallel arrays.
   */
  range(fromMs: number, toMs: number, maxPoints = 4000): { t: number[]; v: number[] } {
    const first = this.lowerBound(fromMs);
    const end = this.lowerBound(toMs + 1e-9);
    const n = end - first;
    const t: number[] = [];
    const v: number[] = [];
    if (n <= 0) return { t, v };
    const at = (i: number) => (this.start + first + i) % this.capacity;
    if (n <= maxPoints) {
      for (let i = 0; i < n; i++) {
        t.push(this.t[at(i)]!);
        v.push(this.v[at(i)]!);
      }
      return { t, v };
    }
    const buckets = Math.max(1, Math.floor(maxPoints / 2));
    const stride = n / buckets;
    for (let b = 0; b < buckets; b++) {
      const from = Math.floor(b * stride);
      const to = Math.min(n, Math.floor((b + 1) * stride));
      let lo = from;
      let hi = from;
      for (let i = from; i < to; i++) {
        const value = this.v[at(i)]!;
        if (value < this.v[at(lo)]!) lo = i;
        if (value > this.v[at(hi)]!) hi = i;
      }
      for (const i of lo <= hi ? [lo, hi] : [hi, lo]) {
        if (t.length && t[t.length - 1] === this.t[at(i)]) continue;
        t.push(this.t[at(i)]!);
        v.push(this.v[at(i)]!);
      }
    }
    return { t, v };
  }

  /** How many samples fall in [fromMs, toMs]. */
  countIn(fromMs: number, toMs: number): number {
    return this.lowerBound(toMs + 1e-9) - this.lowerBound(fromMs);
  }

  /**
   * The samples in [fromMs, toMs] reduced to `columns` equal time columns, two values each (the
   * column's minimum then maximum, null where it has none) into `out` (length 2 × columns): what a
   * dense series looks like at a plot's pixel width, in one pass and on a time grid every series of a
   * plot shares, so nothing needs aligning.
   */
  columns(fromMs: number, toMs: number, columns: number, out: (number | null)[]): void {
    out.fill(null);
    const width = (toMs - fromMs) / columns;
    if (!(width > 0)) return;
    const first = this.lowerBound(fromMs);
    const end = this.lowerBound(toMs + 1e-9);
    for (let i = first; i < end; i++) {
      const k = (this.start + i) % this.capacity;
      const c = Math.min(columns - 1, Math.floor((this.t[k]! - fromMs) / width));
      const value = this.v[k]!;
      const lo = out[2 * c];
      if (lo === null || lo === undefined || value < lo) out[2 * c] = value;
      const hi = out[2 * c + 1];
      if (hi === null || hi === undefined || value > hi) out[2 * c + 1] = value;
    }
  }

  /** The value at or just before timeMs (hover readout), or null. */
  valueAt(timeMs: number): number | null {
    const i = this.lowerBound(timeMs + 1e-9) - 1;
    return i < 0 ? null : this.v[(this.start + i) % this.capacity]!;
  }
}

/** The shared time grid of `columns`: two points per column, at its first and third quarter. */
export function columnTimes(fromMs: number, toMs: number, columns: number): number[] {
  const width = (toMs - fromMs) / columns;
  const xs: number[] = new Array<number>(2 * columns);
  for (let c = 0; c < columns; c++) {
    xs[2 * c] = fromMs + (c + 0.25) * width;
    xs[2 * c + 1] = fromMs + (c + 0.75) * width;
  }
  return xs;
}

/**
 * Several channels on one time axis, as uPlot wants them: the union of their times, each series
 * with null where it has no sample at that time (uPlot joins across the gaps).
 */
export function alignSeries(series: readonly { t: number[]; v: number[] }[]): [number[], ...(number | null)[][]] {
  if (series.length === 1) return [series[0]!.t.slice(), series[0]!.v.slice()];
  const times = new Set<number>();
  for (const s of series) for (const x of s.t) times.add(x);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const out: (number | null)[][] = series.map(() => new Array<number | null>(xs.length).fill(null));
  series.forEach((s, k) => s.t.forEach((x, i) => (out[k]![index.get(x)!] = s.v[i]!)));
  return [xs, ...out];
}
