// H.264 over RTP: SPS parsing and codec strings, single NAL / FU-A / STAP-A reassembly into Annex B
// access units, closing on the marker bit or a timestamp change, and holding until an IDR after loss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { accessUnitsFromAnnexB, parseSps, splitAnnexB, toAnnexB } from '../../main/net/rtsp/h264';
import { type AccessUnit, H264Depacketizer, packetizeH264 } from '../../main/net/rtsp/h264-rtp';
import { loadSceneClip } from '../../main/protocols/pupil/scene-clip';

const clip = loadSceneClip();
const nal = (type: number, size: number, fill = 0xab) => {
  const b = new Uint8Array(size).fill(fill);
  b[0] = 0x60 | type;
  return b;
};

test('SPS of the demo clip: 1088×1080 constrained baseline, codec string avc1.42C028', () => {
  const info = parseSps(clip.sps);
  assert.deepEqual(info, {
    profileIdc: 66,
    constraintFlags: 0xc0,
    levelIdc: 40,
    width: 1088,
    height: 1080,
    codec: 'avc1.42C028',
  });
  assert.equal(clip.units.length, 120, '4 s at 30 fps');
});

test('a high-profile SPS with cropping (1920×1080 from 1088 rows)', () => {
  // x264 high profile 1920x1080 SPS.
  const sps = Buffer.from('Z2QAKKzZQHgCJ+XARAAAAwAEAAADAPA8YMZY', 'base64');
  const info = parseSps(new Uint8Array(sps));
  assert.equal(info.codec, 'avc1.640028');
  assert.deepEqual([info.width, info.height], [1920, 1080]);
});

test('Annex B: split with 3- and 4-byte start codes, join, and group into access units', () => {
  const stream = Uint8Array.of(
    0,
    0,
    0,
    1,
    0x67,
    1,
    2,
    0,
    0,
    1,
    0x68,
    3,
    0,
    0,
    0,
    1,
    0x65,
    0x88,
    9,
    0,
    0,
    1,
    0x41,
    0x9a,
    7,
  );
  const nals = splitAnnexB(stream);
  assert.deepEqual(
    nals.map((n) => [...n]),
    [
      [0x67, 1, 2],
      [0x68, 3],
      [0x65, 0x88, 9],
      [0x41, 0x9a, 7],
    ],
  );
  assert.deepEqual(
    [...splitAnnexB(toAnnexB(nals))].map((n) => [...n]),
    nals.map((n) => [...n]),
  );
  assert.deepEqual(
    accessUnitsFromAnnexB(stream).map((u) => u.length),
    [3, 1],
  );
});

function depacketize(units: Uint8Array[][], options: { stapA?: boolean; maxPayload?: number } = {}) {
  const d = new H264Depacketizer([clip.sps, clip.pps]);
  const out: AccessUnit[] = [];
  units.forEach((nals, i) => {
    const payloads = packetizeH264(nals, options);
    payloads.forEach((p, j) => out.push(...d.push(p, i * 3000, j === payloads.length - 1)));
  });
  return { out, d };
}

test('FU-A and single NAL units: every clip frame comes back byte-identical, closed on its marker', () => {
  const units = clip.units.slice(0, 35);
  const { out, d } = depacketize(units);
  assert.equal(out.length, 35);
  out.forEach((au, i) => {
    assert.deepEqual(au.data, toAnnexB(units[i]!), `frame ${i}`);
    assert.equal(au.timestamp, i * 3000);
    assert.equal(au.key, i % 30 === 0);
  });
  assert.deepEqual(d.counts, { units: 35, droppedUnits: 0, malformedPayloads: 0 });
});

test('STAP-A aggregates are split back into their NAL units', () => {
  const units = [
    [nal(9, 2), nal(7, 10), nal(8, 4), nal(5, 3000)],
    [nal(1, 20), nal(1, 30)],
  ];
  const payloads = packetizeH264(units[0]!, { stapA: true });
  assert.equal(payloads[0]![0]! & 0x1f, 24, 'the small units went into one STAP-A');
  const { out } = depacketize(units, { stapA: true });
  assert.deepEqual(
    out.map((a) => a.data),
    units.map((u) => toAnnexB(u)),
  );
});

test('a unit closes on a timestamp change when its marker packet was lost (no one-frame lag otherwise)', () => {
  const d = new H264Depacketizer();
  assert.deepEqual(d.push(nal(7, 8), 0, false), []);
  assert.deepEqual(d.push(nal(8, 4), 0, false), []);
  assert.deepEqual(d.push(nal(5, 50), 0, false), [], 'marker lost');
  const closed = d.push(nal(1, 20), 3000, true);
  assert.equal(closed.length, 2, 'the old unit on the timestamp change, the new one on its marker');
  assert.equal(closed[0]!.key, true);
  assert.equal(closed[0]!.timestamp, 0);
  assert.equal(closed[1]!.timestamp, 3000);
});

test('SPS/PPS from the SDP are put before the first key frame when the stream lacks them (after an AUD)', () => {
  const d = new H264Depacketizer([clip.sps, clip.pps]);
  const [au] = d.push(nal(9, 2), 0, false).concat(d.push(nal(5, 40), 0, true));
  assert.deepEqual(au!.data, toAnnexB([nal(9, 2), clip.sps, clip.pps, nal(5, 40)]));
  assert.equal(au!.sps?.codec, 'avc1.42C028');
});

test('after a loss nothing is emitted until the next IDR; a FU-A without its start is never emitted', () => {
  const units = clip.units.slice(0, 62);
  const d = new H264Depacketizer([clip.sps, clip.pps]);
  const out: AccessUnit[] = [];
  let lostBefore = false;
  units.forEach((nals, i) => {
    const payloads = packetizeH264(nals);
    payloads.forEach((p, j) => {
      // Lose the second packet of frame 3 (the start of a FU-A); the next one arrives after a gap.
      if (i === 3 && j === 1) {
        lostBefore = true;
        return;
      }
      out.push(...d.push(p, i * 3000, j === payloads.length - 1, lostBefore));
      lostBefore = false;
    });
  });
  const emitted = out.map((a) => a.timestamp / 3000);
  assert.deepEqual(emitted, [0, 1, 2, ...Array.from({ length: 32 }, (_, k) => 30 + k)]);
  assert.equal(d.counts.droppedUnits, 27, 'frames 3 to 29');

  const e = new H264Depacketizer();
  const fu = packetizeH264([nal(5, 4000)]);
  assert.deepEqual(e.push(fu[1]!, 0, false).concat(e.push(fu[2]!, 0, true)), [], 'middle and end only');
});

test('bad payloads are counted and their unit dropped: forbidden bit, unknown types, STAP-A overruns', () => {
  const d = new H264Depacketizer();
  assert.deepEqual(d.push(Uint8Array.of(0x80 | 5, 1), 0, true), []);
  assert.deepEqual(d.push(Uint8Array.of(25, 0, 1), 3000, true), [], 'STAP-B unsupported');
  assert.deepEqual(d.push(Uint8Array.of(24, 0, 9, 0x65), 6000, true), [], 'STAP-A size beyond the payload');
  assert.equal(d.counts.malformedPayloads, 3);
  assert.equal(d.push(nal(5, 10), 9000, true).length, 1, 'a good IDR afterwards goes through');
});

test('property: random and mutated payloads never throw and never emit an empty or broken unit', () => {
  const good = clip.units.slice(0, 3).flatMap((u) => packetizeH264(u, { maxPayload: 500 }));
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.tuple(fc.constantFrom(...good), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([p, at, v]) => {
            const m = p.slice();
            if (m.length > 0) m[at % m.length] = v;
            return m;
          }),
        ),
        { maxLength: 60 },
      ),
      fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
      (payloads, markers) => {
        const d = new H264Depacketizer([clip.sps, clip.pps]);
        payloads.forEach((p, i) => {
          for (const au of d.push(p, Math.floor(i / 7) * 3000, markers[i]!, i % 13 === 12)) {
            assert.ok(au.data.length >= 5);
            assert.deepEqual([...au.data.subarray(0, 4)], [0, 0, 0, 1]);
          }
        });
      },
    ),
    { numRuns: 300 },
  );
});
