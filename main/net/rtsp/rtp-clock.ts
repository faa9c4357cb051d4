/**
 * One RTP stream's clock: 32-bit RTP timestamps unwrapped into a continuous count, and mapped to the
 * sender's Unix time through its RTCP sender reports (RFC 3550 §6.4.1).
 *
 * Unlike aiortsp (protocol notes, docs/protocols/pupil.md §4.2) this survives the 32-bit wrap (every ~13 h at
 * 90 kHz) and works in integer ticks, not float seconds. Every SR replaces the mapping, so a phone
 * clock step shows up at the next SR. Before the first SR there is no mapping: callers mark those
 * samples unsynced instead of guessing.
 */
import { ntpMiddle32, ntpToUnixNs } from './ntp';
import type { RtcpSenderReport } from './rtp';

const WRAP = 4_294_967_296;
const HALF = 2_147_483_648;

export class RtpTimestampUnwrapper {
  private last: number | undefined;
  private cycles = 0;

  /** Continuous tick count for a 32-bit timestamp (may go back a little for reordered packets). */
  unwrap(ts: number): number {
    ts >>>= 0;
    if (this.last === undefined) {
      this.last = ts;
      return ts;
    }
    const diff = ts - this.last;
    if (diff < -HALF) this.cycles++;
    else if (diff > HALF) {
      // A late packet from before the last wrap: don't move the reference.
      return ts + (this.cycles - 1) * WRAP;
    }
    this.last = ts;
    return ts + this.cycles * WRAP;
  }

  reset(): void {
    this.last = undefined;
    this.cycles = 0;
  }
}

export class RtpClock {
  readonly clockRate: number;
  private readonly unwrapper = new RtpTimestampUnwrapper();
  private reference: { ticks: number; unixNs: number } | undefined;
  private lastSr: { middle32: number; arrivalNs: number } | undefined;
  private srCount = 0;

  constructor(clockRate: number) {
    if (!(clockRate > 0 && clockRate <= 10_000_000)) throw new RangeError(`bad RTP clock rate ${clockRate}`);
    this.clockRate = clockRate;
  }

  /** Unwrapped ticks of a timestamp (also call this for every packet so wraps are seen in order). */
  ticks(ts: number): number {
    return this.unwrapper.unwrap(ts);
  }

  /** Microseconds on the stream's own clock, for presentation timestamps. */
  ticksToUs(ticks: number): number {
    return (ticks * 1e6) / this.clockRate;
  }

  onSenderReport(sr: RtcpSenderReport, arrivalHostNs: number): void {
    this.reference = {
      ticks: this.unwrapper.unwrap(sr.rtpTimestamp),
      unixNs: ntpToUnixNs(sr.ntpSeconds, sr.ntpFraction),
    };
    this.lastSr = { middle32: ntpMiddle32(sr.ntpSeconds, sr.ntpFraction), arrivalNs: arrivalHostNs };
    this.srCount++;
  }

  get synced(): boolean {
    return this.reference !== undefined;
  }

  get senderReports(): number {
    return this.srCount;
  }

  /** The sender's Unix ns for unwrapped ticks, or undefined before the first SR. */
  toUnixNs(ticks: number): number | undefined {
    const ref = this.reference;
    if (!ref) return undefined;
    return ref.unixNs + ((ticks - ref.ticks) * 1e9) / this.clockRate;
  }

  /** LSR and DLSR fields for a receiver report (DLSR in 1/65536 s). */
  lastSrFields(nowHostNs: number): { lastSr: number; delaySinceLastSr: number } {
    if (!this.lastSr) return { lastSr: 0, delaySinceLastSr: 0 };
    const delay = Math.max(0, Math.round(((nowHostNs - this.lastSr.arrivalNs) / 1e9) * 65536));
    return { lastSr: this.lastSr.middle32, delaySinceLastSr: Math.min(delay, 0xffffffff) };
  }
}
