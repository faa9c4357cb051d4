/**
 * The shared pose buffer the headless link's worker writes and the page reads
 * (renderer/src/stores/shared-poses.ts): layout round trip, growth, slot reuse, and no torn reads,
 * including with a writer on another thread hammering the slot the reader copies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { BatchLimits, type PackedBody, type PosesSection } from '../../preload/api';
import {
  FREE_SLOT,
  INITIAL_SHARED_POSE_CAPACITY,
  SHARED_POSE_LIMITS,
  SharedPoseReader,
  SharedPoseWriter,
  createPoseSlotCopy,
  sharedPoseBytes,
  slotSeqIndex,
  type PoseSlotCopy,
} from '../../renderer/src/stores/shared-poses';

function body(id: number, v = id): PackedBody {
  return { id, x: v, y: v + 0.5, z: -v, qx: 0, qy: 0.25, qz: 0, qw: 0.75, valid: id % 3 !== 0 };
}

function section(handle: number, opts: Partial<PosesSection> & { bodyCount?: number; markerCount?: number } = {}) {
  const bodyCount = opts.bodyCount ?? 3;
  const markerCount = opts.markerCount ?? 2;
  const markers = new Float64Array(markerCount * 3).map((_, i) => handle * 100 + i * 0.25);
  const out: PosesSection = {
    type: 'poses',
    handle,
    frameNumber: 42,
    hostTimeMs: 1_700_000_000_000.5,
    deviceTimeMs: null,
    recording: null,
    samples: 2,
    bodies: Array.from({ length: bodyCount }, (_, i) => body(i + 1, handle * 10 + i)),
    markers,
    ...opts,
  };
  return out;
}

function readOk(reader: SharedPoseReader, slot: number): PoseSlotCopy {
  const copy = createPoseSlotCopy();
  assert.equal(reader.read(slot, copy), 'ok');
  return copy;
}

function bodiesOf(copy: PoseSlotCopy): PackedBody[] {
  const out: PackedBody[] = [];
  for (let i = 0; i < copy.bodyCount; i++) {
    const b = copy.bodies.subarray(i * 9, i * 9 + 9);
    out.push({
      id: b[0]!,
      x: b[1]!,
      y: b[2]!,
      z: b[3]!,
      qx: b[4]!,
      qy: b[5]!,
      qz: b[6]!,
      qw: b[7]!,
      valid: b[8] === 1,
    });
  }
  return out;
}

test('a written section reads back whole: header fields, bodies, markers', () => {
  const writer = new SharedPoseWriter();
  const s = section(7, { frameNumber: 99, deviceTimeMs: 12.5, recording: true, bodyCount: 4, markerCount: 5 });
  const result = writer.write(s, 1_700_000_000_010.25);
  assert.deepEqual(result, { status: 'stored', reallocated: false, bodySetChanged: true, recordingChanged: true });
  assert.ok(writer.buffer instanceof SharedArrayBuffer);
  assert.equal(writer.buffer.byteLength, sharedPoseBytes(INITIAL_SHARED_POSE_CAPACITY));

  const reader = new SharedPoseReader(writer.buffer);
  const copy = readOk(reader, 0);
  assert.equal(copy.handle, 7);
  assert.equal(copy.frameNumber, 99);
  assert.equal(copy.hostTimeMs, s.hostTimeMs);
  assert.equal(copy.deviceTimeMs, 12.5);
  assert.equal(copy.storedAtMs, 1_700_000_000_010.25);
  assert.equal(copy.samples, 2);
  assert.equal(copy.recording, true);
  assert.deepEqual(bodiesOf(copy), s.bodies);
  assert.equal(copy.markerCount, 5);
  assert.deepEqual([...copy.markers.subarray(0, 15)], [...Float32Array.from(s.markers)]);
  // Unused slots are free, and say so.
  assert.equal(readOk(reader, 1).handle, FREE_SLOT);
  assert.equal(readOk(reader, 1).bodyCount, 0);
});

test('unknown values read back as null; the same body ids again are not a change', () => {
  const writer = new SharedPoseWriter();
  writer.write(section(1, { frameNumber: null, recording: null }), 1);
  const again = writer.write(section(1, { frameNumber: null, recording: null }), 2);
  assert.deepEqual(again, { status: 'stored', reallocated: false, bodySetChanged: false, recordingChanged: false });
  const copy = readOk(new SharedPoseReader(writer.buffer), 0);
  assert.equal(copy.frameNumber, null);
  assert.equal(copy.deviceTimeMs, null);
  assert.equal(copy.recording, null);
  const fewer = writer.write(section(1, { bodyCount: 2 }), 3);
  assert.equal(fewer.status === 'stored' && fewer.bodySetChanged, true);
  assert.deepEqual(writer.bodyIds(1), [1, 2]);
});

test('the version moves with every write and forget; a slot sequence only when that slot changes', () => {
  const writer = new SharedPoseWriter();
  const reader = new SharedPoseReader(writer.buffer);
  const v0 = reader.version();
  writer.write(section(1), 1);
  writer.write(section(2), 1);
  assert.equal(reader.version(), v0 + 2);
  const seq0 = reader.seq(0);
  const seq1 = reader.seq(1);
  writer.write(section(2), 2);
  assert.equal(reader.seq(0), seq0, 'slot 0 untouched');
  assert.equal(reader.seq(1), seq1 + 2, 'one write: odd, then even again');
  assert.equal(reader.seq(1) % 2, 0);
});

test('a reader never takes a copy while the writer is inside the slot (seqlock)', () => {
  const writer = new SharedPoseWriter();
  writer.write(section(3, { frameNumber: 1 }), 1);
  const reader = new SharedPoseReader(writer.buffer);
  const words = new Int32Array(writer.buffer);
  const copy = createPoseSlotCopy();

  // Play a writer that began (odd sequence) and has not finished: half the bodies are new.
  Atomics.add(words, slotSeqIndex(0), 1);
  const f64 = new Float64Array(writer.buffer);
  const x = f64.indexOf(section(3).bodies[0]!.x);
  assert.ok(x > 0, 'found the first body in the buffer');
  f64[x] = 12345;
  assert.equal(reader.read(0, copy), 'busy', 'an odd sequence is a write in progress');

  // It finishes: the sequence is even and different, the copy is whole again.
  Atomics.add(words, slotSeqIndex(0), 1);
  assert.equal(reader.read(0, copy), 'ok');
  assert.equal(copy.bodies[1], 12345);
});

test('a bigger device re-allocates the buffer with every slot carried over; old readers stay consistent', () => {
  const writer = new SharedPoseWriter();
  writer.write(section(1, { bodyCount: 2, markerCount: 1 }), 1);
  writer.write(section(2, { bodyCount: 3 }), 1);
  const before = writer.buffer;
  const oldReader = new SharedPoseReader(before);

  const big = section(2, { bodyCount: INITIAL_SHARED_POSE_CAPACITY.bodies + 1, markerCount: 1000 });
  const result = writer.write(big, 2);
  assert.equal(result.status === 'stored' && result.reallocated, true);
  assert.notEqual(writer.buffer, before);
  assert.equal(writer.capacity.bodies, INITIAL_SHARED_POSE_CAPACITY.bodies * 2);
  assert.equal(writer.capacity.markers, 1000);

  const reader = new SharedPoseReader(writer.buffer);
  assert.equal(reader.version(), oldReader.version() + 1, 'the version carries on');
  const one = readOk(reader, 0);
  assert.equal(one.handle, 1);
  assert.deepEqual(bodiesOf(one), section(1, { bodyCount: 2 }).bodies);
  assert.equal(one.markers[0], 100);
  const two = readOk(reader, 1);
  assert.equal(two.bodyCount, big.bodies.length);
  assert.deepEqual(bodiesOf(two), big.bodies);
  assert.equal(two.markerCount, 1000);

  // The old buffer is no longer written: still the old, whole poses of device 2.
  assert.equal(readOk(oldReader, 1).bodyCount, 3);
});

test('more devices than slots grow the slot table up to the limit, then are refused; forgetting frees a slot', () => {
  const writer = new SharedPoseWriter();
  for (let h = 0; h < SHARED_POSE_LIMITS.slots; h++) {
    assert.equal(writer.write(section(h, { bodyCount: 1, markerCount: 0 }), h).status, 'stored', `device ${h}`);
  }
  assert.equal(writer.capacity.slots, SHARED_POSE_LIMITS.slots);
  assert.deepEqual(writer.write(section(1000), 1), { status: 'full' });

  assert.equal(writer.forget(5), true);
  assert.equal(writer.forget(5), false);
  const reader = new SharedPoseReader(writer.buffer);
  const freed = readOk(reader, 5);
  assert.equal(freed.handle, FREE_SLOT);
  assert.equal(freed.bodyCount, 0);
  assert.equal(writer.write(section(1000), 2).status, 'stored');
  assert.equal(readOk(reader, 5).handle, 1000, 'the new device took the freed slot');
  assert.equal(writer.handles().length, SHARED_POSE_LIMITS.slots);
});

test('handles the layout cannot name are refused; limits match what a batch may carry', () => {
  const writer = new SharedPoseWriter();
  for (const handle of [-1, 1.5, NaN, 2 ** 31])
    assert.deepEqual(writer.write(section(handle), 1), { status: 'bad-handle' });
  assert.equal(SHARED_POSE_LIMITS.bodies, BatchLimits.maxBodies);
  assert.equal(SHARED_POSE_LIMITS.markers, BatchLimits.maxMarkers);
  assert.equal(SHARED_POSE_LIMITS.slots, BatchLimits.maxSections);
  // The worst case stays bounded (~17 MB).
  assert.ok(sharedPoseBytes(SHARED_POSE_LIMITS) < 20 * 1024 * 1024);
  assert.throws(() => new SharedPoseWriter({ capacity: { bodies: BatchLimits.maxBodies + 1 } }), RangeError);
  assert.throws(() => new SharedPoseReader(new SharedArrayBuffer(64)), /bad magic/);
});

test('works on a plain ArrayBuffer too (one thread)', () => {
  const writer = new SharedPoseWriter({ allocate: (bytes) => new ArrayBuffer(bytes) });
  writer.write(section(4), 1);
  assert.ok(!(writer.buffer instanceof SharedArrayBuffer));
  assert.equal(readOk(new SharedPoseReader(writer.buffer), 0).handle, 4);
});

/**
 * A writer thread rewrites one slot as fast as it can; every field of write k holds k (bodies,
 * markers, frame number, and a body count derived from k). The page-side reader copies the slot over
 * and over on this thread: every copy it accepts must come from a single write.
 */
test('no torn reads with a writer on another thread', async (t) => {
  const control = new Int32Array(new SharedArrayBuffer(8)); // [0] go/done  [1] writes completed
  const modulePath = join(__dirname, '../../renderer/src/stores/shared-poses.ts');
  const source = `
    require('tsx/cjs/api').register();
    const { parentPort, workerData } = require('node:worker_threads');
    const { SharedPoseWriter } = require(workerData.modulePath);
    const control = workerData.control;
    const writer = new SharedPoseWriter({ capacity: { slots: 1, bodies: 400, markers: 2000 } });
    const bodies = Array.from({ length: 400 }, (_, i) => ({ id: i, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 0, valid: true }));
    const markers = new Float64Array(2000 * 3);
    const section = { type: 'poses', handle: 1, frameNumber: 0, hostTimeMs: 0, deviceTimeMs: null, recording: null, samples: 1, bodies, markers };
    const write = (k) => {
      const n = 200 + (k % 200);
      section.frameNumber = k;
      section.hostTimeMs = k;
      section.bodies = bodies.slice(0, n);
      for (let i = 0; i < n; i++) { const b = bodies[i]; b.x = b.y = b.z = b.qx = b.qy = b.qz = b.qw = k; }
      markers.fill(k % 16777216);
      section.markers = markers.subarray(0, (1000 + (k % 1000)) * 3);
      writer.write(section, k);
    };
    write(0);
    parentPort.postMessage(writer.buffer);
    Atomics.wait(control, 0, 0);
    let k = 1;
    const until = Date.now() + workerData.ms;
    while (Atomics.load(control, 0) === 1 && Date.now() < until) { write(k++); Atomics.store(control, 1, k); }
    Atomics.store(control, 0, 2);
  `;
  const worker = new Worker(source, { eval: true, workerData: { modulePath, control, ms: 1500 } });
  try {
    const buffer = await new Promise<SharedArrayBuffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the writer thread did not start within 10 s')), 10_000);
      worker.once('message', (b: SharedArrayBuffer) => {
        clearTimeout(timer);
        resolve(b);
      });
      worker.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const reader = new SharedPoseReader(buffer);
    const copy = createPoseSlotCopy();
    Atomics.store(control, 0, 1);
    Atomics.notify(control, 0);

    let ok = 0;
    let busy = 0;
    let torn = 0;
    const frames = new Set<number>();
    const deadline = Date.now() + 5_000;
    while (Atomics.load(control, 0) === 1 && Date.now() < deadline) {
      if (reader.read(0, copy) === 'busy') {
        busy++;
        continue;
      }
      ok++;
      const k = copy.frameNumber!;
      frames.add(k);
      let whole = copy.hostTimeMs === k && copy.storedAtMs === k && copy.bodyCount === 200 + (k % 200);
      whole &&= copy.markerCount === 1000 + (k % 1000);
      for (let i = 0; whole && i < copy.bodyCount; i++) {
        for (let f = 1; f < 8; f++) if (copy.bodies[i * 9 + f] !== k) whole = false;
      }
      for (let i = 0; whole && i < copy.markerCount * 3; i++) if (copy.markers[i] !== k % 16777216) whole = false;
      if (!whole) torn++;
    }
    Atomics.store(control, 0, 2);
    const writes = Atomics.load(control, 1);
    t.diagnostic(`${writes} writes; ${ok} copies taken (${frames.size} different writes), ${busy} refused as busy`);
    assert.equal(torn, 0, `${torn} of ${ok} accepted copies mixed two writes`);
    assert.ok(ok > 0, 'the reader never got a copy');
    assert.ok(writes > 10 && frames.size > 1, 'the writer did not run alongside the reader');
  } finally {
    await worker.terminate();
  }
});
