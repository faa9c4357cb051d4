/**
 * When a source counts as stale: after a few of its own sample periods without a sample, so a
 * 240 Hz tracker that stops shows it within a tenth of a second while a 2 Hz one is not flagged
 * between samples. Until the rate is known (and as a ceiling) the fixed threshold applies; a floor
 * keeps scheduler jitter and GC pauses from flapping the state of fast devices.
 */
export interface StaleClockOptions {
  /** Missed periods that make a source stale. */
  periods?: number;
  floorMs?: number;
  /** Before the rate is known, and the most it ever waits. */
  ceilingMs?: number;
}

let defaultPeriods = 5;

/** The operator's "stale after N frame periods" (preferences), for every clock not given its own. */
export function setDefaultStalePeriods(periods: number): void {
  if (Number.isFinite(periods) && periods >= 1) defaultPeriods = periods;
}

/** Weight of each new interval in the running period (an exponential average over ~20 samples). */
const SMOOTHING = 0.05;

export class StaleClock {
  private readonly periods: number | null;
  private readonly floorMs: number;
  private readonly ceilingMs: number;
  private lastAtMs: number | null = null;
  private intervalMs: number | null = null;

  constructor(options: StaleClockOptions = {}) {
    this.periods = options.periods ?? null;
    this.floorMs = options.floorMs ?? 100;
    this.ceilingMs = options.ceilingMs ?? 1000;
  }

  sample(nowMs: number): void {
    if (this.lastAtMs !== null) {
      const dt = nowMs - this.lastAtMs;
      // A gap longer than the ceiling is an outage, not the rate: counting it would make the next
      // outage take as long to notice.
      if (dt > 0 && dt <= this.ceilingMs) {
        this.intervalMs = this.intervalMs === null ? dt : this.intervalMs + SMOOTHING * (dt - this.intervalMs);
      }
    }
    this.lastAtMs = nowMs;
  }

  /** The device's sample period as measured, ms (null before two samples). */
  periodMs(): number | null {
    return this.intervalMs;
  }

  thresholdMs(): number {
    if (this.intervalMs === null) return this.ceilingMs;
    const periods = this.periods ?? defaultPeriods;
    return Math.min(this.ceilingMs, Math.max(this.floorMs, periods * this.intervalMs));
  }

  isStale(nowMs: number): boolean {
    return this.lastAtMs !== null && nowMs - this.lastAtMs > this.thresholdMs();
  }

  reset(): void {
    this.lastAtMs = null;
    this.intervalMs = null;
  }
}
