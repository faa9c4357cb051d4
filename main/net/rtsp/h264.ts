/**
 * H.264 bitstream helpers (ITU-T H.264 §7.3, Annex B): SPS parsing for the picture size and the
 * WebCodecs codec string, and access-unit assembly as Annex B bytes. NAL unit splitting is the shared
 * scanner (preload/shared/h264-nal.ts).
 */
import { avcCodecString, nalType, NalType, splitAnnexB } from '../../../preload/shared/h264-nal';
import { DecodeError } from '../byte-reader';

// The Annex B scanner is shared with the renderer; it stays importable from here for RTSP's callers.
export { NalType, nalType, splitAnnexB };

const START_CODE = new Uint8Array([0, 0, 0, 1]);

/** Concatenates NAL units into Annex B (4-byte start codes) in one new buffer. */
export function toAnnexB(nals: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const nal of nals) size += 4 + nal.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const nal of nals) {
    out.set(START_CODE, at);
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}

export interface SpsInfo {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  width: number;
  height: number;
  /** WebCodecs / RFC 6381 codec string, e.g. avc1.42E01F. */
  codec: string;
}

/** Removes emulation-prevention bytes (00 00 03 → 00 00). */
function rbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i]!;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

class BitReader {
  private bit = 0;
  constructor(private readonly b: Uint8Array) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.bit >> 3;
      if (byte >= this.b.length) throw new DecodeError('SPS ends early');
      v = v * 2 + ((this.b[byte]! >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      if (++zeros > 31) throw new DecodeError('SPS Exp-Golomb code too long');
    }
    return zeros === 0 ? 0 : 2 ** zeros - 1 + this.u(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

/** Parses a sequence parameter set NAL unit (with its header byte); throws DecodeError if malformed. */
export function parseSps(nal: Uint8Array): SpsInfo {
  if (nalType(nal) !== NalType.Sps) throw new DecodeError('not an SPS NAL unit');
  const r = new BitReader(rbsp(nal.subarray(1)));
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  r.ue(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let separateColourPlane = 0;
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) separateColourPlane = r.u(1);
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.u(1); // qpprime_y_zero_transform_bypass_flag
    if (r.u(1)) {
      for (let i = 0; i < (chromaFormatIdc !== 3 ? 8 : 12); i++) {
        if (r.u(1)) {
          const size = i < 6 ? 16 : 64;
          let last = 8;
          let next = 8;
          for (let j = 0; j < size && next !== 0; j++) {
            next = (last + r.se() + 256) % 256;
            last = next === 0 ? last : next;
          }
        }
      }
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.u(1);
    r.se();
    r.se();
    const cycle = r.ue();
    if (cycle > 255) throw new DecodeError('SPS POC cycle too long');
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.u(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.u(1);
  if (!frameMbsOnly) r.u(1);
  r.u(1); // direct_8x8_inference_flag
  let crop = [0, 0, 0, 0];
  if (r.u(1)) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const cropUnitX = chromaArrayType === 0 ? 1 : chromaFormatIdc === 3 ? 1 : 2;
  const cropUnitY = (chromaArrayType === 0 ? 1 : chromaFormatIdc === 1 ? 2 : 1) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - cropUnitX * (crop[0]! + crop[1]!);
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (crop[2]! + crop[3]!);
  if (!(width > 0 && height > 0 && width <= 16384 && height <= 16384))
    throw new DecodeError(`SPS picture size ${width}×${height} is impossible`);
  return {
    profileIdc,
    constraintFlags,
    levelIdc,
    width,
    height,
    codec: avcCodecString(profileIdc, constraintFlags, levelIdc),
  };
}

/** SPS and PPS from an SDP `sprop-parameter-sets` value (base64, comma-separated). */
export function parseSpropParameterSets(value: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const part of value.split(',')) {
    const text = part.trim();
    if (!text || text.length > 4096 || !/^[A-Za-z0-9+/]+=*$/.test(text)) continue;
    const bytes = new Uint8Array(Buffer.from(text, 'base64'));
    if (bytes.length > 0) out.push(bytes);
  }
  return out;
}

/**
 * Groups an Annex B stream's NAL units into access units (H.264 §7.4.1.2.3): a new unit starts at
 * an AUD, SPS, PPS or SEI after a slice, or at a slice whose first_mb_in_slice is 0.
 */
export function accessUnitsFromAnnexB(stream: Uint8Array): Uint8Array[][] {
  const units: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let hasSlice = false;
  for (const nal of splitAnnexB(stream)) {
    const t = nalType(nal);
    const isSlice = t === NalType.Slice || t === NalType.Idr;
    const startsUnit =
      hasSlice &&
      (t === NalType.Aud ||
        t === NalType.Sps ||
        t === NalType.Pps ||
        t === NalType.Sei ||
        (isSlice && nal.length > 1 && (nal[1]! & 0x80) !== 0));
    if (startsUnit) {
      units.push(current);
      current = [];
      hasSlice = false;
    }
    current.push(nal);
    if (isSlice) hasSlice = true;
  }
  if (current.length > 0 && hasSlice) units.push(current);
  return units;
}
