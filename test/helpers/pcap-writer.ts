/**
 * Builds small pcap / pcapng captures in memory for tests: link-layer frames, IPv4/IPv6 + UDP
 * packets, and the file containers in either byte order. Checksums are left 0 (readers ignore them).
 */
import { ByteWriter } from '../../main/net/byte-writer';

export interface UdpSpec {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

function ipv4Bytes(addr: string): number[] {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4) throw new Error(`bad IPv4 address ${addr}`);
  return parts;
}

function ipv6Bytes(addr: string): number[] {
  const [head = '', tail] = addr.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (all.length !== 8) throw new Error(`bad IPv6 address ${addr}`);
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function udpHeader(w: ByteWriter, u: UdpSpec): void {
  w.u16(u.srcPort);
  w.u16(u.dstPort);
  w.u16(8 + u.payload.length);
  w.u16(0);
  w.bytes(u.payload);
}

/** IPv4 + UDP. `fragment` sets MF (first fragment) or an offset (a later one). */
export function ipv4Udp(
  u: UdpSpec,
  opts: { protocol?: number; fragment?: 'first' | 'later'; options?: number } = {},
): Uint8Array {
  const optionBytes = opts.options ?? 0;
  const w = new ByteWriter(28 + optionBytes + u.payload.length, { littleEndian: false });
  w.u8(0x40 | (5 + optionBytes / 4));
  w.u8(0);
  w.u16(20 + optionBytes + 8 + u.payload.length);
  w.u16(0x1234);
  w.u16(opts.fragment === 'first' ? 0x2000 : opts.fragment === 'later' ? 0x00b9 : 0x4000);
  w.u8(64);
  w.u8(opts.protocol ?? 17);
  w.u16(0);
  for (const b of ipv4Bytes(u.src)) w.u8(b);
  for (const b of ipv4Bytes(u.dst)) w.u8(b);
  w.zeros(optionBytes);
  udpHeader(w, u);
  return w.finish();
}

/** IPv6 + optional extension headers (hop-by-hop, or a fragment header) + UDP. */
export function ipv6Udp(u: UdpSpec, opts: { hopByHop?: boolean; fragment?: boolean } = {}): Uint8Array {
  const ext = (opts.hopByHop ? 8 : 0) + (opts.fragment ? 8 : 0);
  const w = new ByteWriter(48 + ext + u.payload.length, { littleEndian: false });
  w.u32(0x60000000);
  w.u16(ext + 8 + u.payload.length);
  w.u8(opts.hopByHop ? 0 : opts.fragment ? 44 : 17);
  w.u8(64);
  for (const b of ipv6Bytes(u.src)) w.u8(b);
  for (const b of ipv6Bytes(u.dst)) w.u8(b);
  if (opts.hopByHop) {
    w.u8(opts.fragment ? 44 : 17);
    w.u8(0); // (0 + 1) × 8 bytes
    w.u8(1); // PadN option filling the rest
    w.u8(4);
    w.zeros(4);
  }
  if (opts.fragment) {
    w.u8(17);
    w.u8(0);
    w.u16(1); // offset 0, more fragments
    w.u32(0xabcd);
  }
  udpHeader(w, u);
  return w.finish();
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const be16 = (v: number) => [v >> 8, v & 0xff];

export function ethernet(ethertype: number, packet: Uint8Array, vlanTags: number[] = [], padTo = 0): Uint8Array {
  const tags = vlanTags.flatMap((tci, i) => [...be16(i === 0 && vlanTags.length > 1 ? 0x88a8 : 0x8100), ...be16(tci)]);
  // With tags, the outer ethertype field is the first tag's TPID.
  const head = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const frame = tags.length ? concat(head, tags, be16(ethertype), packet) : concat(head, be16(ethertype), packet);
  return frame.length < padTo ? concat(frame, new Array<number>(padTo - frame.length).fill(0)) : frame;
}

export function sll(ethertype: number, packet: Uint8Array): Uint8Array {
  return concat([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0], be16(ethertype), packet);
}

export function sll2(ethertype: number, packet: Uint8Array): Uint8Array {
  return concat(be16(ethertype), [0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0], packet);
}

/** DLT_NULL: the address family as a u32 in the capturing host's byte order. */
export function nullLink(family: number, packet: Uint8Array, littleEndianHost = true): Uint8Array {
  const w = new ByteWriter(4, { littleEndian: littleEndianHost });
  w.u32(family);
  return concat(w.finish(), packet);
}

export interface PcapRecord {
  sec: number;
  /** µs, or ns in a nanosecond file. */
  frac: number;
  data: Uint8Array;
  /** Original length on the wire (defaults to the captured length). */
  origLen?: number;
}

export function writePcap(opts: {
  littleEndian?: boolean;
  nanoseconds?: boolean;
  linkType: number;
  records: PcapRecord[];
}): Uint8Array {
  const w = new ByteWriter(24, { littleEndian: opts.littleEndian ?? true });
  w.u32(opts.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4);
  w.u16(2);
  w.u16(4);
  w.i32(0);
  w.u32(0);
  w.u32(262144);
  w.u32(opts.linkType);
  for (const r of opts.records) {
    w.u32(r.sec);
    w.u32(r.frac);
    w.u32(r.data.length);
    w.u32(r.origLen ?? r.data.length);
    w.bytes(r.data);
  }
  return w.finish();
}

export interface PcapngInterface {
  linkType: number;
  /** Raw if_tsresol byte (default: absent = µs). */
  tsresol?: number;
  /** if_tsoffset in seconds. */
  tsoffset?: number;
}

export type PcapngBlock =
  | { kind: 'epb'; ifId: number; units: bigint; data: Uint8Array; origLen?: number }
  | { kind: 'opb'; ifId: number; units: bigint; data: Uint8Array }
  | { kind: 'spb'; data: Uint8Array; origLen?: number }
  | { kind: 'other'; type: number; body: Uint8Array };

export interface PcapngSection {
  littleEndian?: boolean;
  interfaces: PcapngInterface[];
  blocks: PcapngBlock[];
}

function block(w: ByteWriter, type: number, body: (w: ByteWriter) => void): void {
  const start = w.length;
  w.u32(type);
  w.u32(0);
  body(w);
  while ((w.length - start) % 4 !== 0) w.u8(0);
  const total = w.length - start + 4;
  w.u32(total);
  w.patchI32(start + 4, total);
}

function option(w: ByteWriter, code: number, value: (w: ByteWriter) => void): void {
  w.u16(code);
  const lenAt = w.length;
  w.u16(0);
  const start = w.length;
  value(w);
  const len = w.length - start;
  while ((w.length - start) % 4 !== 0) w.u8(0);
  w.patchU16(lenAt, len);
}

export function writePcapng(sections: PcapngSection[]): Uint8Array {
  let out = new Uint8Array(0);
  for (const s of sections) {
    const w = new ByteWriter(256, { littleEndian: s.littleEndian ?? true });
    block(w, 0x0a0d0d0a, (b) => {
      b.u32(0x1a2b3c4d);
      b.u16(1);
      b.u16(0);
      b.u32(0xffffffff);
      b.u32(0xffffffff);
      option(b, 4, (o) => o.text('sightline tests'));
      b.u32(0);
    });
    for (const itf of s.interfaces) {
      block(w, 1, (b) => {
        b.u16(itf.linkType);
        b.u16(0);
        b.u32(262144);
        if (itf.tsresol !== undefined) option(b, 9, (o) => o.u8(itf.tsresol!));
        if (itf.tsoffset !== undefined) option(b, 14, (o) => o.u64(itf.tsoffset!));
        b.u32(0);
      });
    }
    for (const bl of s.blocks) {
      switch (bl.kind) {
        case 'epb':
          block(w, 6, (b) => {
            b.u32(bl.ifId);
            b.u32(Number(bl.units >> 32n));
            b.u32(Number(bl.units & 0xffffffffn));
            b.u32(bl.data.length);
            b.u32(bl.origLen ?? bl.data.length);
            b.bytes(bl.data);
          });
          break;
        case 'opb':
          block(w, 2, (b) => {
            b.u16(bl.ifId);
            b.u16(0);
            b.u32(Number(bl.units >> 32n));
            b.u32(Number(bl.units & 0xffffffffn));
            b.u32(bl.data.length);
            b.u32(bl.data.length);
            b.bytes(bl.data);
          });
          break;
        case 'spb':
          block(w, 3, (b) => {
            b.u32(bl.origLen ?? bl.data.length);
            b.bytes(bl.data);
          });
          break;
        case 'other':
          block(w, bl.type, (b) => b.bytes(bl.body));
          break;
      }
    }
    const bytes = w.finish();
    const next = new Uint8Array(out.length + bytes.length);
    next.set(out);
    next.set(bytes, out.length);
    out = next;
  }
  return out;
}

/** A hexdump in the form text2pcap reads (offset, then bytes), to make captures with a third-party tool. */
export function hexdump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b) => b.toString(16).padStart(2, '0'));
    lines.push(`${at.toString(16).padStart(6, '0')}  ${row.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
