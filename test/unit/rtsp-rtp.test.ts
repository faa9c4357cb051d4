// RTP/RTCP packets, NTP time, the RTP clock (sender reports, 32-bit wrap) and the reorder window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ntpMiddle32, ntpToUnixNs, unixNsToNtp } from '../../main/net/rtsp/ntp';
import { RtpClock, RtpTimestampUnwrapper } from '../../main/net/rtsp/rtp-clock';
import { RtpSequencer } from '../../main/net/rtsp/rtp-sequencer';
import {
  encodeBye,
  encodeReceiverReport,
  encodeRtp,
  encodeSenderReport,
  parseRtcp,
  parseRtp,
  RtpFormatError,
} from '../../main/net/rtsp/rtp';

test('RTP header: fields, CSRCs, extension and padding are honoured', () => {
  const p = encodeRtp(
    { marker: true, payloadType: 96, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef },
    Uint8Array.of(1, 2, 3),
  );
  assert.deepEqual(
    { ...parseRtp(p), payload: [...parseRtp(p).payload] },
    { marker: true, payloadType: 96, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload: [1, 2, 3] },
  );
  // CC=1, X=1 (one extension word), P=1 (2 bytes of padding).
  const b = Uint8Array.of(
    0xb1,
    0x63,
    0,
    1,
    0,
    0,
    0,
    9,
    0,
    0,
    0,
    7,
    /* csrc */ 1,
    2,
    3,
    4,
    /* ext */ 0xbe,
    0xde,
    0,
    1,
    9,
    9,
    9,
    9,
    /* payload */ 42,
    43,
    /* padding */ 0,
    2,
  );
  const parsed = parseRtp(b);
  assert.deepEqual([...parsed.payload], [42, 43]);
  assert.equal(parsed.payloadType, 99);
  assert.equal(parsed.marker, false);
});

test('RTP: impossible lengths are RtpFormatError', () => {
  assert.throws(() => parseRtp(new Uint8Array(11)), RtpFormatError);
  assert.throws(() => parseRtp(Uint8Array.of(0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), /version 1/);
  // CC=15 but no CSRCs.
  assert.throws(() => parseRtp(Uint8Array.of(0x8f, 96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)), RtpFormatError);
  // Extension length beyond the packet.
  assert.throws(
    () => parseRtp(Uint8Array.of(0x90, 96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0xff, 0xff)),
    RtpFormatError,
  );
  // Padding count larger than the packet.
  assert.throws(() => parseRtp(Uint8Array.of(0xa0, 96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 200)), RtpFormatError);
});

test('RTCP: SR, RR and BYE round-trip in one compound datagram; bad lengths are errors', () => {
  const sr = {
    ssrc: 7,
    ntpSeconds: 3_970_000_000,
    ntpFraction: 0x80000000,
    rtpTimestamp: 123456,
    packetCount: 10,
    octetCount: 1000,
  };
  const block = {
    ssrc: 7,
    fractionLost: 12,
    cumulativeLost: -3,
    highestSequence: 70_000,
    jitter: 5,
    lastSr: 0x12345678,
    delaySinceLastSr: 65536,
  };
  const compound = new Uint8Array([...encodeSenderReport(sr), ...encodeReceiverReport(9, [block]), ...encodeBye(7)]);
  const parsed = parseRtcp(compound);
  assert.deepEqual(parsed, [
    { type: 'sr', ...sr },
    { type: 'rr', ssrc: 9, reports: [block] },
    { type: 'bye', ssrcs: [7] },
  ]);
  assert.throws(() => parseRtcp(compound.subarray(0, 20)), RtpFormatError);
  assert.throws(() => parseRtcp(Uint8Array.of(0x81, 201, 0, 1, 0, 0, 0, 1)), /receiver report blocks/);
});

test('NTP ↔ Unix ns: the 1900 epoch offset, the fraction, and the 2036 era wrap', () => {
  // 2026-01-01T00:00:00Z = Unix 1767225600 s = NTP 3976214400 s.
  assert.equal(ntpToUnixNs(3_976_214_400, 0), 1_767_225_600e9);
  assert.equal(ntpToUnixNs(3_976_214_400, 0x40000000), 1_767_225_600e9 + 250_000_000);
  const ntp = unixNsToNtp(1_767_225_600e9 + 250_000_000);
  assert.equal(ntp.seconds, 3_976_214_400);
  // Unix ns as a double resolve 256 ns today: the fraction is right to that (2^32 × 128 ns ≈ 550).
  assert.ok(Math.abs(ntp.fraction - 0x40000000) < 600, `fraction ${ntp.fraction}`);
  // NTP era 1 starts 2036-02-07T06:28:16Z (Unix 2085978496): seconds wrap to 0.
  assert.equal(ntpToUnixNs(0, 0), 2_085_978_496e9);
  assert.equal(ntpToUnixNs(10, 0), 2_085_978_506e9);
  assert.deepEqual(unixNsToNtp(2_085_978_506e9), { seconds: 10, fraction: 0 });
  assert.equal(ntpMiddle32(0x12345678, 0x9abcdef0), 0x56789abc);
});

test('RTP timestamps unwrap across 2^32 (every ~13 h at 90 kHz), forwards and for late packets', () => {
  const u = new RtpTimestampUnwrapper();
  assert.equal(u.unwrap(0xffff0000), 0xffff0000);
  assert.equal(u.unwrap(0x00001000), 2 ** 32 + 0x1000);
  assert.equal(u.unwrap(0xfffff000), 0xfffff000, 'a late packet from before the wrap');
  assert.equal(u.unwrap(0x00002000), 2 ** 32 + 0x2000);
});

test('RTP clock: unsynced before the first SR, then SR-mapped; a new SR (clock step) moves the mapping', () => {
  const c = new RtpClock(90_000);
  const t0 = c.ticks(0xfffe0000);
  assert.equal(c.toUnixNs(t0), undefined);
  const base = 1_767_225_600e9;
  const ntp = unixNsToNtp(base);
  c.onSenderReport(
    {
      type: 'sr',
      ssrc: 1,
      ntpSeconds: ntp.seconds,
      ntpFraction: ntp.fraction,
      rtpTimestamp: 0xfffe0000,
      packetCount: 0,
      octetCount: 0,
    },
    0,
  );
  assert.equal(c.toUnixNs(t0), base);
  // 2^17 ticks later, across the wrap: 131072 / 90000 s.
  const t1 = c.ticks(0x00000000 + 0x00000000);
  assert.ok(Math.abs(c.toUnixNs(t1)! - (base + (0x20000 * 1e9) / 90000)) < 1);
  // The phone clock steps 5 s forward: the next SR carries it.
  const stepped = unixNsToNtp(base + 5e9 + (0x20000 * 1e9) / 90000);
  c.onSenderReport(
    {
      type: 'sr',
      ssrc: 1,
      ntpSeconds: stepped.seconds,
      ntpFraction: stepped.fraction,
      rtpTimestamp: 0,
      packetCount: 0,
      octetCount: 0,
    },
    0,
  );
  assert.ok(Math.abs(c.toUnixNs(t1)! - (base + 5e9 + (0x20000 * 1e9) / 90000)) < 1);
  assert.equal(c.ticksToUs(90_000), 1e6);
});

test('sequencer: in order passes through; a reordered pair is put back; a gap is declared after the window', () => {
  const s = new RtpSequencer<number>(3);
  const out = (seq: number) => s.push(seq, seq).map((d) => (d.afterGap ? `gap:${d.packet}` : `${d.packet}`));
  assert.deepEqual(out(65534), ['65534']);
  assert.deepEqual(out(0), [], '65535 missing: 0 waits');
  assert.deepEqual(out(65535), ['65535', '0'], 'the late one fills the gap (wrapping)');
  assert.equal(s.counts.reordered, 1);
  assert.deepEqual(out(2), []);
  assert.deepEqual(out(3), []);
  assert.deepEqual(out(4), []);
  assert.deepEqual(out(5), ['gap:2', '3', '4', '5'], 'window full: 1 is lost');
  assert.equal(s.counts.lost, 1);
  assert.deepEqual(out(1), [], 'too late now');
  assert.equal(s.counts.late, 1);
  assert.deepEqual(out(5), [], 'duplicate of a delivered packet');
  assert.deepEqual(out(7), []);
  assert.deepEqual(out(7), []);
  assert.equal(s.counts.duplicates, 1);
  assert.deepEqual(
    s.flush().map((d) => `${d.afterGap}:${d.packet}`),
    ['true:7'],
  );
  assert.deepEqual(out(40_000), ['gap:40000'], 'a jump far ahead is a sender restart');
  assert.equal(s.counts.lost, 2);
});

test('property: random bytes give an RtpPacket whose payload lies inside the datagram, or RtpFormatError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      try {
        const p = parseRtp(b);
        assert.ok(
          p.payload.byteOffset >= b.byteOffset + 12 &&
            p.payload.byteOffset + p.payload.length <= b.byteOffset + b.length,
        );
      } catch (e) {
        assert.ok(e instanceof RtpFormatError, String(e));
      }
      try {
        parseRtcp(b);
      } catch (e) {
        assert.ok(e instanceof RtpFormatError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
