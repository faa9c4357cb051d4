import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codecFromSps, describeAccessUnit, nalUnits, NalType } from '../../renderer/src/video/h264';

const SPS = [0x67, 0x42, 0xc0, 0x20, 0xda, 0x01];
const PPS = [0x68, 0xce, 0x3c, 0x80];
const IDR = [0x65, 0x88, 0x84, 0x00, 0x33];
const P = [0x41, 0x9a, 0x02, 0x00];

test('an IDR access unit with SPS/PPS (4- and 3-byte start codes): its units, key flag and codec', () => {
  const au = new Uint8Array([0, 0, 0, 1, ...SPS, 0, 0, 0, 1, ...PPS, 0, 0, 1, ...IDR]);
  const units = nalUnits(au);
  assert.deepEqual(
    units.map((u) => u.type),
    [NalType.Sps, NalType.Pps, NalType.Idr],
  );
  assert.deepEqual([...au.subarray(units[0]!.start, units[0]!.end)], SPS);
  assert.deepEqual([...au.subarray(units[2]!.start, units[2]!.end)], IDR, 'a trailing zero of the IDR is data');
  assert.deepEqual(describeAccessUnit(au), { idr: true, codec: 'avc1.42C020', nalCount: 3 });
});

test('a P frame is not a place to start decoding, and says no codec', () => {
  assert.deepEqual(describeAccessUnit(new Uint8Array([0, 0, 0, 1, ...P])), { idr: false, codec: null, nalCount: 1 });
});

test('codec strings follow the SPS bytes: main and high profiles', () => {
  assert.equal(codecFromSps(new Uint8Array([0x67, 0x4d, 0x40, 0x28])), 'avc1.4D4028');
  assert.equal(codecFromSps(new Uint8Array([0x67, 0x64, 0x00, 0x1f, 0xac])), 'avc1.64001F');
  assert.equal(codecFromSps(new Uint8Array([0x67, 0x42])), null, 'too short');
  assert.equal(codecFromSps(new Uint8Array([0x68, 0x42, 0xc0, 0x20])), null, 'a PPS is not an SPS');
});

test('no start code, or only start codes: nothing to decode', () => {
  assert.deepEqual(nalUnits(new Uint8Array([0x65, 1, 2, 3])), []);
  assert.deepEqual(nalUnits(new Uint8Array([0, 0, 1, 0, 0, 1])), []);
  assert.deepEqual(describeAccessUnit(new Uint8Array(0)), { idr: false, codec: null, nalCount: 0 });
});

test('any bytes: never throws, units stay inside the buffer and in order', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const units = nalUnits(bytes);
      let previousEnd = 0;
      for (const u of units) {
        assert.ok(u.start >= previousEnd && u.start < u.end && u.end <= bytes.length);
        previousEnd = u.end;
      }
      describeAccessUnit(bytes);
    }),
    { numRuns: 2000 },
  );
});
