/**
 * RTP and RTCP packets (RFC 3550): pure bytes <-> typed values, for every RTSP source.
 *
 * Our own parser rather than werift-rtp's: on this hot path (a 1088×1080 frame is ~40 FU-A packets,
 * plus 200 gaze packets/s) werift builds a class instance with an extension array per packet and
 * copies the payload, and it does not bound the CSRC count or extension length against the packet
 * before reading (a short packet makes it read past the end or throw a RangeError). Here a packet is
 * a few numbers plus a view into the datagram; `npm run bench` prints both parsers' MB/s.
 */
import { DecodeError } from '../byte-reader';

export class RtpFormatError extends DecodeError {}

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  /** 16-bit sequence number. */
  sequence: number;
  /** 32-bit RTP timestamp (unsigned). */
  timestamp: number;
  ssrc: number;
  /** A view into the datagram (not a copy): header, CSRCs, extension and padding removed. */
  payload: Uint8Array;
}

export const RTP_HEADER_BYTES = 12;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Parses one RTP packet; throws RtpFormatError when any length in it is impossible. */
export function parseRtp(b: Uint8Array): RtpPacket {
  if (b.length < RTP_HEADER_BYTES)
    throw new RtpFormatError(`RTP packet of ${b.length} bytes is shorter than its header`);
  const b0 = b[0]!;
  if (b0 >> 6 !== 2) throw new RtpFormatError(`RTP version ${b0 >> 6}, expected 2`);
  const v = view(b);
  let start = RTP_HEADER_BYTES + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (start + 4 > b.length) throw new RtpFormatError('RTP header extension runs past the packet');
    start += 4 + v.getUint16(start + 2) * 4;
  }
  let end = b.length;
  if (b0 & 0x20) end -= b[b.length - 1]!;
  if (start > end || end > b.length) throw new RtpFormatError('RTP header, extension and padding exceed the packet');
  const b1 = b[1]!;
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: v.getUint16(2),
    timestamp: v.getUint32(4),
    ssrc: v.getUint32(8),
    payload: b.subarray(start, end),
  };
}

export interface RtpHeaderFields {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

export function encodeRtp(h: RtpHeaderFields, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(RTP_HEADER_BYTES + payload.length);
  const v = view(out);
  out[0] = 0x80;
  out[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  v.setUint16(2, h.sequence & 0xffff);
  v.setUint32(4, h.timestamp >>> 0);
  v.setUint32(8, h.ssrc >>> 0);
  out.set(payload, RTP_HEADER_BYTES);
  return out;
}

// ---- RTCP ----

export interface RtcpSenderReport {
  type: 'sr';
  ssrc: number;
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface RtcpReportBlock {
  ssrc: number;
  fractionLost: number;
  cumulativeLost: number;
  highestSequence: number;
  jitter: number;
  lastSr: number;
  delaySinceLastSr: number;
}

export interface RtcpReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: RtcpReportBlock[];
}

export interface RtcpBye {
  type: 'bye';
  ssrcs: number[];
}

export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpBye | { type: 'other'; packetType: number };

/** Parses a compound RTCP datagram; throws RtpFormatError on any impossible length. */
export function parseRtcp(b: Uint8Array): RtcpPacket[] {
  const v = view(b);
  const out: RtcpPacket[] = [];
  let at = 0;
  while (at < b.length) {
    if (at + 4 > b.length) throw new RtpFormatError('RTCP packet header truncated', at);
    const b0 = b[at]!;
    if (b0 >> 6 !== 2) throw new RtpFormatError(`RTCP version ${b0 >> 6}, expected 2`, at);
    const count = b0 & 0x1f;
    const packetType = b[at + 1]!;
    const end = at + 4 + v.getUint16(at + 2) * 4;
    if (end > b.length) throw new RtpFormatError('RTCP packet runs past the datagram', at);
    if (packetType === 200) {
      if (at + 28 > end) throw new RtpFormatError('RTCP sender report too short', at);
      out.push({
        type: 'sr',
        ssrc: v.getUint32(at + 4),
        ntpSeconds: v.getUint32(at + 8),
        ntpFraction: v.getUint32(at + 12),
        rtpTimestamp: v.getUint32(at + 16),
        packetCount: v.getUint32(at + 20),
        octetCount: v.getUint32(at + 24),
      });
    } else if (packetType === 201) {
      if (at + 8 + count * 24 > end) throw new RtpFormatError('RTCP receiver report blocks run past the packet', at);
      const reports: RtcpReportBlock[] = [];
      for (let i = 0, o = at + 8; i < count; i++, o += 24) {
        const lost = v.getUint32(o + 4) & 0xffffff;
        reports.push({
          ssrc: v.getUint32(o),
          fractionLost: b[o + 4]!,
          cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
          highestSequence: v.getUint32(o + 8),
          jitter: v.getUint32(o + 12),
          lastSr: v.getUint32(o + 16),
          delaySinceLastSr: v.getUint32(o + 20),
        });
      }
      out.push({ type: 'rr', ssrc: v.getUint32(at + 4), reports });
    } else if (packetType === 203) {
      if (at + 4 + count * 4 > end) throw new RtpFormatError('RTCP BYE runs past the packet', at);
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(v.getUint32(at + 4 + i * 4));
      out.push({ type: 'bye', ssrcs });
    } else {
      out.push({ type: 'other', packetType });
    }
    at = end;
  }
  return out;
}

export function encodeSenderReport(sr: Omit<RtcpSenderReport, 'type'>): Uint8Array {
  const out = new Uint8Array(28);
  const v = view(out);
  out[0] = 0x80;
  out[1] = 200;
  v.setUint16(2, 6);
  v.setUint32(4, sr.ssrc >>> 0);
  v.setUint32(8, sr.ntpSeconds >>> 0);
  v.setUint32(12, sr.ntpFraction >>> 0);
  v.setUint32(16, sr.rtpTimestamp >>> 0);
  v.setUint32(20, sr.packetCount >>> 0);
  v.setUint32(24, sr.octetCount >>> 0);
  return out;
}

export function encodeReceiverReport(ssrc: number, blocks: readonly RtcpReportBlock[]): Uint8Array {
  const n = Math.min(31, blocks.length);
  const out = new Uint8Array(8 + n * 24);
  const v = view(out);
  out[0] = 0x80 | n;
  out[1] = 201;
  v.setUint16(2, out.length / 4 - 1);
  v.setUint32(4, ssrc >>> 0);
  for (let i = 0; i < n; i++) {
    const r = blocks[i]!;
    const o = 8 + i * 24;
    v.setUint32(o, r.ssrc >>> 0);
    const lost = Math.max(-0x800000, Math.min(0x7fffff, Math.round(r.cumulativeLost))) & 0xffffff;
    v.setUint32(o + 4, ((r.fractionLost & 0xff) << 24) | lost);
    v.setUint32(o + 8, r.highestSequence >>> 0);
    v.setUint32(o + 12, r.jitter >>> 0);
    v.setUint32(o + 16, r.lastSr >>> 0);
    v.setUint32(o + 20, r.delaySinceLastSr >>> 0);
  }
  return out;
}

export function encodeBye(ssrc: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = 0x81;
  out[1] = 203;
  view(out).setUint16(2, 1);
  view(out).setUint32(4, ssrc >>> 0);
  return out;
}
