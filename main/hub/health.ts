/**
 * Per-device health as the operator sees it (DeviceHealth in preload/api/devices.ts), from what a source
 * counts (SourceCounters, SourceStatus) and what the Hub observes (sample arrivals, reconnects, retries).
 */
import type { DeviceHealth } from '../../preload/api';
import type { ConnectionState, SourceCounters, SourceStatus } from './source';

/**
 * Sample rate over a sliding window, O(1) per sample whatever the rate: arrivals are counted into
 * fixed time buckets in a ring, so a 10 kHz stream costs the same per sample as a 1 Hz one and the
 * memory is fixed. The current bucket is partial; the rate divides by the time actually covered.
 */
export class RateWindow {
  private readonly counts: Float64Array;
  /** Which absolute bucket (floor(t / bucketMs)) each slot currently holds. */
  private readonly ids: Float64Array;
  private firstMs: number | null = null;

  constructor(
    private readonly windowMs = 1_000,
    private readonly bucketMs = 100,
  ) {
    // One more slot than the window needs: the partial current bucket.
    const slots = Math.ceil(windowMs / bucketMs) + 1;
    this.counts = new Float64Array(slots);
    this.ids = new Float64Array(slots).fill(-1);
  }

  record(nowMs: number, n = 1): void {
    if (this.firstMs === null) this.firstMs = nowMs;
    const id = Math.floor(nowMs / this.bucketMs);
    const slot = id % this.counts.length;
    if (this.ids[slot] !== id) {
      this.ids[slot] = id;
      this.counts[slot] = 0;
    }
    this.counts[slot]! += n;
  }

  /** Samples per second over the last window (less right after the first sample: the time since then). */
  rateHz(nowMs: number): number {
    if (this.firstMs === null) return 0;
    const current = Math.floor(nowMs / this.bucketMs);
    const oldest = current - (this.counts.length - 1);
    let sum = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const id = this.ids[i]!;
      if (id >= oldest && id <= current) sum += this.counts[i]!;
    }
    const fullSpanMs = (this.counts.length - 1) * this.bucketMs + (nowMs - current * this.bucketMs);
    const spanMs = Math.min(fullSpanMs, Math.max(this.bucketMs, nowMs - this.firstMs));
    return spanMs > 0 ? (sum * 1000) / spanMs : 0;
  }
}

/** What the Hub knows about a device beyond what its source reports. */
export interface HubSideHealth {
  state: ConnectionState;
  reconnects: number;
  /** The Hub's most recent failure reason (down / rejected connect); falls back to the source's own. */
  lastError: string | null;
  /** When the next attempt is due (same clock as nowMs), while reconnecting. */
  nextRetryAtMs: number | null;
}

export class HealthTracker {
  private readonly rate: RateWindow;
  private lastSampleMs: number | null = null;

  constructor(windowMs = 1_000, bucketMs = 100) {
    this.rate = new RateWindow(windowMs, bucketMs);
  }

  /** Called on every sample: keep it O(1). */
  onSample(nowMs: number): void {
    this.rate.record(nowMs);
    this.lastSampleMs = nowMs;
  }

  snapshot(counters: SourceCounters, status: SourceStatus, hub: HubSideHealth, nowMs: number): DeviceHealth {
    const clock = status.clock;
    return {
      state: hub.state,
      sampleRateHz: this.rate.rateHz(nowMs),
      lastSampleAgeMs: this.lastSampleMs === null ? null : Math.max(0, nowMs - this.lastSampleMs),
      samples: counters.samples,
      packets: counters.packets,
      malformed: counters.malformed,
      dropped: counters.dropped,
      reconnects: hub.reconnects,
      lastError: hub.lastError ?? status.lastError ?? null,
      nextRetryMs:
        hub.state === 'reconnecting' && hub.nextRetryAtMs !== null ? Math.max(0, hub.nextRetryAtMs - nowMs) : null,
      clockOffsetMs: clock ? clock.offsetNs / 1e6 : null,
      clockUncertaintyMs: clock ? clock.uncertaintyNs / 1e6 : null,
      clockDriftPpm: clock && clock.samples > 0 ? clock.driftPpm : null,
      clockDriftBaselineS: clock?.driftBaselineS ?? null,
      latency: status.latency ? { ...status.latency } : null,
    };
  }
}
