/**
 * The little of H.264 the renderer must read itself: whether an Annex B access unit holds an IDR
 * picture, and the decoder's codec string from its SPS ("avc1.PPCCLL": profile_idc, constraint flags,
 * level_idc, the three bytes after the SPS's NAL header). Its NAL units come from the scanner main
 * uses too (preload/shared/h264-nal.ts). Pure: runs in the page, in the link worker and in Node's
 * unit tests. Never throws on any input.
 */

import { avcCodecString, NalType, nalUnits } from '../../../preload/shared/h264-nal';

export { NalType, nalUnits, type NalUnit } from '../../../preload/shared/h264-nal';

export interface AccessUnitInfo {
  /** Holds an IDR picture: the decoder can start here. */
  idr: boolean;
  /** avc1.PPCCLL from the SPS, when the access unit carries one. */
  codec: string | null;
  nalCount: number;
}

export function describeAccessUnit(data: Uint8Array): AccessUnitInfo {
  let idr = false;
  let codec: string | null = null;
  const units = nalUnits(data);
  for (const u of units) {
    if (u.type === NalType.Idr) idr = true;
    else if (u.type === NalType.Sps && codec === null) codec = codecFromSps(data.subarray(u.start, u.end));
  }
  return { idr, codec, nalCount: units.length };
}

/** "avc1.PPCCLL" from an SPS NAL unit (header byte included), or null if it is too short. */
export function codecFromSps(sps: Uint8Array): string | null {
  if (sps.length < 4 || (sps[0]! & 0x1f) !== NalType.Sps) return null;
  return avcCodecString(sps[1]!, sps[2]!, sps[3]!);
}
