/**
 * Hostile-input and round-trip properties of the NatNet codec. Run counts are fixed (and the seed is
 * printed by fast-check on failure), so each property finishes in a few seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  NatNetDecodeError,
  decodeMessage,
  encodeMessage,
  formatVersion,
  versionAtLeast,
} from '../../main/protocols/natnet/codec';
import { NatNetLimits, type FrameOfData, type NatNetMessage, type Version4 } from '../../main/protocols/natnet/types';

const FIXTURES = path.join(__dirname, '../fixtures/natnet');

const VERSIONS: Version4[] = [
  [2, 0, 0, 0],
  [2, 1, 0, 0],
  [2, 3, 0, 0],
  [2, 5, 0, 0],
  [2, 6, 0, 0],
  [2, 7, 0, 0],
  [2, 9, 0, 0],
  [3, 0, 0, 0],
  [4, 0, 0, 0],
  [4, 1, 0, 0],
  [4, 2, 0, 0],
];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function bitstreamOf(file: string): Version4 {
  if (file.includes('1.5.0')) return [2, 5, 0, 0];
  if (file.includes('1.7.2')) return [2, 7, 0, 0];
  if (file.includes('1.9.0')) return [2, 9, 0, 0];
  if (file.includes('motive-2.1')) return [3, 0, 0, 0];
  if (file.includes(`${path.sep}v40${path.sep}`)) return [4, 0, 0, 0];
  if (file.includes(`${path.sep}v41${path.sep}`)) return [4, 1, 0, 0];
  return [4, 2, 0, 0];
}

const FIXTURE_SET = walk(FIXTURES)
  .filter((f) => f.endsWith('.bin'))
  .sort()
  .map((f) => ({ name: path.relative(FIXTURES, f), bytes: new Uint8Array(readFileSync(f)), v: bitstreamOf(f) }));

/**
 * What a successful decode may hold: no list beyond the largest NatNet limit, and no more elements in
 * all arrays together than the datagram has bytes (every decoded element consumed at least one byte).
 * A decoder that allocated from an unchecked count would break one of the two.
 */
function assertBounded(m: NatNetMessage, datagramLength: number): void {
  let total = 0;
  const visit = (x: unknown, depth: number): void => {
    assert.ok(depth < 12, 'decoded structure nests too deep');
    if (x instanceof Uint8Array) {
      total += x.length;
      return;
    }
    if (Array.isArray(x)) {
      assert.ok(x.length <= NatNetLimits.maxModels, `a decoded list of ${x.length} exceeds every limit`);
      total += x.length;
      for (const e of x) visit(e, depth + 1);
      return;
    }
    if (x !== null && typeof x === 'object') for (const v of Object.values(x)) visit(v, depth + 1);
  };
  visit(m, 0);
  assert.ok(total <= datagramLength, `decoded ${total} elements from a ${datagramLength}-byte datagram`);
  if (m.type === 'frameOfData') {
    const f = m.frame;
    assert.ok(f.rigidBodies.length <= NatNetLimits.maxRigidBodies);
    assert.ok(f.labeledMarkers.length <= NatNetLimits.maxLabeledMarkers);
    assert.ok(f.legacyMarkers.length <= NatNetLimits.maxUnlabeledMarkers);
    assert.ok(f.markerSets.length <= NatNetLimits.maxMarkerSets);
    assert.ok(f.skeletons.length <= NatNetLimits.maxSkeletons);
    assert.ok(f.forcePlates.length <= NatNetLimits.maxForcePlates);
    assert.ok(f.devices.length <= NatNetLimits.maxDevices);
  }
}

/** Decodes; the only acceptable failure is NatNetDecodeError. Returns whether it decoded. */
function decodeSafely(bytes: Uint8Array, v: Version4, what: string): boolean {
  let m: NatNetMessage;
  try {
    m = decodeMessage(bytes, v);
  } catch (e) {
    if (e instanceof NatNetDecodeError) return false;
    throw new Error(`${what} (as ${formatVersion(v)}) threw ${String(e)}`, { cause: e });
  }
  assertBounded(m, bytes.length);
  return true;
}

function withPayloadLength(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 4) new DataView(bytes.buffer, bytes.byteOffset).setUint16(2, bytes.length - 4, true);
  return bytes;
}

const versionArb = fc.constantFrom(...VERSIONS);
const fixtureArb = fc.constantFrom(...FIXTURE_SET);

test('the fuzz corpus is the full fixture set', () => {
  assert.equal(FIXTURE_SET.length, 27);
  for (const f of FIXTURE_SET) assert.ok(decodeSafely(f.bytes, f.v, f.name), `${f.name} must decode`);
});

test('random bytes never throw anything but NatNetDecodeError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 700 }), versionArb, (bytes, v) => {
      decodeSafely(bytes, v, 'random bytes');
    }),
    { numRuns: 2000 },
  );
  // With a well-formed header, random payloads reach every message decoder.
  const ids = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 100, 0xffff];
  fc.assert(
    fc.property(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 700 }), versionArb, (id, payload, v) => {
      const bytes = new Uint8Array(4 + payload.length);
      bytes.set(payload, 4);
      new DataView(bytes.buffer).setUint16(0, id, true);
      decodeSafely(withPayloadLength(bytes), v, `id ${id} with random payload`);
    }),
    { numRuns: 3000 },
  );
});

test('every fixture truncated at every length fails cleanly (raw, and with nDataBytes fixed up)', () => {
  let decoded = 0;
  for (const f of FIXTURE_SET) {
    for (let len = 0; len < f.bytes.length; len++) {
      decodeSafely(f.bytes.slice(0, len), f.v, `${f.name} cut to ${len}`);
      if (decodeSafely(withPayloadLength(f.bytes.slice(0, len)), f.v, `${f.name} cut to ${len}, header fixed`)) {
        decoded++;
      }
    }
  }
  // Connect/keepalive style payloads legitimately decode when cut; frames and descriptions must not.
  assert.ok(decoded > 0);
  for (const f of FIXTURE_SET.filter((x) => x.name.includes('frame') && !x.name.includes('-000'))) {
    for (let len = 4; len < f.bytes.length; len++) {
      assert.throws(() => decodeMessage(withPayloadLength(f.bytes.slice(0, len)), f.v), NatNetDecodeError);
    }
  }
});

test('hostile counts written at every offset of every fixture fail cleanly without a huge allocation', () => {
  const rssBefore = process.resourceUsage().maxRSS;
  const hostile = [0x7fffffff, -1, -0x80000000, 0x10000, 1001, 2001, 201];
  for (const f of FIXTURE_SET) {
    for (let at = 4; at + 4 <= f.bytes.length; at++) {
      for (const value of hostile) {
        const copy = f.bytes.slice();
        new DataView(copy.buffer).setInt32(at, value, true);
        decodeSafely(copy, f.v, `${f.name} with ${value} at ${at}`);
      }
    }
  }
  // maxRSS (KiB) is a high-water mark: an allocation sized by any of those counts would show here.
  const grownMiB = (process.resourceUsage().maxRSS - rssBefore) / 1024;
  assert.ok(grownMiB < 256, `peak memory grew by ${grownMiB.toFixed(0)} MiB`);
});

test('mutated fixtures (bit flips, splices, cuts, count overwrites) never throw anything else', () => {
  const flip = fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) });
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flips' as const), flips: fc.array(flip, { minLength: 1, maxLength: 8 }) }),
    fc.record({
      kind: fc.constant('splice' as const),
      at: fc.nat(),
      del: fc.nat({ max: 40 }),
      insert: fc.uint8Array({ maxLength: 40 }),
      fixLength: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('count' as const),
      at: fc.nat(),
      value: fc.constantFrom(0x7fffffff, -1, -0x80000000, 0xffff, 1000, 1001, 0, 1, 2, 30, 33),
    }),
  );
  fc.assert(
    fc.property(fixtureArb, mutation, fc.boolean(), versionArb, (f, mut, ownVersion, other) => {
      let bytes: Uint8Array = f.bytes.slice();
      switch (mut.kind) {
        case 'flips':
          for (const { at, bit } of mut.flips) bytes[at % bytes.length]! ^= 1 << bit;
          break;
        case 'splice': {
          const at = mut.at % (bytes.length + 1);
          const out = new Uint8Array(bytes.length - Math.min(mut.del, bytes.length - at) + mut.insert.length);
          out.set(bytes.subarray(0, at));
          out.set(mut.insert, at);
          out.set(bytes.subarray(Math.min(bytes.length, at + mut.del)), at + mut.insert.length);
          bytes = mut.fixLength ? withPayloadLength(out) : out;
          break;
        }
        case 'count': {
          if (bytes.length < 8) return;
          const at = 4 + (mut.at % (bytes.length - 7));
          new DataView(bytes.buffer).setInt32(at, mut.value, true);
          break;
        }
      }
      decodeSafely(bytes, ownVersion ? f.v : other, `${f.name} mutated (${mut.kind})`);
    }),
    { numRuns: 3000 },
  );
});

// ------------------------------------------------------------------------------------------------
// Arbitrary valid frames: the superset of every version's fields; the encoder drops what a version lacks.

const f32 = fc.float(); // 32-bit floats, NaN and ±Infinity included: the wire carries them too
const f64 = fc.double();
const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const i16 = fc.integer({ min: -32768, max: 32767 });
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const ticks = fc.maxSafeNat();
const nameArb = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0'));
const small = { maxLength: 4 };
const point = fc.record({ x: f32, y: f32, z: f32 });

const rigidBody = fc
  .record({
    id: i32,
    x: f32,
    y: f32,
    z: f32,
    qx: f32,
    qy: f32,
    qz: f32,
    qw: f32,
    meanError: f32,
    params: i16,
    markers: fc.array(fc.record({ x: f32, y: f32, z: f32, id: i32, size: f32 }), small),
  })
  .map((rb) => ({ ...rb, valid: (rb.params & 1) !== 0 }));

const marker = fc
  .record({ id: i32, x: f32, y: f32, z: f32, size: f32, params: i16, residual: f32 })
  .map((m) => ({ ...m, modelId: m.id >>> 16, markerId: m.id & 0xffff }));

const analog = fc.record({ id: i32, channels: fc.array(fc.array(f32, small), { maxLength: 3 }) });

const frameArb: fc.Arbitrary<FrameOfData> = fc.record({
  frameNumber: i32,
  markerSets: fc.array(fc.record({ name: nameArb, markers: fc.array(point, small) }), { maxLength: 3 }),
  legacyMarkers: fc.array(point, small),
  rigidBodies: fc.array(rigidBody, small),
  skeletons: fc.array(fc.record({ id: i32, bones: fc.array(rigidBody, { maxLength: 3 }) }), { maxLength: 2 }),
  assets: fc.array(
    fc.record({
      id: i32,
      rigidBodies: fc.array(
        fc.record({ id: i32, x: f32, y: f32, z: f32, qx: f32, qy: f32, qz: f32, qw: f32, meanError: f32, params: i16 }),
        { maxLength: 3 },
      ),
      markers: fc.array(fc.record({ id: i32, x: f32, y: f32, z: f32, size: f32, params: i16, residual: f32 }), {
        maxLength: 3,
      }),
    }),
    { maxLength: 2 },
  ),
  labeledMarkers: fc.array(marker, small),
  forcePlates: fc.array(analog, { maxLength: 2 }),
  devices: fc.array(analog, { maxLength: 2 }),
  latency: f32,
  timecode: u32,
  timecodeSubframe: u32,
  timestamp: f64,
  cameraMidExposureTicks: ticks,
  cameraDataReceivedTicks: ticks,
  transmitTicks: ticks,
  precisionTimestampSeconds: u32,
  precisionTimestampFraction: u32,
  params: i16,
});

test('arbitrary valid frames round-trip encode → decode → encode to identical bytes in every bitstream', () => {
  for (const v of VERSIONS) {
    const at = (major: number, minor: number) => versionAtLeast(v, major, minor);
    fc.assert(
      fc.property(frameArb, (frame) => {
        const first = encodeMessage({ type: 'frameOfData', frame }, v);
        const m = decodeMessage(first, v);
        assert.equal(m.type, 'frameOfData');
        const back = (m as Extract<NatNetMessage, { type: 'frameOfData' }>).frame;
        assert.deepEqual(encodeMessage(m, v), first);
        // Lists a version has come back complete; lists it lacks come back empty.
        assert.equal(back.frameNumber, frame.frameNumber);
        assert.equal(back.rigidBodies.length, frame.rigidBodies.length);
        assert.equal(back.markerSets.length, frame.markerSets.length);
        assert.deepEqual(
          back.markerSets.map((s) => s.name),
          frame.markerSets.map((s) => s.name),
        );
        assert.equal(back.skeletons.length, at(2, 1) ? frame.skeletons.length : 0);
        assert.equal(back.assets.length, at(4, 1) ? frame.assets.length : 0);
        assert.equal(back.labeledMarkers.length, at(2, 3) ? frame.labeledMarkers.length : 0);
        assert.equal(back.forcePlates.length, at(2, 9) ? frame.forcePlates.length : 0);
        assert.equal(back.devices.length, at(3, 0) ? frame.devices.length : 0);
        assert.equal(back.params, at(2, 6) ? frame.params : undefined);
        assert.equal(back.transmitTicks, at(3, 0) ? frame.transmitTicks : undefined);
        assert.equal(back.precisionTimestampSeconds, at(4, 1) ? frame.precisionTimestampSeconds : undefined);
        if (at(2, 7)) assert.ok(Object.is(back.timestamp, frame.timestamp));
        const rb = back.rigidBodies[0];
        if (rb) {
          assert.equal(rb.id, frame.rigidBodies[0]!.id);
          assert.equal(rb.markers?.length, at(3, 0) ? undefined : frame.rigidBodies[0]!.markers?.length);
          if (at(2, 6)) assert.equal(rb.valid, frame.rigidBodies[0]!.valid);
        }
      }),
      { numRuns: 250 },
    );
  }
});
