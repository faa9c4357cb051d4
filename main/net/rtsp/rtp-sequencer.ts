/**
 * Puts RTP packets back in sequence-number order with a small reorder window, and counts losses.
 *
 * UDP may reorder: a packet that arrives ahead of a gap waits until the gap fills or the window is
 * full; then the gap is declared lost and delivery goes on, telling the consumer that a gap came
 * before this packet (so the H.264 depacketiser can hold frames until the next IDR). A packet older
 * than what was already delivered is dropped as late (already counted lost); duplicates are dropped.
 */

export interface SequencedPacket<T> {
  packet: T;
  /** Packets were lost just before this one. */
  afterGap: boolean;
}

export interface SequencerCounts {
  delivered: number;
  lost: number;
  late: number;
  duplicates: number;
  reordered: number;
}

/** A jump this far from the expected number is a sender restart, not a gap. */
const RESTART_DISTANCE = 3000;

export class RtpSequencer<T> {
  private expected: number | undefined;
  private readonly pending = new Map<number, T>();
  private gapPending = false;
  readonly counts: SequencerCounts = { delivered: 0, lost: 0, late: 0, duplicates: 0, reordered: 0 };
  /** Highest sequence delivered, extended with its wrap count (for receiver reports). */
  private extendedHighest = -1;
  private cycles = 0;

  constructor(private readonly window = 16) {}

  /** Feeds one packet; returns the packets now deliverable, in order. */
  push(sequence: number, packet: T): SequencedPacket<T>[] {
    const out: SequencedPacket<T>[] = [];
    if (this.expected === undefined) {
      this.expected = sequence;
    }
    const distance = (sequence - this.expected) & 0xffff;
    if (distance === 0) {
      this.deliver(sequence, packet, out);
      this.drain(out);
      return out;
    }
    if (distance >= 0x8000) {
      // Behind the expected number: late or duplicate.
      const back = 0x10000 - distance;
      if (back > RESTART_DISTANCE) return this.restart(sequence, packet);
      this.counts.late++;
      return out;
    }
    if (distance > RESTART_DISTANCE) return this.restart(sequence, packet);
    if (this.pending.has(sequence)) {
      this.counts.duplicates++;
      return out;
    }
    this.pending.set(sequence, packet);
    if (this.pending.size > this.window) this.skipToOldestPending(out);
    return out;
  }

  /** Gives up on the current gap (e.g. a timer): declares it lost and delivers what waits behind it. */
  flush(): SequencedPacket<T>[] {
    const out: SequencedPacket<T>[] = [];
    while (this.pending.size > 0) this.skipToOldestPending(out);
    return out;
  }

  get waiting(): number {
    return this.pending.size;
  }

  get highestExtended(): number {
    return this.extendedHighest;
  }

  private restart(sequence: number, packet: T): SequencedPacket<T>[] {
    this.pending.clear();
    this.expected = sequence;
    this.gapPending = true;
    const out: SequencedPacket<T>[] = [];
    this.deliver(sequence, packet, out);
    return out;
  }

  private skipToOldestPending(out: SequencedPacket<T>[]): void {
    const expected = this.expected!;
    let best = -1;
    let bestDistance = Infinity;
    for (const seq of this.pending.keys()) {
      const d = (seq - expected) & 0xffff;
      if (d < bestDistance) {
        bestDistance = d;
        best = seq;
      }
    }
    if (best < 0) return;
    this.counts.lost += bestDistance;
    this.gapPending = true;
    this.expected = best;
    const packet = this.pending.get(best)!;
    this.pending.delete(best);
    this.deliver(best, packet, out);
    this.drain(out);
  }

  private drain(out: SequencedPacket<T>[]): void {
    for (;;) {
      const next = this.pending.get(this.expected!);
      if (next === undefined) return;
      this.pending.delete(this.expected!);
      this.counts.reordered++;
      this.deliver(this.expected!, next, out);
    }
  }

  private deliver(sequence: number, packet: T, out: SequencedPacket<T>[]): void {
    if (this.extendedHighest >= 0 && sequence < (this.extendedHighest & 0xffff) - 0x8000) this.cycles++;
    this.extendedHighest = this.cycles * 0x10000 + sequence;
    out.push({ packet, afterGap: this.gapPending });
    this.gapPending = false;
    this.counts.delivered++;
    this.expected = (sequence + 1) & 0xffff;
  }
}
