/**
 * The receiving half of one ENet channel: reliable packets in strict sequence order, fragments
 * reassembled, unreliable packets in order within the current reliable sequence, stale ones dropped
 * (protocol notes, docs/protocols/teleport-enet.md §B4 "Sequencing and delivery"). Pure bookkeeping: the peer feeds it
 * commands and gets back the packets that became deliverable.
 *
 * ENet splits the 16-bit reliable sequence space into 16 windows of 4096; a receiver accepts commands
 * at most 6 windows ahead of the last delivered one, which is also what bounds how much it queues.
 */
import type { SendFragmentCommand } from './codec';

export const RELIABLE_WINDOW_SIZE = 4096;
export const RELIABLE_WINDOWS = 16;
export const FREE_RELIABLE_WINDOWS = 8;
/** Unreliable packets waiting for an earlier reliable one, per channel. */
const MAX_QUEUED_UNRELIABLE = 1024;

/** Where a command's reliable sequence number falls relative to what was delivered. */
export function windowIsAcceptable(sequence: number, incoming: number): boolean {
  let window = Math.floor(sequence / RELIABLE_WINDOW_SIZE);
  const current = Math.floor(incoming / RELIABLE_WINDOW_SIZE);
  if (sequence < incoming) window += RELIABLE_WINDOWS;
  return window >= current && window < current + FREE_RELIABLE_WINDOWS - 1;
}

/** The receiver acks everything except commands exactly 7 or 8 windows ahead (ENet's rule). */
export function shouldAcknowledge(sequence: number, incoming: number): boolean {
  let window = Math.floor(sequence / RELIABLE_WINDOW_SIZE);
  const current = Math.floor(incoming / RELIABLE_WINDOW_SIZE);
  if (sequence < incoming) window += RELIABLE_WINDOWS;
  return !(window >= current + FREE_RELIABLE_WINDOWS - 1 && window <= current + FREE_RELIABLE_WINDOWS);
}

/** A packet being put together from fragments. */
export class Assembly {
  readonly data: Uint8Array;
  remaining: number;
  private readonly seen: Uint32Array;

  constructor(
    readonly fragmentCount: number,
    totalLength: number,
  ) {
    this.data = new Uint8Array(totalLength);
    this.remaining = fragmentCount;
    this.seen = new Uint32Array(Math.ceil(fragmentCount / 32));
  }

  /** Copies a fragment in once; a duplicate changes nothing. */
  add(fragmentNumber: number, offset: number, bytes: Uint8Array): void {
    const word = fragmentNumber >>> 5;
    const bit = 1 << (fragmentNumber & 31);
    if (this.seen[word]! & bit) return;
    this.seen[word]! |= bit;
    this.remaining--;
    this.data.set(bytes, offset);
  }
}

export type FragmentInfo = Pick<
  SendFragmentCommand,
  'startSequenceNumber' | 'fragmentCount' | 'fragmentNumber' | 'totalLength' | 'fragmentOffset' | 'data'
>;

/** Why a command was not taken: 'discard' is normal ENet behaviour (old, duplicate, out of window). */
export type Refusal = 'discard' | 'malformed' | 'over-cap';

export interface IncomingLimits {
  /** Largest packet (fragment total) accepted. */
  maxPacketSize: number;
  /** Reserves bytes for a new reassembly; false when the peer's waiting-data cap would be exceeded. */
  reserve(bytes: number): boolean;
  release(bytes: number): void;
}

interface PendingReliable {
  data?: Uint8Array;
  assembly?: Assembly;
  /** Sequence numbers this entry spans (fragments use one each). */
  span: number;
}

interface QueuedUnreliable {
  reliableSequenceNumber: number;
  unreliableSequenceNumber: number;
  data: Uint8Array;
}

export class IncomingChannel {
  /** Last reliable sequence number delivered. */
  reliableSequenceNumber = 0;
  /** Last unreliable sequence number delivered within the current reliable one. */
  unreliableSequenceNumber = 0;
  private readonly pending = new Map<number, PendingReliable>();
  private queuedUnreliable: QueuedUnreliable[] = [];
  private readonly unreliableAssemblies = new Map<number, Assembly>();

  constructor(private readonly limits: IncomingLimits) {}

  /** A SEND_RELIABLE. Appends whatever became deliverable to `out`. */
  reliable(sequence: number, data: Uint8Array, out: Uint8Array[], unreliableOut: Uint8Array[]): Refusal | null {
    if (!windowIsAcceptable(sequence, this.reliableSequenceNumber) || sequence === this.reliableSequenceNumber) {
      return 'discard';
    }
    if (this.pending.has(sequence)) return 'discard';
    if (sequence === ((this.reliableSequenceNumber + 1) & 0xffff) && this.pending.size === 0) {
      // The common case: in order, nothing waiting. Skips the map entirely.
      this.advance(sequence, 1);
      out.push(data);
      this.releaseUnreliable(unreliableOut);
      return null;
    }
    this.pending.set(sequence, { data, span: 1 });
    this.drain(out, unreliableOut);
    return null;
  }

  /** A SEND_FRAGMENT (reliable). */
  fragment(f: FragmentInfo, out: Uint8Array[], unreliableOut: Uint8Array[]): Refusal | null {
    const start = f.startSequenceNumber;
    if (!windowIsAcceptable(start, this.reliableSequenceNumber) || start === this.reliableSequenceNumber) {
      return 'discard';
    }
    const problem = checkFragment(f, this.limits.maxPacketSize);
    if (problem) return problem;
    let entry = this.pending.get(start);
    if (entry === undefined) {
      if (!this.limits.reserve(f.totalLength)) return 'over-cap';
      entry = { assembly: new Assembly(f.fragmentCount, f.totalLength), span: f.fragmentCount };
      this.pending.set(start, entry);
    } else if (
      !entry.assembly ||
      entry.assembly.fragmentCount !== f.fragmentCount ||
      entry.assembly.data.length !== f.totalLength
    ) {
      return 'malformed';
    }
    entry.assembly!.add(f.fragmentNumber, f.fragmentOffset, f.data);
    this.drain(out, unreliableOut);
    return null;
  }

  /** A SEND_UNRELIABLE: delivered now if current, queued if it waits on a reliable packet. */
  unreliable(reliableSeq: number, unreliableSeq: number, data: Uint8Array, out: Uint8Array[]): Refusal | null {
    if (!windowIsAcceptable(reliableSeq, this.reliableSequenceNumber) && reliableSeq !== this.reliableSequenceNumber) {
      return 'discard';
    }
    if (reliableSeq === this.reliableSequenceNumber) {
      if (unreliableSeq <= this.unreliableSequenceNumber) return 'discard';
      this.unreliableSequenceNumber = unreliableSeq;
      out.push(data);
      return null;
    }
    if (this.queuedUnreliable.length >= MAX_QUEUED_UNRELIABLE) this.queuedUnreliable.shift();
    this.queuedUnreliable.push({ reliableSequenceNumber: reliableSeq, unreliableSequenceNumber: unreliableSeq, data });
    return null;
  }

  /** A SEND_UNRELIABLE_FRAGMENT: reassembled, then treated as one unreliable packet. */
  unreliableFragment(reliableSeq: number, f: FragmentInfo, out: Uint8Array[]): Refusal | null {
    if (!windowIsAcceptable(reliableSeq, this.reliableSequenceNumber) && reliableSeq !== this.reliableSequenceNumber) {
      return 'discard';
    }
    if (reliableSeq === this.reliableSequenceNumber && f.startSequenceNumber <= this.unreliableSequenceNumber) {
      return 'discard';
    }
    const problem = checkFragment(f, this.limits.maxPacketSize);
    if (problem) return problem;
    const key = reliableSeq * 0x10000 + f.startSequenceNumber;
    let assembly = this.unreliableAssemblies.get(key);
    if (assembly === undefined) {
      if (!this.limits.reserve(f.totalLength)) return 'over-cap';
      assembly = new Assembly(f.fragmentCount, f.totalLength);
      this.unreliableAssemblies.set(key, assembly);
    } else if (assembly.fragmentCount !== f.fragmentCount || assembly.data.length !== f.totalLength) {
      return 'malformed';
    }
    assembly.add(f.fragmentNumber, f.fragmentOffset, f.data);
    if (assembly.remaining > 0) return null;
    this.unreliableAssemblies.delete(key);
    this.limits.release(assembly.data.length);
    return this.unreliable(reliableSeq, f.startSequenceNumber, assembly.data, out);
  }

  /** Everything waiting is dropped (a disconnect); reserved bytes are given back. */
  reset(): void {
    for (const entry of this.pending.values()) if (entry.assembly) this.limits.release(entry.assembly.data.length);
    for (const a of this.unreliableAssemblies.values()) this.limits.release(a.data.length);
    this.pending.clear();
    this.unreliableAssemblies.clear();
    this.queuedUnreliable = [];
  }

  private advance(sequence: number, span: number): void {
    this.reliableSequenceNumber = (sequence + span - 1) & 0xffff;
    this.unreliableSequenceNumber = 0;
  }

  private drain(out: Uint8Array[], unreliableOut: Uint8Array[]): void {
    for (;;) {
      const next = (this.reliableSequenceNumber + 1) & 0xffff;
      const entry = this.pending.get(next);
      if (entry === undefined) break;
      if (entry.assembly && entry.assembly.remaining > 0) break;
      this.pending.delete(next);
      this.advance(next, entry.span);
      if (entry.assembly) {
        this.limits.release(entry.assembly.data.length);
        out.push(entry.assembly.data);
      } else out.push(entry.data!);
      this.releaseUnreliable(unreliableOut);
    }
    this.dropStaleAssemblies();
  }

  /** Unreliable packets that waited for the reliable sequence just reached go out; older ones die. */
  private releaseUnreliable(out: Uint8Array[]): void {
    if (this.queuedUnreliable.length === 0) return;
    const current = this.reliableSequenceNumber;
    const keep: QueuedUnreliable[] = [];
    const ready: QueuedUnreliable[] = [];
    for (const q of this.queuedUnreliable) {
      if (q.reliableSequenceNumber === current) ready.push(q);
      else if (windowIsAcceptable(q.reliableSequenceNumber, current)) keep.push(q);
    }
    this.queuedUnreliable = keep;
    ready.sort((a, b) => a.unreliableSequenceNumber - b.unreliableSequenceNumber);
    for (const q of ready) {
      if (q.unreliableSequenceNumber <= this.unreliableSequenceNumber) continue;
      this.unreliableSequenceNumber = q.unreliableSequenceNumber;
      out.push(q.data);
    }
  }

  /** Unreliable reassemblies for a reliable sequence already passed can never be delivered. */
  private dropStaleAssemblies(): void {
    if (this.unreliableAssemblies.size === 0) return;
    const current = this.reliableSequenceNumber;
    for (const [key, a] of this.unreliableAssemblies) {
      const reliableSeq = Math.floor(key / 0x10000);
      if (reliableSeq !== current && !windowIsAcceptable(reliableSeq, current)) {
        this.unreliableAssemblies.delete(key);
        this.limits.release(a.data.length);
      }
    }
  }
}

/** ENet's own sanity rules for a fragment, plus the host's packet-size cap (checked before allocating). */
export function checkFragment(f: FragmentInfo, maxPacketSize: number): Refusal | null {
  if (f.totalLength > maxPacketSize) return 'over-cap';
  if (
    f.fragmentCount === 0 ||
    f.fragmentCount > 1024 * 1024 ||
    f.fragmentNumber >= f.fragmentCount ||
    f.totalLength < f.fragmentCount ||
    f.fragmentOffset >= f.totalLength ||
    f.data.length > f.totalLength - f.fragmentOffset
  ) {
    return 'malformed';
  }
  return null;
}
