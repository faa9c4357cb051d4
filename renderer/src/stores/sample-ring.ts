/** The last `capacity` numbers, oldest overwritten first, with percentiles on demand. No allocation per push. */
export class SampleRing {
  private readonly values: Float64Array;
  private readonly scratch: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  push(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  get size(): number {
    return this.filled;
  }

  /** Oldest first. */
  toArray(): number[] {
    const out: number[] = [];
    const start = this.filled < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.filled; i++) out.push(this.values[(start + i) % this.capacity]!);
    return out;
  }

  /** Nearest-rank percentile (p in 0..100) of what the ring holds, or null when empty. */
  percentile(p: number): number | null {
    return this.percentiles([p])[0] ?? null;
  }

  /** Several percentiles from one sort. */
  percentiles(ps: readonly number[]): (number | null)[] {
    if (this.filled === 0) return ps.map(() => null);
    const sorted = this.scratch.subarray(0, this.filled);
    sorted.set(this.values.subarray(0, this.filled));
    sorted.sort();
    return ps.map((p) => {
      const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.filled);
      return sorted[Math.max(0, rank - 1)]!;
    });
  }
}
