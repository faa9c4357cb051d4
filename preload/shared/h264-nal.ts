/**
 * Finding the NAL units of an H.264 Annex B byte stream (ITU-T H.264 Annex B): the one scanner the
 * main process (RTSP depacketising, the demo clip) and the renderer (the decoder's key frames and
 * codec string) both use. Pure and Node-free, so the page, the link worker and main import the same
 * code. Never throws on any input.
 */

export const NalType = { Slice: 1, Idr: 5, Sei: 6, Sps: 7, Pps: 8, Aud: 9, StapA: 24, FuA: 28 } as const;

export interface NalUnit {
  /** nal_unit_type, the low 5 bits of the header byte. */
  type: number;
  /** Offset of the NAL header byte (after the start code). */
  start: number;
  /** One past the last byte (trailing zeros of the next start code excluded). */
  end: number;
}

/** The type of a NAL unit given with its header byte; -1 when empty. */
export function nalType(nal: Uint8Array): number {
  return nal.length > 0 ? nal[0]! & 0x1f : -1;
}

/** Every non-empty NAL unit of an Annex B byte stream (3- or 4-byte start codes), in order. */
export function nalUnits(data: Uint8Array): NalUnit[] {
  const out: NalUnit[] = [];
  let begin = -1;
  let i = 0;
  const n = data.length;
  while (i + 2 < n) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (begin >= 0) {
        // A 4-byte start code's leading zero belongs to neither NAL unit.
        let end = i;
        while (end > begin && data[end - 1] === 0) end--;
        if (end > begin) out.push({ type: data[begin]! & 0x1f, start: begin, end });
      }
      begin = i + 3;
      i += 3;
    } else {
      i++;
    }
  }
  if (begin >= 0 && begin < n) out.push({ type: data[begin]! & 0x1f, start: begin, end: n });
  return out;
}

/** The NAL units of an Annex B byte stream as views (no copies) without their start codes. */
export function splitAnnexB(stream: Uint8Array): Uint8Array[] {
  return nalUnits(stream).map((u) => stream.subarray(u.start, u.end));
}

/** The WebCodecs / RFC 6381 codec string "avc1.PPCCLL" from the SPS's first three bytes after its header. */
export function avcCodecString(profileIdc: number, constraintFlags: number, levelIdc: number): string {
  const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');
  return `avc1.${hex(profileIdc)}${hex(constraintFlags)}${hex(levelIdc)}`;
}
