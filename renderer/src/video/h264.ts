/**
 * The little of H.264 the renderer must read itself: where the NAL units of an Annex B access unit
 * are, whether it holds an IDR picture, and the decoder's codec string from its SPS ("avc1.PPCCLL":
 * profile_idc, constraint flags, level_idc, the three bytes after the SPS's NAL header). Pure: runs in
 * the page, in the link worker and in Node's unit tests. Never throws on any input.
 */

export const NalType = { Slice: 1, Idr: 5, Sei: 6, Sps: 7, Pps: 8, Aud: 9 } as const;

export interface NalUnit {
  type: number;
  /** Offset of the NAL header byte (after the start code). */
  start: number;
  /** One past the last byte (trailing zeros of the next start code excluded). */
  end: number;
}

/** Every NAL unit of an Annex B byte stream (3- or 4-byte start codes), in order. */
export function nalUnits(data: Uint8Array): NalUnit[] {
  const out: NalUnit[] = [];
  let begin = -1;
  let i = 0;
  const n = data.length;
  while (i + 2 < n) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (begin >= 0) out.push(unit(data, begin, trimZeros(data, begin, i)));
      begin = i + 3;
      i += 3;
    } else {
      i++;
    }
  }
  if (begin >= 0 && begin < n) out.push(unit(data, begin, n));
  return out.filter((u) => u.end > u.start);
}

function unit(data: Uint8Array, start: number, end: number): NalUnit {
  return { type: start < data.length ? data[start]! & 0x1f : 0, start, end };
}

/** A 4-byte start code's leading zero belongs to neither NAL unit. */
function trimZeros(data: Uint8Array, start: number, end: number): number {
  while (end > start && data[end - 1] === 0) end--;
  return end;
}

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
  const hex = (b: number): string => b.toString(16).padStart(2, '0').toUpperCase();
  return `avc1.${hex(sps[1]!)}${hex(sps[2]!)}${hex(sps[3]!)}`;
}
