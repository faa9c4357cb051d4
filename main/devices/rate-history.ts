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

export interface RateHistoryOptions {
  /**
   * A learned expectation follows the rate's median up, and down only while the median stays at or
   * above this share of it: a drop the low-rate alert would flag is never learned as the new norm,
   * so its alert lasts until the operator accepts the new rate. Default 0.9 (the alert's floor).
   */
  floorRatio?: number;
}

export class RateHistory {
  private readonly points: number[] = [];
  private lastSlot: number | null = null;
  private lastUnixMs = 0;
  private learnedHz: number | null = null;
  /** Only points from this second on are learned from (the operator accepted a new rate then). */
  private learnFromSlot = -Infinity;
  private fixedHz: number | null;
  private floorRatio: number;
  private declaredHz: number | null = null;

  constructor(configuredHz: number | null = null, options: RateHistoryOptions = {}) {
    this.fixedHz = configuredHz;
    this.floorRatio = options.floorRatio ?? 0.9;
  }

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
    this.learn();
  }

  /**
   * The operator accepts the rate the device runs at now as its norm (also over a configured rate,
   * for as long as the app runs): learning starts afresh from the next second.
   */
  accept(rateHz: number): void {
    if (!(rateHz > 0)) return;
    // Over a configured or a declared rate (an LSL nominal rate) the accepted one is kept as fixed.
    if (this.fixedHz !== null || this.declaredHz !== null) this.fixedHz = rateHz;
    else this.learnedHz = rateHz;
    this.learnFromSlot = (this.lastSlot ?? -Infinity) + 1;
  }

  /** A new alert floor (the preferences): what counts as a drop not to learn. */
  setFloorRatio(ratio: number): void {
    this.floorRatio = ratio;
  }

  private learn(): void {
    if (this.fixedHz !== null || this.lastSlot === null) return;
    const first = this.lastSlot - this.points.length + 1;
    const live = this.points.filter((p, i) => p > 0 && first + i >= this.learnFromSlot).sort((a, b) => a - b);
    if (live.length < MIN_POINTS_TO_LEARN) return;
    const median = live[Math.min(live.length - 1, Math.floor(EXPECTED_QUANTILE * live.length))]!;
    if (this.learnedHz === null || median >= this.floorRatio * this.learnedHz) this.learnedHz = median;
  }

  ratesHz(): number[] {
    return [...this.points];
  }

  endMs(): number {
    return this.lastUnixMs;
  }

  expectedHz(): number | null {
    return this.fixedHz ?? this.declaredHz ?? this.learnedHz;
  }
}
