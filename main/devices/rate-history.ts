/**
 * Each device's rate over the last minute, one point a second (the Health sparkline), and the rate the
 * device is expected to run at: the device file's expectedRateHz, else the rate the device declares
 * (an LSL stream's nominal rate, known from its first second), else what it sustained recently.
 */

export const HISTORY_POINTS = 60;
const POINT_MS = 1000;
/**
 * The learned expectation is the median of the streaming points: robust both to short dips and to the
 * bursts some devices start with (VRPN's first seconds read ~10 % high, which a higher quantile
 * took for the norm and then flagged the steady rate as low).
 */
const EXPECTED_QUANTILE = 0.5;
/** Points needed before an expectation is learned (seconds of streaming). */
const MIN_POINTS_TO_LEARN = 5;

export class RateHistory {
  private readonly points: number[] = [];
  private lastSlot: number | null = null;
  private lastUnixMs = 0;
  private declaredHz: number | null = null;

  constructor(private readonly configuredHz: number | null = null) {}

  /** The rate the device declares now (SourceStatus.nominalRateHz), or null. */
  declare(hz: number | null): void {
    this.declaredHz = hz !== null && Number.isFinite(hz) && hz > 0 ? hz : null;
  }

  /** Called on every health tick; keeps one point per second (the newest reading of that second). */
  record(unixMs: number, rateHz: number): void {
    const slot = Math.floor(unixMs / POINT_MS);
    const value = Number.isFinite(rateHz) && rateHz > 0 ? rateHz : 0;
    if (this.lastSlot === slot) {
      this.points[this.points.length - 1] = value;
    } else {
      // Seconds with no tick at all (a paused process) are gaps, drawn as 0: nothing arrived then either.
      const missed = this.lastSlot === null ? 0 : Math.min(HISTORY_POINTS, slot - this.lastSlot - 1);
      for (let i = 0; i < missed; i++) this.points.push(0);
      this.points.push(value);
      this.lastSlot = slot;
    }
    this.lastUnixMs = unixMs;
    if (this.points.length > HISTORY_POINTS) this.points.splice(0, this.points.length - HISTORY_POINTS);
  }

  ratesHz(): number[] {
    return [...this.points];
  }

  endMs(): number {
    return this.lastUnixMs;
  }

  expectedHz(): number | null {
    if (this.configuredHz !== null) return this.configuredHz;
    if (this.declaredHz !== null) return this.declaredHz;
    const live = this.points.filter((p) => p > 0).sort((a, b) => a - b);
    if (live.length < MIN_POINTS_TO_LEARN) return null;
    return live[Math.min(live.length - 1, Math.floor(EXPECTED_QUANTILE * live.length))]!;
  }
}
