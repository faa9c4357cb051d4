/**
 * H.264 over RTP (RFC 6184): the depacketiser every RTSP video source uses, and the packetiser our
 * simulators use.
 *
 * Depacketising: single NAL units, STAP-A and FU-A become Annex B access units. An access unit is
 * closed on the marker bit, or when the timestamp changes (a lost marker packet), so a frame leaves
 * as soon as its last packet arrives; the official clients wait for the next frame's first packet
 * instead (protocol notes, docs/protocols/pupil.md §3.5). The SDP's SPS/PPS go before the first key frame (and
 * before any key frame that lacks them). After a sequence gap, a broken fragment or an oversized
 * unit, nothing is emitted until the next IDR: the decoder never gets a broken access unit.
 */
import { MAX_ACCESS_UNIT_BYTES } from '../../../preload/api';
import { NalType, nalType } from '../../../preload/shared/h264-nal';
import { parseSps, type SpsInfo, toAnnexB } from './h264';

export interface AccessUnit {
  /** Annex B bytes (4-byte start codes), owned by the caller. */
  data: Uint8Array;
  key: boolean;
  /** RTP timestamp of the unit (32-bit, as received). */
  timestamp: number;
  /** From the newest SPS seen (SDP or in-band). */
  sps?: SpsInfo;
}

export interface DepacketizerCounts {
  units: number;
  /** Access units discarded because they were broken or came before the next IDR after a loss. */
  droppedUnits: number;
  /** RTP payloads that are not valid H.264 packetisation (unknown type, bad STAP-A sizes). */
  malformedPayloads: number;
}

export class H264Depacketizer {
  readonly counts: DepacketizerCounts = { units: 0, droppedUnits: 0, malformedPayloads: 0 };
  private nals: Uint8Array[] = [];
  private size = 0;
  private timestamp: number | undefined;
  private broken = false;
  /** Until the first IDR, and after every loss. */
  private waitForIdr = true;
  private fragment: Uint8Array[] | undefined;
  private fragmentSize = 0;
  private sps: Uint8Array | undefined;
  private pps: Uint8Array | undefined;
  private spsInfo: SpsInfo | undefined;

  /** Parameter sets from the SDP (sprop-parameter-sets), put before key frames that lack them. */
  constructor(parameterSets: readonly Uint8Array[] = []) {
    for (const ps of parameterSets) this.noteParameterSet(ps);
  }

  get format(): SpsInfo | undefined {
    return this.spsInfo;
  }

  /**
   * One RTP payload in sequence order. `afterGap`: packets were lost just before it.
   * Returns the access units it completes (zero, one, or two when a timestamp change closes one).
   */
  push(payload: Uint8Array, timestamp: number, marker: boolean, afterGap = false): AccessUnit[] {
    const out: AccessUnit[] = [];
    if (afterGap) {
      // The lost packets may be the tail of the unit being built or the head of this one.
      this.discardCurrent();
      this.waitForIdr = true;
      this.broken = true;
    } else if (this.timestamp !== undefined && timestamp !== this.timestamp) {
      this.close(out);
    }
    this.timestamp = timestamp;
    this.take(payload);
    if (marker) this.close(out);
    return out;
  }

  private take(p: Uint8Array): void {
    if (p.length === 0 || p[0]! & 0x80) {
      this.malformed();
      return;
    }
    const type = p[0]! & 0x1f;
    if (type >= 1 && type <= 23) {
      this.fragmentInterrupted();
      this.add(p);
    } else if (type === NalType.StapA) {
      this.fragmentInterrupted();
      const units: Uint8Array[] = [];
      for (let at = 1; at < p.length;) {
        if (at + 2 > p.length) return this.malformed();
        const size = (p[at]! << 8) | p[at + 1]!;
        at += 2;
        if (size === 0 || at + size > p.length) return this.malformed();
        units.push(p.subarray(at, at + size));
        at += size;
      }
      for (const u of units) this.add(u);
    } else if (type === NalType.FuA) {
      if (p.length < 3) return this.malformed();
      const fu = p[1]!;
      const start = (fu & 0x80) !== 0;
      const end = (fu & 0x40) !== 0;
      if (start) {
        this.fragmentInterrupted();
        this.fragment = [new Uint8Array([(p[0]! & 0xe0) | (fu & 0x1f)]), p.subarray(2)];
        this.fragmentSize = p.length - 1;
      } else if (!this.fragment) {
        // A middle or end without its start: the NAL unit is incomplete.
        this.broken = true;
        return;
      } else {
        this.fragment.push(p.subarray(2));
        this.fragmentSize += p.length - 2;
        if (this.fragmentSize > MAX_ACCESS_UNIT_BYTES) {
          this.fragment = undefined;
          this.broken = true;
          return;
        }
      }
      if (end && this.fragment) {
        const nal = new Uint8Array(this.fragmentSize);
        let at = 0;
        for (const part of this.fragment) {
          nal.set(part, at);
          at += part.length;
        }
        this.fragment = undefined;
        this.add(nal);
      }
    } else {
      this.malformed();
    }
  }

  private malformed(): void {
    this.counts.malformedPayloads++;
    this.broken = true;
  }

  private fragmentInterrupted(): void {
    if (this.fragment) {
      this.fragment = undefined;
      this.broken = true;
    }
  }

  private add(nal: Uint8Array): void {
    this.size += 4 + nal.length;
    if (this.size > MAX_ACCESS_UNIT_BYTES) {
      this.broken = true;
      return;
    }
    this.nals.push(nal);
  }

  private noteParameterSet(nal: Uint8Array): void {
    const type = nalType(nal);
    if (type === NalType.Sps) {
      try {
        this.spsInfo = parseSps(nal);
        this.sps = nal.slice();
      } catch {
        this.counts.malformedPayloads++;
      }
    } else if (type === NalType.Pps) {
      this.pps = nal.slice();
    }
  }

  private discardCurrent(): void {
    if (this.nals.length > 0 || this.fragment) this.counts.droppedUnits++;
    this.nals = [];
    this.size = 0;
    this.fragment = undefined;
  }

  private close(out: AccessUnit[]): void {
    if (this.fragment) this.fragmentInterrupted();
    const nals = this.nals;
    const broken = this.broken;
    this.nals = [];
    this.size = 0;
    this.broken = false;
    if (nals.length === 0) return;
    if (broken) {
      this.counts.droppedUnits++;
      this.waitForIdr = true;
      return;
    }
    let key = false;
    let hasSps = false;
    let hasPps = false;
    for (const nal of nals) {
      const t = nalType(nal);
      if (t === NalType.Idr) key = true;
      else if (t === NalType.Sps) {
        hasSps = true;
        this.noteParameterSet(nal);
      } else if (t === NalType.Pps) {
        hasPps = true;
        this.noteParameterSet(nal);
      }
    }
    if (this.waitForIdr && !key) {
      this.counts.droppedUnits++;
      return;
    }
    this.waitForIdr = false;
    let units = nals;
    if (key && (!hasSps || !hasPps)) {
      const prefix: Uint8Array[] = [];
      if (!hasSps && this.sps) prefix.push(this.sps);
      if (!hasPps && this.pps) prefix.push(this.pps);
      // Parameter sets go after an access unit delimiter, if there is one, and before everything else.
      const aud = nalType(nals[0]!) === NalType.Aud ? 1 : 0;
      units = [...nals.slice(0, aud), ...prefix, ...nals.slice(aud)];
    }
    this.counts.units++;
    out.push({ data: toAnnexB(units), key, timestamp: this.timestamp!, sps: this.spsInfo });
  }
}

export interface PacketizeOptions {
  /** Largest RTP payload. Default 1400 (fits a 1500-byte MTU with IP/UDP/RTP headers). */
  maxPayload?: number;
  /** Aggregate small NAL units (SPS, PPS, SEI) into STAP-A packets. Default false (what the phone does). */
  stapA?: boolean;
}

/** RTP payloads for one access unit's NAL units: single NAL units and FU-A (and STAP-A if asked). */
export function packetizeH264(nals: readonly Uint8Array[], options: PacketizeOptions = {}): Uint8Array[] {
  const max = Math.max(16, options.maxPayload ?? 1400);
  const out: Uint8Array[] = [];
  let stap: Uint8Array[] = [];
  let stapSize = 1;
  const flushStap = () => {
    if (stap.length === 1) out.push(stap[0]!);
    else if (stap.length > 1) {
      const p = new Uint8Array(stapSize);
      let nri = 0;
      for (const n of stap) nri = Math.max(nri, n[0]! & 0x60);
      p[0] = nri | NalType.StapA;
      let at = 1;
      for (const n of stap) {
        p[at] = n.length >> 8;
        p[at + 1] = n.length & 0xff;
        p.set(n, at + 2);
        at += 2 + n.length;
      }
      out.push(p);
    }
    stap = [];
    stapSize = 1;
  };
  for (const nal of nals) {
    if (nal.length === 0) continue;
    if (options.stapA && nal.length + 2 + 1 <= max) {
      if (stapSize + 2 + nal.length > max) flushStap();
      stap.push(nal);
      stapSize += 2 + nal.length;
      continue;
    }
    flushStap();
    if (nal.length <= max) {
      out.push(nal);
      continue;
    }
    const header = nal[0]!;
    const chunk = max - 2;
    for (let at = 1; at < nal.length; at += chunk) {
      const end = Math.min(nal.length, at + chunk);
      const p = new Uint8Array(2 + end - at);
      p[0] = (header & 0xe0) | NalType.FuA;
      p[1] = (at === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | (header & 0x1f);
      p.set(nal.subarray(at, end), 2);
      out.push(p);
    }
  }
  flushStap();
  return out;
}
