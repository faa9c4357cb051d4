/**
 * A device clock model for any protocol that can do request/response round trips with a device
 * timestamp in the answer (NatNet echo, VRPN ping/pong, Pupil time echo).
 *
 * Cristian's algorithm: the device read its clock somewhere between our send and our receive, so
 * the best guess is the midpoint and the error is at most half the round trip. Queuing and
 * scheduling delays only ever make a round trip longer, and they are rarely symmetric, so the
 * fastest round trips carry the least error: we keep a window of recent ones and estimate from the
 * lowest-RTT part of it. Once the window spans a few seconds, a least-squares line through those
 * points also gives the drift between the two crystals, which matters over minutes-long sessions
 * (50 ppm is 3 ms per minute).
 *
 * A few seconds of round trips pin the offset but not the drift: queueing jitter of a few hundred µs
 * over an 8 s window is tens of ppm. So the model also keeps a sparse long-baseline history (the
 * lowest-RTT round trip of each few-second bucket, thinned by halves when full: about an hour at
 * 240 points) and fits the drift over all of it; after ten minutes the slope is known to well under
 * 1 ppm, and the recent best round trips set the offset along that slope.
 *
 * All times are ns in doubles. Host Unix ns (~1.7e18) only have ~256 ns resolution as doubles, so
 * the arithmetic centres values before subtracting or multiplying them.
 */
import type { ClockEstimate } from '../hub/source';

export interface ClockModelOptions {
  /** Round trips kept (the most recent ones). */
  windowSize?: number;
  /** Fraction of the window, lowest RTT first, that the estimate is made from. */
  bestFraction?: number;
  /** Drift is fitted only once the chosen round trips span this much device time. */
  minDriftSpanNs?: number;
  /**
   * A round trip whose offset disagrees with the current estimate by more than this is a clock
   * discontinuity (device restarted, clock stepped): the window restarts from it.
   */
  discontinuityNs?: number;
  /** Width of a long-baseline bucket at the start (device time); doubles each time the history is thinned. */
  archiveBucketNs?: number;
  /** Long-baseline points kept at most (then every other one is dropped and buckets double). */
  archiveSize?: number;
}

interface RoundTrip {
  deviceNs: number;
  /** hostMidpoint − deviceNs: what the host clock read when the device clock read deviceNs. */
  offsetNs: number;
  rttNs: number;
}

interface Fit {
  /** Offset at referenceDeviceNs. */
  offsetNs: number;
  /** d(offset)/d(deviceNs), dimensionless. */
  slope: number;
  referenceDeviceNs: number;
  uncertaintyNs: number;
  /** Device time the drift was fitted over (0: no drift fitted yet). */
  baselineNs: number;
}

/** Round trips the recent window needs before it claims a drift. */
const MIN_WINDOW_FIT_POINTS = 6;

export class ClockModel {
  private readonly windowSize: number;
  private readonly bestFraction: number;
  private readonly minDriftSpanNs: number;
  private readonly discontinuityNs: number;
  private readonly window: RoundTrip[] = [];
  /** Long-baseline history: the best round trip of each bucket, oldest first. */
  private readonly archive: RoundTrip[] = [];
  private readonly initialBucketNs: number;
  private bucketNs: number;
  private readonly archiveSize: number;
  private total = 0;
  private discontinuities = 0;
  private fit: Fit | undefined;

  constructor(options: ClockModelOptions = {}) {
    this.windowSize = Math.max(1, Math.floor(options.windowSize ?? 32));
    this.bestFraction = Math.min(1, Math.max(0, options.bestFraction ?? 0.25));
    this.minDriftSpanNs = options.minDriftSpanNs ?? 2e9;
    this.discontinuityNs = options.discontinuityNs ?? 1e9;
    this.initialBucketNs = options.archiveBucketNs ?? 5e9;
    this.bucketNs = this.initialBucketNs;
    this.archiveSize = Math.max(8, Math.floor(options.archiveSize ?? 240));
  }

  /**
   * One round trip: host clock when the request left, device clock in the answer, host clock when
   * the answer arrived. Returns false (and ignores it) when the times are impossible.
   */
  addRoundTrip(hostSendNs: number, deviceTimeNs: number, hostReceiveNs: number): boolean {
    const rttNs = hostReceiveNs - hostSendNs;
    if (![hostSendNs, deviceTimeNs, hostReceiveNs].every(Number.isFinite) || rttNs < 0) return false;
    const offsetNs = hostSendNs + rttNs / 2 - deviceTimeNs;
    const sample: RoundTrip = { deviceNs: deviceTimeNs, offsetNs, rttNs };
    if (this.fit && this.isDiscontinuity(sample, this.fit)) {
      this.window.length = 0;
      this.clearArchive();
      this.discontinuities++;
    }
    this.window.push(sample);
    if (this.window.length > this.windowSize) this.window.shift();
    this.archiveAdd(sample);
    this.total++;
    this.fit = this.refit();
    return true;
  }

  /** Host Unix ns for a device time, or undefined before the first round trip. */
  toHostNs(deviceNs: number): number | undefined {
    const fit = this.fit;
    if (!fit) return undefined;
    const sinceReference = deviceNs - fit.referenceDeviceNs;
    return deviceNs + fit.offsetNs + fit.slope * sinceReference;
  }

  estimate(): ClockEstimate | undefined {
    const fit = this.fit;
    if (!fit) return undefined;
    return {
      offsetNs: fit.offsetNs,
      uncertaintyNs: fit.uncertaintyNs,
      // Positive when the device clock runs fast: host time advances (1 + slope) per device ns.
      driftPpm: (1 / (1 + fit.slope) - 1) * 1e6,
      samples: this.total,
      driftBaselineS: fit.baselineNs / 1e9,
    };
  }

  /** How often the device clock jumped (e.g. the device restarted) since this model was created. */
  discontinuityCount(): number {
    return this.discontinuities;
  }

  reset(): void {
    this.window.length = 0;
    this.clearArchive();
    this.fit = undefined;
    this.total = 0;
  }

  /** Keeps the best round trip per bucket of device time; thins by halves when full. */
  private archiveAdd(sample: RoundTrip): void {
    const last = this.archive[this.archive.length - 1];
    if (last && Math.floor(sample.deviceNs / this.bucketNs) === Math.floor(last.deviceNs / this.bucketNs)) {
      if (sample.rttNs < last.rttNs) this.archive[this.archive.length - 1] = sample;
      return;
    }
    this.archive.push(sample);
    if (this.archive.length <= this.archiveSize) return;
    this.bucketNs *= 2;
    const thinned: RoundTrip[] = [];
    for (const rt of this.archive) {
      const prev = thinned[thinned.length - 1];
      if (prev && Math.floor(prev.deviceNs / this.bucketNs) === Math.floor(rt.deviceNs / this.bucketNs)) {
        if (rt.rttNs < prev.rttNs) thinned[thinned.length - 1] = rt;
      } else {
        thinned.push(rt);
      }
    }
    this.archive.length = 0;
    this.archive.push(...thinned);
  }

  private clearArchive(): void {
    this.archive.length = 0;
    this.bucketNs = this.initialBucketNs;
  }

  private isDiscontinuity(sample: RoundTrip, fit: Fit): boolean {
    const predicted = fit.offsetNs + fit.slope * (sample.deviceNs - fit.referenceDeviceNs);
    // A genuine round trip can only disagree by about its own half-RTT plus the model's error.
    const tolerance = this.discontinuityNs + sample.rttNs / 2 + fit.uncertaintyNs;
    return Math.abs(sample.offsetNs - predicted) > tolerance;
  }

  private refit(): Fit | undefined {
    const latest = this.window[this.window.length - 1];
    if (!latest) return undefined;
    const byRtt = [...this.window].sort((a, b) => a.rttNs - b.rttNs);
    const count = Math.max(1, Math.ceil(byRtt.length * this.bestFraction));
    const best = byRtt.slice(0, count);
    const rttMin = best[0]?.rttNs ?? latest.rttNs;
    const referenceDeviceNs = latest.deviceNs;

    // The slope, from the longest trustworthy baseline: the long-baseline history once it reaches
    // further back than the recent window; else the window's trusted round trips; else what was
    // known before (a cluster of fast answers spanning too little time says nothing about drift).
    const windowSpan = latest.deviceNs - this.window[0]!.deviceNs;
    const archiveSpan = this.archive.length > 0 ? latest.deviceNs - this.archive[0]!.deviceNs : 0;
    const longLine =
      archiveSpan > windowSpan && this.archive.length >= 3 ? this.fitLine(trusted(this.archive)) : undefined;
    // A few seconds of a device pinged once a second are too few points to see drift in. (The
    // weights, not a cut-off, keep queued round trips from tilting the line.)
    const windowLine = longLine || this.window.length < MIN_WINDOW_FIT_POINTS ? undefined : this.fitLine(this.window);
    const slope = longLine?.slope ?? windowLine?.slope ?? this.fit?.slope ?? 0;
    const baselineNs = longLine ? archiveSpan : windowLine ? windowSpan : (this.fit?.baselineNs ?? 0);
    // The recent best round trips place the line (they know the current offset best), the fastest
    // ones weighing most: a round trip that queued is off by up to half its wait.
    // Extrapolating along an uncertain slope costs too: an old round trip counts less the less the
    // drift is known (a crystal may be off by a few hundred ppm; a long baseline knows it to < 1).
    // With the drift known over a long baseline, the history's fast round trips place it too: when
    // every recent answer queued (a saturated host), an older clean one still knows the offset.
    const slopeUncertainty = longLine ? 1e-6 : windowLine ? 20e-6 : 300e-6;
    const candidates = longLine ? [...best, ...this.archive] : best;
    let fastest = Infinity;
    for (const rt of candidates) fastest = Math.min(fastest, rt.rttNs);
    const base = best[0]!.offsetNs;
    let sum = 0;
    let sumW = 0;
    for (const rt of candidates) {
      const expected = (rt.rttNs - fastest) / 2 + slopeUncertainty * Math.abs(referenceDeviceNs - rt.deviceNs) + 25e3;
      const w = 1 / expected ** 2;
      sum += w * (rt.offsetNs - base + slope * (referenceDeviceNs - rt.deviceNs));
      sumW += w;
    }
    return { offsetNs: base + sum / sumW, slope, referenceDeviceNs, uncertaintyNs: rttMin / 2, baselineNs };
  }

  /**
   * Weighted least squares: a round trip's midpoint can be off by up to half of what it waited in a
   * queue, which is about its RTT above the fastest one; weights fall with the square of that.
   */
  private fitLine(points: RoundTrip[]): { slope: number; meanDevice: number; meanOffset: number } | undefined {
    if (points.length < 3) return undefined;
    let minDevice = Infinity;
    let maxDevice = -Infinity;
    let rttMin = Infinity;
    for (const p of points) {
      minDevice = Math.min(minDevice, p.deviceNs);
      maxDevice = Math.max(maxDevice, p.deviceNs);
      rttMin = Math.min(rttMin, p.rttNs);
    }
    if (maxDevice - minDevice < this.minDriftSpanNs) return undefined;
    const deviceBase = points[0]!.deviceNs;
    const offsetBase = points[0]!.offsetNs;
    const weightOf = (p: RoundTrip): number => queueWeight(p, rttMin);
    let sumW = 0;
    let sumX = 0;
    let sumY = 0;
    for (const p of points) {
      const w = weightOf(p);
      sumW += w;
      sumX += w * (p.deviceNs - deviceBase);
      sumY += w * (p.offsetNs - offsetBase);
    }
    const meanX = sumX / sumW;
    const meanY = sumY / sumW;
    let sxx = 0;
    let sxy = 0;
    for (const p of points) {
      const w = weightOf(p);
      const dx = p.deviceNs - deviceBase - meanX;
      sxx += w * dx * dx;
      sxy += w * dx * (p.offsetNs - offsetBase - meanY);
    }
    if (sxx <= 0) return undefined;
    return { slope: sxy / sxx, meanDevice: deviceBase + meanX, meanOffset: offsetBase + meanY };
  }
}

/** How much a round trip counts: falls with the square of its wait beyond the fastest one (50 µs floor). */
function queueWeight(rt: RoundTrip, rttMinNs: number): number {
  return 1 / (rt.rttNs - rttMinNs + 50e3) ** 2;
}

/**
 * Round trips without the slow ones (answers that queued somewhere): their midpoints can be off by
 * half that delay and would tilt the drift line.
 */
function trusted(points: RoundTrip[]): RoundTrip[] {
  if (points.length === 0) return points;
  let rttMin = Infinity;
  for (const rt of points) rttMin = Math.min(rttMin, rt.rttNs);
  // Within a few hundred µs of the fastest: on a saturated host most answers wait milliseconds.
  const limit = rttMin + Math.max(200e3, rttMin);
  return points.filter((rt) => rt.rttNs <= limit);
}
