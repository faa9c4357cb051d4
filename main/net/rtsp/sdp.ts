/**
 * The parts of an SDP (via sdp-transform) an RTSP client needs: each medium's type, payload type,
 * encoding, clock rate, fmtp parameters and control URL. Media are chosen by type and encoding,
 * never by position (a Companion with its microphone on lists audio first; docs/protocols/pupil.md §2.3).
 */
import { parse } from 'sdp-transform';

export interface SdpMedia {
  type: string;
  payloadType: number;
  /** Upper-case, without the clock rate (e.g. H264, COM.PUPILLABS.GAZE1). */
  encoding: string;
  clockRate: number;
  fmtp: Map<string, string>;
  /** As written in the SDP (relative or absolute); resolve with controlUrl(). */
  control?: string;
}

export interface SessionDescription {
  media: SdpMedia[];
  control?: string;
}

export class SdpError extends Error {}

export function parseSessionDescription(text: string): SessionDescription {
  if (text.length > 64 * 1024) throw new SdpError('SDP longer than 64 KiB');
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(text);
  } catch (e) {
    throw new SdpError(`SDP does not parse: ${(e as Error).message}`);
  }
  const media: SdpMedia[] = [];
  for (const m of parsed.media ?? []) {
    const first = String(m.payloads ?? '').split(' ')[0];
    const payloadType = Number(first);
    if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) continue;
    const rtp = m.rtp?.find((r) => r.payload === payloadType);
    const fmtp = new Map<string, string>();
    const config = m.fmtp?.find((f) => f.payload === payloadType)?.config ?? '';
    for (const part of config.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) fmtp.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
    }
    // Some writers put the channel count into the clock field; keep only the rate.
    const clockRate = Number(String(rtp?.rate ?? 90000).split('/')[0]);
    media.push({
      type: m.type,
      payloadType,
      encoding: (rtp?.codec ?? '').toUpperCase(),
      clockRate: Number.isFinite(clockRate) && clockRate > 0 ? clockRate : 90000,
      fmtp,
      control: m.control,
    });
  }
  return { media, control: parsed.control };
}

/** RTSP URL for a control attribute, relative to the content base (RFC 2326 C.1.1). */
export function controlUrl(base: string, control: string | undefined): string {
  if (!control || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return control;
  return base.endsWith('/') ? base + control : `${base}/${control}`;
}
