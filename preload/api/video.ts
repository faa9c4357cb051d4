// Video: one binary message per H.264 access unit, as it comes (~30/s), never batched or coalesced
// (a decoder needs every frame of a GOP). Same transports as batches; the first f64 tells them apart.
//
//   header: Float64Array(VIDEO_HEADER_LENGTH):
//     [0] VIDEO_MAGIC  [1] device handle  [2] flags (bit 0: key frame, SPS/PPS prepended)
//     [3] ptsUs (device clock, RTP timestamp unwrapped)  [4] hostTimeMs (arrival)  [5] deviceTimeMs (NaN if unknown)
//     [6] width (0 if unknown)  [7] height (0 if unknown)
//   then the access unit, Annex B (start codes), byteLength − VIDEO_HEADER_LENGTH × 8 bytes.

import { BATCH_MAGIC } from './batch';
import { BatchFormatError, count } from './bounds';

export const VIDEO_MAGIC = 0x51_6e_4c_56; // "SLnV"
export const VIDEO_HEADER_LENGTH = 8;
/** A 1088×1080 I-frame at high quality is well under 1 MiB; anything past this is refused before copying. */
export const MAX_ACCESS_UNIT_BYTES = 8 * 1024 * 1024;

export interface VideoAccessUnit {
  handle: number;
  key: boolean;
  ptsUs: number;
  hostTimeMs: number;
  deviceTimeMs: number | null;
  width: number;
  height: number;
  /** Annex B bytes; a view into the message when unpacked. */
  data: Uint8Array;
}

/** Packs one access unit into a buffer it owns whole (safe to send or transfer). */
export function packVideoAccessUnit(au: VideoAccessUnit): Uint8Array {
  if (au.data.byteLength > MAX_ACCESS_UNIT_BYTES)
    throw new RangeError(`access unit of ${au.data.byteLength} bytes is too large`);
  const out = new Uint8Array(VIDEO_HEADER_LENGTH * 8 + au.data.byteLength);
  const header = new Float64Array(out.buffer, 0, VIDEO_HEADER_LENGTH);
  header[0] = VIDEO_MAGIC;
  header[1] = au.handle;
  header[2] = au.key ? 1 : 0;
  header[3] = au.ptsUs;
  header[4] = au.hostTimeMs;
  header[5] = au.deviceTimeMs ?? NaN;
  header[6] = au.width;
  header[7] = au.height;
  out.set(au.data, VIDEO_HEADER_LENGTH * 8);
  return out;
}

/** What a binary message from main is, by its first f64. */
export function binaryMessageKind(buffer: ArrayBuffer): 'batch' | 'video' | 'unknown' {
  if (buffer.byteLength < 8) return 'unknown';
  const magic = new Float64Array(buffer, 0, 1)[0];
  return magic === BATCH_MAGIC ? 'batch' : magic === VIDEO_MAGIC ? 'video' : 'unknown';
}

/** Unpacks and bounds-checks a video message; throws BatchFormatError on anything inconsistent. */
export function unpackVideoAccessUnit(buffer: ArrayBuffer): VideoAccessUnit {
  if (buffer.byteLength < VIDEO_HEADER_LENGTH * 8) throw new BatchFormatError('video message shorter than its header');
  const h = new Float64Array(buffer, 0, VIDEO_HEADER_LENGTH);
  if (h[0] !== VIDEO_MAGIC) throw new BatchFormatError('not a Sightline video message');
  const size = buffer.byteLength - VIDEO_HEADER_LENGTH * 8;
  if (size === 0 || size > MAX_ACCESS_UNIT_BYTES) throw new BatchFormatError(`bad access unit size ${size}`);
  const width = count(h[6], 16384, 'video width');
  const height = count(h[7], 16384, 'video height');
  const deviceTime = h[5]!;
  return {
    handle: h[1]!,
    key: h[2] === 1,
    ptsUs: h[3]!,
    hostTimeMs: h[4]!,
    deviceTimeMs: Number.isNaN(deviceTime) ? null : deviceTime,
    width,
    height,
    data: new Uint8Array(buffer, VIDEO_HEADER_LENGTH * 8, size),
  };
}
