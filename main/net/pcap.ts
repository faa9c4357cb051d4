/**
 * Reads UDP datagrams out of a capture file (classic pcap or pcapng), for `decode natnet FILE` and
 * for tests against real third-party captures. In-memory and bounded: every length field is checked
 * against the bytes that are really there before it is used.
 *
 * Formats: classic pcap in both byte orders with µs or ns timestamps; pcapng with any number of
 * sections (each with its own byte order), interfaces with their own link type, if_tsresol and
 * if_tsoffset, and enhanced / simple / obsolete packet blocks. Link types: null/loopback (0, 108),
 * Ethernet (1, with 802.1Q/802.1ad tags), raw IP (101, 228 IPv4, 229 IPv6), Linux cooked SLL (113)
 * and SLL2 (276). IPv4 and IPv6 are both decoded; IP fragments are not reassembled (skipped, counted).
 */
import { DecodeError } from './byte-reader';

export class PcapFormatError extends DecodeError {}

export interface UdpRecord {
  /** Capture time, Unix ns as a double (~0.25 µs resolution today). NaN for pcapng simple packet blocks, which have none. */
  timestampNs: number;
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  /** The UDP payload; a view into the capture bytes (no copy). */
  payload: Uint8Array;
}

/** Why packets yielded nothing. Reset at the start of each iteration. */
export interface PcapSkipCounts {
  /** Packet records seen (UDP or not). */
  packets: number;
  /** Link types this reader does not decode. */
  unsupportedLink: number;
  /** Not IP at all (ARP, LLDP, ...). */
  notIp: number;
  /** IP, but not UDP (TCP, ICMP, ...). */
  notUdp: number;
  /** IPv4/IPv6 fragments: the datagram would need reassembly. */
  fragments: number;
  /** Headers that do not fit the captured bytes (snap length) or contradict themselves. */
  malformed: number;
  /** pcapng blocks that carry no packet (statistics, name resolution, custom...). */
  otherBlocks: number;
  /** The file ends inside a record (a capture cut short): the partial record is ignored. */
  truncatedTail: number;
}

const LINK_NULL = 0;
const LINK_ETHERNET = 1;
const LINK_RAW = 101;
const LINK_LOOP = 108;
const LINK_SLL = 113;
const LINK_IPV4 = 228;
const LINK_IPV6 = 229;
const LINK_SLL2 = 276;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
const MAX_VLAN_TAGS = 4;
const IPPROTO_UDP = 17;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;
const BLOCK_IDB = 1;
const BLOCK_OPB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;

const TWO_POW_32 = 4294967296;

interface Interface {
  linkType: number;
  /** Multiply timestamp units by this to get ns. */
  nsPerUnit: number;
  offsetNs: number;
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** Reads every UDP datagram of a capture. Throws PcapFormatError at once if the bytes are not a capture. */
export function readPcapUdp(bytes: Uint8Array): PcapUdpReader {
  return new PcapUdpReader(bytes);
}

export class PcapUdpReader implements Iterable<UdpRecord> {
  readonly format: 'pcap' | 'pcapng';
  readonly skipped: PcapSkipCounts = emptyCounts();
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4) throw new PcapFormatError(`${bytes.length} bytes is too short for a capture file`, 0);
    const magic = this.view.getUint32(0, true);
    if (magic === PCAPNG_SHB) this.format = 'pcapng';
    else if ([PCAP_MAGIC_US, PCAP_MAGIC_NS].includes(magic) || [PCAP_MAGIC_US, PCAP_MAGIC_NS].includes(swap32(magic))) {
      this.format = 'pcap';
    } else {
      throw new PcapFormatError(`not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`, 0);
    }
  }

  [Symbol.iterator](): Iterator<UdpRecord> {
    Object.assign(this.skipped, emptyCounts());
    return this.format === 'pcap' ? this.readPcap() : this.readPcapng();
  }

  private *readPcap(): Generator<UdpRecord> {
    const dv = this.view;
    const len = this.bytes.length;
    if (len < 24) throw new PcapFormatError('pcap file header truncated', 0);
    const magicLe = dv.getUint32(0, true);
    const le = magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS;
    const nsPerUnit = dv.getUint32(0, le) === PCAP_MAGIC_NS ? 1 : 1000;
    // The upper bits of the link type field carry FCS information, not the type.
    const linkType = dv.getUint32(20, le) & 0xffff;
    let pos = 24;
    while (pos < len) {
      if (pos + 16 > len) {
        this.skipped.truncatedTail++;
        return;
      }
      const sec = dv.getUint32(pos, le);
      const frac = dv.getUint32(pos + 4, le);
      const caplen = dv.getUint32(pos + 8, le);
      if (caplen > len - pos - 16) {
        this.skipped.truncatedTail++;
        return;
      }
      const start = pos + 16;
      pos = start + caplen;
      this.skipped.packets++;
      const rec = this.packet(linkType, start, pos, sec * 1e9 + frac * nsPerUnit);
      if (rec) yield rec;
    }
  }

  private *readPcapng(): Generator<UdpRecord> {
    const dv = this.view;
    const len = this.bytes.length;
    let pos = 0;
    let le = true;
    let interfaces: Interface[] = [];
    while (pos < len) {
      if (pos + 12 > len) {
        this.skipped.truncatedTail++;
        return;
      }
      const typeLe = dv.getUint32(pos, true);
      if (typeLe === PCAPNG_SHB) {
        // A new section: its byte-order magic decides how everything up to the next section is read.
        if (pos + 12 > len) throw new PcapFormatError('section header truncated', pos);
        const bom = dv.getUint32(pos + 8, true);
        if (bom === PCAPNG_BOM) le = true;
        else if (swap32(bom) === PCAPNG_BOM) le = false;
        else throw new PcapFormatError('section header with a bad byte-order magic', pos + 8);
        interfaces = [];
      }
      const type = dv.getUint32(pos, le);
      const blockLen = dv.getUint32(pos + 4, le);
      if (blockLen < 12 || blockLen % 4 !== 0) {
        throw new PcapFormatError(`block length ${blockLen} is not a multiple of 4 of at least 12`, pos + 4);
      }
      if (blockLen > len - pos) {
        this.skipped.truncatedTail++;
        return;
      }
      const end = pos + blockLen;
      if (dv.getUint32(end - 4, le) !== blockLen) {
        throw new PcapFormatError(`block length ${blockLen} does not match its trailing copy`, end - 4);
      }
      const body = pos + 8;
      const bodyEnd = end - 4;
      pos = end;
      switch (type) {
        case PCAPNG_SHB:
          if (bodyEnd - body < 16) throw new PcapFormatError('section header block too short', body);
          break;
        case BLOCK_IDB:
          interfaces.push(this.readInterface(body, bodyEnd, le));
          break;
        case BLOCK_EPB:
        case BLOCK_OPB: {
          if (bodyEnd - body < 20) {
            this.skipped.malformed++;
            break;
          }
          const ifId = type === BLOCK_EPB ? dv.getUint32(body, le) : dv.getUint16(body, le);
          const units = dv.getUint32(body + 4, le) * TWO_POW_32 + dv.getUint32(body + 8, le);
          const caplen = dv.getUint32(body + 12, le);
          this.skipped.packets++;
          const itf = interfaces[ifId];
          if (itf === undefined || caplen > bodyEnd - body - 20) {
            this.skipped.malformed++;
            break;
          }
          const ts = units * itf.nsPerUnit + itf.offsetNs;
          const rec = this.packet(itf.linkType, body + 20, body + 20 + caplen, ts);
          if (rec) yield rec;
          break;
        }
        case BLOCK_SPB: {
          this.skipped.packets++;
          const itf = interfaces[0];
          if (itf === undefined || bodyEnd - body < 4) {
            this.skipped.malformed++;
            break;
          }
          // The captured length is implied by the block length (and never more than the original length).
          const caplen = Math.min(dv.getUint32(body, le), bodyEnd - body - 4);
          const rec = this.packet(itf.linkType, body + 4, body + 4 + caplen, NaN);
          if (rec) yield rec;
          break;
        }
        default:
          this.skipped.otherBlocks++;
      }
    }
  }

  private readInterface(body: number, end: number, le: boolean): Interface {
    const dv = this.view;
    if (end - body < 8) throw new PcapFormatError('interface description block too short', body);
    const itf: Interface = { linkType: dv.getUint16(body, le), nsPerUnit: 1000, offsetNs: 0 };
    let p = body + 8;
    // Options: code, length, value padded to 4 bytes; bounded by the block.
    while (p + 4 <= end) {
      const code = dv.getUint16(p, le);
      const optLen = dv.getUint16(p + 2, le);
      const value = p + 4;
      if (code === 0 || value + optLen > end) break;
      if (code === 9 && optLen >= 1) {
        const r = dv.getUint8(value);
        const exp = r & 0x7f;
        // MSB clear: 10^-exp seconds per unit; set: 2^-exp.
        itf.nsPerUnit = r & 0x80 ? 1e9 / 2 ** exp : 10 ** (9 - exp);
      } else if (code === 14 && optLen >= 8) {
        const lo = dv.getUint32(value + (le ? 0 : 4), le);
        const hi = dv.getInt32(value + (le ? 4 : 0), le);
        itf.offsetNs = (hi * TWO_POW_32 + lo) * 1e9;
      }
      p = value + ((optLen + 3) & ~3);
    }
    return itf;
  }

  /** Link layer → IP → UDP. Returns undefined (and counts why) for anything else. */
  private packet(linkType: number, start: number, end: number, timestampNs: number): UdpRecord | undefined {
    const dv = this.view;
    const n = end - start;
    let ip = start;
    let ethertype: number;
    switch (linkType) {
      case LINK_ETHERNET: {
        if (n < 14) return this.skip('malformed');
        ethertype = dv.getUint16(start + 12, false);
        ip = start + 14;
        for (
          let tags = 0;
          ethertype === ETHERTYPE_VLAN || ethertype === ETHERTYPE_QINQ || ethertype === ETHERTYPE_QINQ_OLD;
          tags++
        ) {
          if (tags === MAX_VLAN_TAGS || ip + 4 > end) return this.skip('malformed');
          ethertype = dv.getUint16(ip + 2, false);
          ip += 4;
        }
        break;
      }
      case LINK_NULL:
      case LINK_LOOP: {
        if (n < 4) return this.skip('malformed');
        // The family is in the capturing host's byte order (null) or network order (loop); BSDs use
        // different AF_INET6 values.
        const family = linkType === LINK_LOOP ? dv.getUint32(start, false) : dv.getUint32(start, true);
        const f = family > 0xffff ? swap32(family) : family;
        ethertype = f === 2 ? ETHERTYPE_IPV4 : f === 10 || f === 24 || f === 28 || f === 30 ? ETHERTYPE_IPV6 : 0;
        ip = start + 4;
        break;
      }
      case LINK_RAW:
      case LINK_IPV4:
      case LINK_IPV6: {
        if (n < 1) return this.skip('malformed');
        const version = dv.getUint8(start) >> 4;
        ethertype = version === 4 ? ETHERTYPE_IPV4 : version === 6 ? ETHERTYPE_IPV6 : 0;
        break;
      }
      case LINK_SLL:
        if (n < 16) return this.skip('malformed');
        ethertype = dv.getUint16(start + 14, false);
        ip = start + 16;
        break;
      case LINK_SLL2:
        if (n < 20) return this.skip('malformed');
        ethertype = dv.getUint16(start, false);
        ip = start + 20;
        break;
      default:
        return this.skip('unsupportedLink');
    }
    if (ethertype === ETHERTYPE_IPV4) return this.ipv4(ip, end, timestampNs);
    if (ethertype === ETHERTYPE_IPV6) return this.ipv6(ip, end, timestampNs);
    return this.skip('notIp');
  }

  private ipv4(ip: number, end: number, timestampNs: number): UdpRecord | undefined {
    const dv = this.view;
    if (end - ip < 20) return this.skip('malformed');
    const vihl = dv.getUint8(ip);
    const ihl = (vihl & 0x0f) * 4;
    const total = dv.getUint16(ip + 2, false);
    // total may be shorter than what was captured (Ethernet padding), never longer.
    if (vihl >> 4 !== 4 || ihl < 20 || total < ihl || total > end - ip) return this.skip('malformed');
    const flagsFrag = dv.getUint16(ip + 6, false);
    if ((flagsFrag & 0x2000) !== 0 || (flagsFrag & 0x1fff) !== 0) return this.skip('fragments');
    if (dv.getUint8(ip + 9) !== IPPROTO_UDP) return this.skip('notUdp');
    const b = this.bytes;
    const src = `${b[ip + 12]}.${b[ip + 13]}.${b[ip + 14]}.${b[ip + 15]}`;
    const dst = `${b[ip + 16]}.${b[ip + 17]}.${b[ip + 18]}.${b[ip + 19]}`;
    return this.udp(ip + ihl, ip + total, src, dst, timestampNs);
  }

  private ipv6(ip: number, end: number, timestampNs: number): UdpRecord | undefined {
    const dv = this.view;
    if (end - ip < 40 || dv.getUint8(ip) >> 4 !== 6) return this.skip('malformed');
    const payloadLen = dv.getUint16(ip + 4, false);
    // 0 means a jumbogram (hop-by-hop option); not something a tracking system sends.
    if (payloadLen === 0 || payloadLen > end - ip - 40) return this.skip('malformed');
    const stop = ip + 40 + payloadLen;
    let next = dv.getUint8(ip + 6);
    let p = ip + 40;
    for (let hops = 0; next !== IPPROTO_UDP; hops++) {
      if (next === 44) return this.skip('fragments');
      // hop-by-hop, routing, destination options; AH counts its length in 4-byte units.
      if (next !== 0 && next !== 43 && next !== 60 && next !== 51) return this.skip('notUdp');
      if (hops === 8 || p + 8 > stop) return this.skip('malformed');
      const len = next === 51 ? (dv.getUint8(p + 1) + 2) * 4 : (dv.getUint8(p + 1) + 1) * 8;
      next = dv.getUint8(p);
      p += len;
    }
    return this.udp(p, stop, ipv6Text(this.bytes, ip + 8), ipv6Text(this.bytes, ip + 24), timestampNs);
  }

  private udp(p: number, stop: number, srcAddr: string, dstAddr: string, timestampNs: number): UdpRecord | undefined {
    const dv = this.view;
    if (stop - p < 8) return this.skip('malformed');
    const udpLen = dv.getUint16(p + 4, false);
    if (udpLen < 8 || udpLen > stop - p) return this.skip('malformed');
    return {
      timestampNs,
      srcAddr,
      srcPort: dv.getUint16(p, false),
      dstAddr,
      dstPort: dv.getUint16(p + 2, false),
      payload: this.bytes.subarray(p + 8, p + udpLen),
    };
  }

  private skip(why: keyof PcapSkipCounts): undefined {
    this.skipped[why]++;
    return undefined;
  }
}

function emptyCounts(): PcapSkipCounts {
  return {
    packets: 0,
    unsupportedLink: 0,
    notIp: 0,
    notUdp: 0,
    fragments: 0,
    malformed: 0,
    otherBlocks: 0,
    truncatedTail: 0,
  };
}

/** RFC 5952 text: lower-case hex, the longest run (≥ 2) of zero groups as "::". */
export function ipv6Text(b: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}
