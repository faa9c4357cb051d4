import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodePoses, type PosesMessage } from '../../main/recording/poses-encoder';
import { SIGHTLINE_POSES_PROTO, SIGHTLINE_POSES_REFERENCE } from '../../main/recording/proto-schemas';

const reference = (m: PosesMessage): number[] => [...SIGHTLINE_POSES_REFERENCE.encode(m)];

test('sightline.Poses by hand: the bytes protobufjs writes, for a Motive-like and a VRPN-like message', () => {
  const n = 30;
  const motive: PosesMessage = {
    host_time_ns: 1.7e18 + 123_456_768,
    device_time_ns: 1.7e18 + 100_000_000,
    device_clock_ns: 987_654_321_000,
    frame_number: 123_456,
    ids: Int32Array.from({ length: n }, (_, i) => i + 1),
    valid: Array.from({ length: n }, (_, i) => i % 7 !== 0),
    positions: Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(i) * 3),
    rotations: Float32Array.from({ length: n * 4 }, (_, i) => Math.cos(i)),
    // A view at an offset into a larger buffer, as the hand-off gives the worker.
    markers: new Float32Array(Float32Array.from({ length: 400 }, (_, i) => i / 7 - 20).buffer, 40, 300),
    recording: false,
  };
  assert.deepEqual([...encodePoses(motive)], reference(motive));
  const vrpn: PosesMessage = {
    host_time_ns: 1.7e18,
    device_clock_ns: -5e9 - 0.5,
    ids: new Int32Array([1, -2, 2 ** 31 - 1, -(2 ** 31)]),
    valid: [true, true, false, true],
    positions: new Float32Array(12).fill(NaN),
    rotations: new Float32Array(16).fill(-0),
    markers: [],
  };
  assert.deepEqual([...encodePoses(vrpn)], reference(vrpn));
  assert.deepEqual([...encodePoses({})], reference({}));
});

test('sightline.Poses by hand: the same bytes as protobufjs for any message (fast-check)', () => {
  const int64ish = fc.oneof(
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
    fc.double({ min: -2e18, max: 2e18, noNaN: true }),
    fc.constantFrom(0, 1.7e18, 2 ** 53, -(2 ** 53), 2 ** 63 - 1024),
  );
  const floats = fc.array(fc.float({ noDefaultInfinity: false }), { maxLength: 40 });
  fc.assert(
    fc.property(
      fc.record(
        {
          host_time_ns: int64ish,
          device_time_ns: int64ish,
          device_clock_ns: int64ish,
          frame_number: int64ish,
          ids: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 20 }),
          valid: fc.array(fc.boolean(), { maxLength: 20 }),
          positions: floats.map((a) => Float32Array.from(a)),
          rotations: floats,
          markers: floats.map((a) => Float32Array.from(a)),
          recording: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      (m) => {
        assert.deepEqual([...encodePoses(m)], reference(m));
      },
    ),
    { numRuns: 500 },
  );
});

test('the recorder encodes sightline.Poses with the hand encoder, under the reference schema', () => {
  assert.equal(SIGHTLINE_POSES_PROTO.name, 'sightline.Poses');
  assert.deepEqual(SIGHTLINE_POSES_PROTO.data(), SIGHTLINE_POSES_REFERENCE.data());
  const m: PosesMessage = { host_time_ns: 5, ids: [3], valid: [true], positions: [1, 2, 3], rotations: [0, 0, 0, 1] };
  assert.deepEqual([...SIGHTLINE_POSES_PROTO.encode(m)], reference(m));
});
