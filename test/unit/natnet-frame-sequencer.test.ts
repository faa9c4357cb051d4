import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameSequencer } from '../../main/protocols/natnet/frame-sequencer';

const RATE = 100;
/** Live frame n of a process that started at server time `startS`. */
const live = (n: number, startS = 0, lateByS = 0) => ({
  transmitS: startS + n / RATE + lateByS,
  timestampS: n / RATE,
  editMode: false,
});

test('in-order frames are accepted; gaps are counted', () => {
  const seq = new FrameSequencer();
  assert.deepEqual(seq.check(10, live(10)), { kind: 'accept', missed: 0 });
  assert.deepEqual(seq.check(11, live(11)), { kind: 'accept', missed: 0 });
  assert.deepEqual(seq.check(15, live(15)), { kind: 'accept', missed: 3 });
});

test('a duplicate datagram and a late (reordered) frame are rejected', () => {
  const seq = new FrameSequencer();
  seq.check(10, live(10));
  seq.check(12, live(12));
  assert.deepEqual(seq.check(12, live(12)), { kind: 'duplicate' });
  assert.deepEqual(seq.check(11, live(11)), { kind: 'late' });
  assert.deepEqual(seq.check(13, live(13)), { kind: 'accept', missed: 0 });
});

test('numbers going back while the server clock went forward: a restart, and the new numbering is followed', () => {
  const seq = new FrameSequencer();
  seq.check(500, live(500));
  assert.deepEqual(seq.check(3, live(3, 6)), { kind: 'restart', from: 500, to: 3 });
  assert.deepEqual(seq.check(4, live(4, 6)), { kind: 'accept', missed: 0 });
});

test('a restart hidden behind a higher number is caught by timestamp vs clock', () => {
  const seq = new FrameSequencer();
  seq.check(30, live(30));
  // New process started at server time 1.0 s and is at frame 120 (1.2 s in): number went up from 30.
  assert.deepEqual(seq.check(120, live(120, 1.0)), { kind: 'restart', from: 30, to: 120 });
});

test('a stalled sender (frames late by 100 ms) is not a restart', () => {
  const seq = new FrameSequencer();
  seq.check(30, live(30));
  assert.deepEqual(seq.check(31, live(31, 0, 0.1)), { kind: 'accept', missed: 0 });
});

test('without stamps (NatNet < 3.0), only a jump back of more than 1000 frames is a restart', () => {
  const seq = new FrameSequencer();
  const old = { editMode: false };
  seq.check(5000, old);
  assert.deepEqual(seq.check(4990, old), { kind: 'late' });
  assert.deepEqual(seq.check(5000, old), { kind: 'duplicate' });
  assert.equal(seq.check(10, old).kind, 'restart');
});

test('Edit mode: loops and seeks are accepted without counting anything', () => {
  const seq = new FrameSequencer();
  seq.check(100, live(100));
  const edit = (n: number) => ({ ...live(n), editMode: true });
  assert.deepEqual(seq.check(5, edit(5)), { kind: 'accept', missed: 0 });
  assert.deepEqual(seq.check(400, edit(400)), { kind: 'accept', missed: 0 });
  assert.deepEqual(seq.check(1, edit(1)), { kind: 'accept', missed: 0 });
  // Back to live: a fresh start, not a gap.
  assert.deepEqual(seq.check(900, live(900)), { kind: 'accept', missed: 0 });
});
