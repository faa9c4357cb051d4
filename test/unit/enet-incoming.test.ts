/**
 * The receiving half of an ENet channel: whatever order and duplication the network produces,
 * reliable packets come out once each, in order; fragments are reassembled; unreliable packets never
 * overtake the reliable packet they were sent after, and stale ones are dropped; hostile fragments
 * and totals over the cap are refused before anything is allocated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IncomingChannel, windowIsAcceptable, type IncomingLimits } from '../../main/net/enet/incoming';

function limits(maxPacketSize = 1 << 20, maxWaiting = 1 << 22): IncomingLimits & { waiting: () => number } {
  let waiting = 0;
  return {
    maxPacketSize,
    reserve: (n) => (waiting + n > maxWaiting ? false : ((waiting += n), true)),
    release: (n) => {
      waiting -= n;
    },
    waiting: () => waiting,
  };
}

const one = (v: number) => new Uint8Array([v & 0xff, (v >> 8) & 0xff]);
const valueOf = (d: Uint8Array) => d[0]! | (d[1]! << 8);

test('property: reliable packets in any order, with duplicates, come out once each and in order', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.array(fc.nat(), { maxLength: 400 }),
      fc.integer({ min: 0, max: 0xffff }),
      (count, shuffle, base) => {
        const ch = new IncomingChannel(limits());
        ch.reliableSequenceNumber = base;
        // Sequence numbers base+1 … base+count (wrapping), arrivals shuffled and duplicated.
        const arrivals = Array.from({ length: count }, (_, i) => i);
        for (const s of shuffle) arrivals.push(s % count);
        for (let i = arrivals.length - 1; i > 0; i--) {
          const j = (shuffle[i % Math.max(1, shuffle.length)] ?? i) % (i + 1);
          [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
        }
        const out: Uint8Array[] = [];
        for (const i of arrivals) ch.reliable((base + 1 + i) & 0xffff, one(i), out, []);
        assert.deepEqual(
          out.map(valueOf),
          Array.from({ length: count }, (_, i) => i),
        );
        assert.equal(ch.reliableSequenceNumber, (base + count) & 0xffff);
      },
    ),
    { numRuns: 300 },
  );
});

test('fragments reassemble in any order; the sequence advances by the fragment count', () => {
  const l = limits();
  const ch = new IncomingChannel(l);
  const data = Uint8Array.from({ length: 10 }, (_, i) => i * 3);
  const out: Uint8Array[] = [];
  for (const n of [2, 0, 2, 1]) {
    const offset = n * 4;
    ch.fragment(
      {
        startSequenceNumber: 1,
        fragmentCount: 3,
        fragmentNumber: n,
        totalLength: 10,
        fragmentOffset: offset,
        data: data.subarray(offset, offset + 4),
      },
      out,
      [],
    );
  }
  assert.deepEqual(out, [data]);
  assert.equal(ch.reliableSequenceNumber, 3);
  assert.equal(l.waiting(), 0, 'the reassembly buffer is given back');
  ch.reliable(4, one(9), out, []);
  assert.equal(out.length, 2);
});

test('hostile fragments are refused, totals over the cap before allocating, waiting data is capped', () => {
  const l = limits(1000, 1500);
  const ch = new IncomingChannel(l);
  const f = {
    startSequenceNumber: 1,
    fragmentCount: 2,
    fragmentNumber: 0,
    totalLength: 100,
    fragmentOffset: 0,
    data: new Uint8Array(10),
  };
  assert.equal(ch.fragment({ ...f, totalLength: 2_000_000_000 }, [], []), 'over-cap');
  assert.equal(l.waiting(), 0);
  assert.equal(ch.fragment({ ...f, fragmentNumber: 2 }, [], []), 'malformed');
  assert.equal(ch.fragment({ ...f, fragmentOffset: 100 }, [], []), 'malformed');
  assert.equal(ch.fragment({ ...f, fragmentCount: 0 }, [], []), 'malformed');
  assert.equal(ch.fragment({ ...f, totalLength: 1, fragmentCount: 2 }, [], []), 'malformed');
  assert.equal(ch.fragment({ ...f, data: new Uint8Array(101) }, [], []), 'malformed');
  // Two 900-byte reassemblies would hold 1800 bytes: the second is refused.
  assert.equal(ch.fragment({ ...f, totalLength: 900 }, [], []), null);
  assert.equal(ch.fragment({ ...f, startSequenceNumber: 3, totalLength: 900 }, [], []), 'over-cap');
  // A fragment that disagrees with the reassembly under way.
  assert.equal(ch.fragment({ ...f, totalLength: 800, fragmentNumber: 1, fragmentOffset: 10 }, [], []), 'malformed');
  ch.reset();
  assert.equal(l.waiting(), 0);
});

test('unreliable: in order within the reliable sequence, held for a missing reliable packet, stale dropped', () => {
  const ch = new IncomingChannel(limits());
  const out: Uint8Array[] = [];
  assert.equal(ch.unreliable(0, 2, one(2), out), null);
  assert.equal(ch.unreliable(0, 1, one(1), out), 'discard', 'older than one delivered');
  // Sent after reliable #1, which has not arrived: held, then released right after it.
  assert.equal(ch.unreliable(1, 1, one(11), out), null);
  assert.deepEqual(out.map(valueOf), [2]);
  const reliableOut: Uint8Array[] = [];
  const after: Uint8Array[] = [];
  ch.reliable(1, one(100), reliableOut, after);
  assert.deepEqual(reliableOut.map(valueOf), [100]);
  assert.deepEqual(after.map(valueOf), [11]);
  assert.equal(ch.unreliable(0, 9, one(9), out), 'discard', 'from before the last reliable packet');
});

test('the window: ENet accepts up to 6 windows of 4096 ahead and nothing behind', () => {
  assert.equal(windowIsAcceptable(1, 0), true);
  assert.equal(windowIsAcceptable(4096 * 6 + 4095, 0), true);
  assert.equal(windowIsAcceptable(4096 * 7, 0), false);
  assert.equal(windowIsAcceptable(5, 10), false, 'old');
  assert.equal(windowIsAcceptable(3, 0xfff0), true, 'across the wrap');
});
