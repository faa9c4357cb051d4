/**
 * The recent gaze of one device, for matching to video frames by time. Gaze comes at ~200 Hz in
 * batch sections (every sample since the last batch); a frame is matched to the sample nearest its
 * time, on the same clock: device time mapped to host (both synced), else host arrival time (marked
 * unsynced). Fixed capacity, no allocation per sample. Pure: page, worker and unit tests.
 */
import { GAZE_STRIDE } from '../../../preload/api';

export interface GazePoint {
  /** Normalised 0..1 from the top-left of the scene image. */
  x: number;
  y: number;
  worn: boolean;
  /** The sample's time on the clock the frame was matched on (ms). */
  timeMs: number;
  /** |sample time − frame time| (ms). */
  errorMs: number;
}

/** Matched on the device clock (mapped to host) or, before the clock is synced, on arrival times. */
export type MatchClock = 'device' | 'host';

/** ~10 s at 200 Hz. */
const DEFAULT_CAPACITY = 2048;

export class GazeTrack {
  private readonly host: Float64Array;
  private readonly device: Float64Array;
  private readonly xs: Float32Array;
  private readonly ys: Float32Array;
  private readonly worn: Uint8Array;
  private next = 0;
  private filled = 0;
  /** Samples ever added: lets a caller tell whether anything arrived since it last looked. */
  added = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    this.host = new Float64Array(capacity);
    this.device = new Float64Array(capacity);
    this.xs = new Float32Array(capacity);
    this.ys = new Float32Array(capacity);
    this.worn = new Uint8Array(capacity);
  }

  get size(): number {
    return this.filled;
  }

  /** A GAZE section's samples (count × GAZE_STRIDE: hostTimeMs, deviceTimeMs|NaN, x, y, worn). */
  addSection(samples: Float64Array, count: number): void {
    for (let i = 0; i < count; i++) {
      const o = i * GAZE_STRIDE;
      const x = samples[o + 2]!;
      const y = samples[o + 3]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      this.host[this.next] = samples[o]!;
      this.device[this.next] = samples[o + 1]!;
      this.xs[this.next] = x;
      this.ys[this.next] = y;
      this.worn[this.next] = samples[o + 4] === 1 ? 1 : 0;
      this.next = (this.next + 1) % this.capacity;
      if (this.filled < this.capacity) this.filled++;
      this.added++;
    }
  }

  clear(): void {
    this.next = 0;
    this.filled = 0;
  }

  /**
   * The sample nearest `timeMs` on `clock`, within maxErrorMs, or null. Scans back from the newest
   * (a frame is matched soon after it arrives, so its gaze is near the end) and stops once samples
   * are older than the best match could be.
   */
  nearest(timeMs: number, clock: MatchClock, maxErrorMs: number): GazePoint | null {
    const times = clock === 'device' ? this.device : this.host;
    let best = -1;
    let bestError = maxErrorMs;
    for (let k = 1; k <= this.filled; k++) {
      const i = (this.next - k + this.capacity) % this.capacity;
      const t = times[i]!;
      if (Number.isNaN(t)) continue;
      const error = Math.abs(t - timeMs);
      if (error <= bestError) {
        best = i;
        bestError = error;
      } else if (t < timeMs - bestError) {
        break;
      }
    }
    return best < 0 ? null : this.point(best, times, timeMs);
  }

  /** Samples in (timeMs − windowMs, timeMs], oldest first: the trail drawn behind the circle. */
  trail(timeMs: number, clock: MatchClock, windowMs: number, out: GazePoint[] = []): GazePoint[] {
    out.length = 0;
    const times = clock === 'device' ? this.device : this.host;
    for (let k = 1; k <= this.filled; k++) {
      const i = (this.next - k + this.capacity) % this.capacity;
      const t = times[i]!;
      if (Number.isNaN(t) || t > timeMs) continue;
      if (t <= timeMs - windowMs) break;
      out.push(this.point(i, times, timeMs));
    }
    return out.reverse();
  }

  /** Newest time on `clock`, or null. */
  newestTime(clock: MatchClock): number | null {
    if (this.filled === 0) return null;
    const t = (clock === 'device' ? this.device : this.host)[(this.next - 1 + this.capacity) % this.capacity]!;
    return Number.isNaN(t) ? null : t;
  }

  private point(i: number, times: Float64Array, timeMs: number): GazePoint {
    return {
      x: this.xs[i]!,
      y: this.ys[i]!,
      worn: this.worn[i] === 1,
      timeMs: times[i]!,
      errorMs: Math.abs(times[i]! - timeMs),
    };
  }
}
