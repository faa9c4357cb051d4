// Companion payload codecs (protocol notes, docs/protocols/pupil.md §3): every gaze size, IMU protobuf, eye events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeEyeEvent,
  decodeGaze,
  decodeImu,
  encodeEyeEvent,
  encodeGaze,
  encodeImu,
  GAZE_PAYLOAD_LENGTHS,
  type GazeDatum,
  PupilPayloadError,
} from '../../main/protocols/pupil/payloads';

const full: GazeDatum = {
  x: 544.5,
  y: 540.25,
  worn: true,
  right: { x: 550, y: 530 },
  monoLeft: { x: 530.5, y: 541 },
  monoRight: { x: 560.5, y: 539 },
  eyes: {
    left: { pupilDiameterMm: 3.5, eyeballCenterMm: [-29, 12, -42], opticalAxis: [0.1, -0.05, 0.98] },
    right: { pupilDiameterMm: 4, eyeballCenterMm: [33, 13, -45], opticalAxis: [-0.1, -0.04, 0.99] },
  },
  eyelids: {
    left: { angleTopRad: 0.5, angleBottomRad: -0.25, apertureMm: 10 },
    right: { angleTopRad: 0.375, angleBottomRad: -0.125, apertureMm: 11 },
  },
};

test('the 9-byte gaze datum: big-endian floats x, y, then worn 255/0', () => {
  const b = Uint8Array.from([0x44, 0x08, 0x20, 0x00, 0x44, 0x07, 0x10, 0x00, 0xff]);
  assert.deepEqual(decodeGaze(b), { x: 544.5, y: 540.25, worn: true });
  b[8] = 0;
  assert.equal(decodeGaze(b).worn, false);
});

for (const length of GAZE_PAYLOAD_LENGTHS) {
  test(`gaze payload of ${length} bytes round-trips with the fields that size carries`, () => {
    const bytes = encodeGaze(full, length);
    assert.equal(bytes.length, length);
    const g = decodeGaze(bytes);
    assert.equal(g.x, 544.5);
    assert.equal(g.y, 540.25);
    assert.equal(g.worn, true);
    assert.equal(g.right !== undefined, length === 17);
    assert.equal(g.monoLeft !== undefined, length === 25 || length === 105);
    assert.equal(g.eyes !== undefined, length >= 65);
    assert.equal(g.eyelids !== undefined, length >= 89);
    if (length === 17) assert.deepEqual(g.right, full.right);
    if (length === 25 || length === 105) assert.deepEqual([g.monoLeft, g.monoRight], [full.monoLeft, full.monoRight]);
    if (length >= 65) {
      assert.equal(g.eyes!.right.pupilDiameterMm, 4);
      assert.deepEqual(g.eyes!.left.eyeballCenterMm, [-29, 12, -42]);
      assert.ok(Math.abs(g.eyes!.right.opticalAxis[2] - 0.99) < 1e-6);
    }
    if (length >= 89) assert.deepEqual(g.eyelids, full.eyelids);
  });
}

test('a gaze payload of an unknown length is a clear error, not a guess', () => {
  for (const n of [0, 8, 10, 21, 77, 200]) {
    assert.throws(
      () => decodeGaze(new Uint8Array(n)),
      (e: unknown) => e instanceof PupilPayloadError && /known/.test((e as Error).message),
    );
  }
});

test('IMU protobuf: tsNs, accel, gyro, quaternion w,x,y,z round-trip; unknown fields skipped', () => {
  const imu = {
    timestampNs: 1_763_700_000_123_456_789,
    accelG: [0.25, -1, 0.5] as [number, number, number],
    gyroDegPerS: [5, -3, 0.125] as [number, number, number],
    quaternion: [0.5, 0.5, -0.5, 0.5] as [number, number, number, number],
  };
  const bytes = encodeImu(imu);
  const back = decodeImu(bytes);
  // tsNs is a uint64 varint: exact up to the double's 256 ns resolution at this magnitude.
  assert.ok(Math.abs(back.timestampNs - imu.timestampNs) <= 256);
  assert.deepEqual([back.accelG, back.gyroDegPerS, back.quaternion], [imu.accelG, imu.gyroDegPerS, imu.quaternion]);
  // An unknown varint field 9 and fixed64 field 10 in front change nothing.
  const extra = Uint8Array.from([(9 << 3) | 0, 0x96, 0x01, (10 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8, ...bytes]);
  assert.deepEqual(decodeImu(extra).quaternion, imu.quaternion);
});

test('IMU: truncated or hostile protobuf is a PupilPayloadError', () => {
  const bytes = encodeImu({ timestampNs: 1, accelG: [0, 0, 0], gyroDegPerS: [0, 0, 0], quaternion: [1, 0, 0, 0] });
  // Cut inside a field: an error. Cut at a field boundary: a valid (shorter) protobuf message.
  let errors = 0;
  for (let n = 0; n < bytes.length; n++) {
    try {
      decodeImu(bytes.subarray(0, n));
    } catch (e) {
      assert.ok(e instanceof PupilPayloadError, `cut at ${n}: ${String(e)}`);
      errors++;
    }
  }
  assert.ok(errors >= bytes.length - 4, `${errors} of ${bytes.length} cuts rejected`);
  // A length prefix far beyond the payload.
  assert.throws(() => decodeImu(Uint8Array.from([0x08, 0x01, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f])), PupilPayloadError);
  // An 11-byte varint.
  assert.throws(() => decodeImu(Uint8Array.from([0x08, ...new Array(11).fill(0xff)])), PupilPayloadError);
});

test('eye events: fixation, saccade, onsets and blink round-trip; keep-alive is skipped (null)', () => {
  const fixation = {
    type: 'fixation' as const,
    startNs: 1_763_700_000_000_000_000,
    endNs: 1_763_700_000_250_000_000,
    start: [100, 200] as [number, number],
    end: [110, 190] as [number, number],
    mean: [105, 195] as [number, number],
    amplitudePx: 14.5,
    amplitudeDeg: 1.25,
    meanVelocity: 30,
    maxVelocity: 80,
  };
  const f = encodeEyeEvent(fixation);
  assert.equal(f.length, 60);
  assert.deepEqual(decodeEyeEvent(f), fixation);
  assert.deepEqual(decodeEyeEvent(encodeEyeEvent({ ...fixation, type: 'saccade' })), { ...fixation, type: 'saccade' });
  const onset = { type: 'fixationOnset' as const, startNs: 1_763_700_000_000_000_000 };
  assert.equal(encodeEyeEvent(onset).length, 12);
  assert.deepEqual(decodeEyeEvent(encodeEyeEvent(onset)), onset);
  const blink = { type: 'blink' as const, startNs: 1_763_700_000_000_000_000, endNs: 1_763_700_000_150_000_000 };
  assert.equal(encodeEyeEvent(blink).length, 20);
  assert.deepEqual(decodeEyeEvent(encodeEyeEvent(blink)), blink);
  assert.equal(decodeEyeEvent(encodeEyeEvent(null)), null);
  assert.equal(decodeEyeEvent(Uint8Array.from([0, 0, 0, 5, 0, 0, 0, 0])), null, 'a longer keep-alive is still one');
});

test('eye events: short or unknown types are errors', () => {
  assert.throws(() => decodeEyeEvent(new Uint8Array(3)), PupilPayloadError);
  assert.throws(() => decodeEyeEvent(Uint8Array.from([0, 0, 0, 1, 0, 0])), /needs 60 bytes/);
  assert.throws(() => decodeEyeEvent(Uint8Array.from([0, 0, 0, 9])), /unknown eye event type 9/);
});

test('property: any bytes decode as gaze/IMU/eye event or fail with PupilPayloadError only', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      for (const decode of [decodeGaze, decodeImu, decodeEyeEvent]) {
        try {
          decode(b);
        } catch (e) {
          assert.ok(e instanceof PupilPayloadError, `${decode.name}: ${String(e)}`);
        }
      }
    }),
    { numRuns: 2000 },
  );
});
