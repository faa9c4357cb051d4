/**
 * Network faults the Motive simulator injects per datagram, driven by a seeded PRNG so that a test
 * that saw a failure sees the same datagrams lost, duplicated, reordered, cut or replaced next time.
 */

export interface SimulatorFaults {
  /** Probability that a datagram is not sent at all. */
  lossRate: number;
  /** Probability that a datagram is sent twice. */
  duplicateRate: number;
  /** Probability that a datagram is held back and sent after the next one to the same destination. */
  reorderRate: number;
  /** Probability that a datagram is cut short at a random length. */
  truncateRate: number;
  /** Probability that a datagram is replaced by random bytes. */
  garbageRate: number;
  seed: number;
}

/** What the injector did so far: lets a test compare what a client counted with what really happened. */
export interface FaultCounts {
  passed: number;
  lost: number;
  duplicated: number;
  reordered: number;
  truncated: number;
  garbage: number;
}

export const NO_FAULTS: SimulatorFaults = {
  lossRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  truncateRate: 0,
  garbageRate: 0,
  seed: 1,
};

/** mulberry32: tiny, fast, and good enough for test traffic shaping. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private faults: SimulatorFaults = { ...NO_FAULTS };
  private random = seededRandom(NO_FAULTS.seed);
  /** Per destination, the datagram waiting to be sent after the next one. */
  private readonly held = new Map<string, Uint8Array>();
  private readonly counts: FaultCounts = { passed: 0, lost: 0, duplicated: 0, reordered: 0, truncated: 0, garbage: 0 };

  constructor(initial: Partial<SimulatorFaults> = {}) {
    this.set(initial);
  }

  set(changes: Partial<SimulatorFaults>): void {
    const next = { ...this.faults, ...changes };
    for (const key of ['lossRate', 'duplicateRate', 'reorderRate', 'truncateRate', 'garbageRate'] as const) {
      const value = next[key];
      next[key] = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
    }
    if (changes.seed !== undefined) this.random = seededRandom(next.seed);
    this.faults = next;
    if (next.reorderRate === 0) this.held.clear();
  }

  current(): SimulatorFaults {
    return { ...this.faults };
  }

  stats(): FaultCounts {
    return { ...this.counts };
  }

  get active(): boolean {
    const f = this.faults;
    return f.lossRate + f.duplicateRate + f.reorderRate + f.truncateRate + f.garbageRate > 0;
  }

  /** The datagrams to put on the wire, in order, for one datagram meant for `destination`. */
  apply(datagram: Uint8Array, destination: string): Uint8Array[] {
    if (!this.active) {
      this.counts.passed++;
      return [datagram];
    }
    const f = this.faults;
    // One draw per fault, always in the same order, so a given seed gives the same pattern
    // whatever the rates are.
    const lost = this.random() < f.lossRate;
    const garbage = this.random() < f.garbageRate;
    const truncate = this.random() < f.truncateRate;
    const duplicate = this.random() < f.duplicateRate;
    const reorder = this.random() < f.reorderRate;
    if (lost) {
      this.counts.lost++;
      return [];
    }

    let wire = datagram;
    if (garbage) {
      this.counts.garbage++;
      wire = this.garbageLike(datagram);
    } else if (truncate && datagram.length > 1) {
      this.counts.truncated++;
      wire = datagram.subarray(0, 1 + Math.floor(this.random() * (datagram.length - 1)));
    } else {
      this.counts.passed++;
    }
    if (duplicate) this.counts.duplicated++;

    const out: Uint8Array[] = duplicate ? [wire, wire] : [wire];
    const waiting = this.held.get(destination);
    if (waiting) {
      this.held.delete(destination);
      out.push(waiting);
    } else if (reorder) {
      this.counts.reordered++;
      this.held.set(destination, wire);
      return duplicate ? [wire] : [];
    }
    return out;
  }

  forget(destination: string): void {
    this.held.delete(destination);
  }

  /**
   * Random bytes; half of them keep the original message id so that they get past the id check
   * and exercise the payload decoder rather than only the "unknown id" path.
   */
  private garbageLike(datagram: Uint8Array): Uint8Array {
    const length = 1 + Math.floor(this.random() * Math.max(8, datagram.length));
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(this.random() * 256);
    if (length >= 2 && datagram.length >= 2 && this.random() < 0.5) {
      bytes[0] = datagram[0]!;
      bytes[1] = datagram[1]!;
    }
    return bytes;
  }
}
