import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { PcapFormatError, ipv6Text, readPcapUdp, type UdpRecord } from '../../main/net/pcap';
import { decodeMessage } from '../../main/protocols/natnet/codec';
import {
  ethernet,
  ipv4Udp,
  ipv6Udp,
  nullLink,
  sll,
  sll2,
  writePcap,
  writePcapng,
  type UdpSpec,
  hexdump,
} from '../helpers/pcap-writer';

const FIXTURES = path.join(__dirname, '../fixtures/natnet');
const frameFixture = new Uint8Array(
  readFileSync(path.join(FIXTURES, 'motive-2.1-natnet-3.0/mocapframe_packet_v3.bin')),
);

const v4: UdpSpec = { src: '192.168.0.100', dst: '239.255.42.99', srcPort: 1511, dstPort: 1511, payload: frameFixture };
const v6: UdpSpec = {
  src: 'fe80::1',
  dst: '2001:db8::42',
  srcPort: 49465,
  dstPort: 1510,
  payload: Uint8Array.from([1, 2, 3]),
};

function all(bytes: Uint8Array): { records: UdpRecord[]; reader: ReturnType<typeof readPcapUdp> } {
  const reader = readPcapUdp(bytes);
  return { records: [...reader], reader };
}

function assertUdp(r: UdpRecord | undefined, u: UdpSpec): void {
  assert.ok(r, 'expected a UDP record');
  assert.equal(r.srcAddr, u.src);
  assert.equal(r.dstAddr, u.dst);
  assert.equal(r.srcPort, u.srcPort);
  assert.equal(r.dstPort, u.dstPort);
  assert.deepEqual(Buffer.from(r.payload), Buffer.from(u.payload));
}

test('classic pcap, little-endian µs, Ethernet: addresses, ports, payload, timestamp', () => {
  const file = writePcap({
    linkType: 1,
    records: [
      { sec: 1_500_000_000, frac: 123_456, data: ethernet(0x0800, ipv4Udp(v4)) },
      { sec: 1_500_000_001, frac: 0, data: ethernet(0x0800, ipv4Udp({ ...v4, srcPort: 1510 })) },
    ],
  });
  const { records, reader } = all(file);
  assert.equal(reader.format, 'pcap');
  assert.equal(records.length, 2);
  assertUdp(records[0], v4);
  assert.equal(records[0]!.timestampNs, 1_500_000_000_123_456_000);
  assert.equal(records[1]!.srcPort, 1510);
  assert.equal(reader.skipped.packets, 2);
  // The payload is the NatNet datagram, decodable as is.
  const m = decodeMessage(records[0]!.payload, [3, 0, 0, 0]);
  assert.equal(m.type === 'frameOfData' && m.frame.frameNumber, 162734);
});

test('classic pcap, big-endian with nanosecond timestamps', () => {
  const file = writePcap({
    littleEndian: false,
    nanoseconds: true,
    linkType: 1,
    records: [{ sec: 1_700_000_000, frac: 999_999_999, data: ethernet(0x0800, ipv4Udp(v4)) }],
  });
  assert.equal(file[0], 0xa1);
  const { records } = all(file);
  assertUdp(records[0], v4);
  assert.equal(records[0]!.timestampNs, 1_700_000_000 * 1e9 + 999_999_999);
});

test('every supported link type yields the same UDP datagram', () => {
  const p4 = ipv4Udp(v4);
  const p6 = ipv6Udp(v6);
  const cases: [string, number, Uint8Array, UdpSpec][] = [
    ['ethernet', 1, ethernet(0x0800, p4), v4],
    ['ethernet IPv6', 1, ethernet(0x86dd, p6), v6],
    ['ethernet 802.1Q', 1, ethernet(0x0800, p4, [42]), v4],
    ['ethernet QinQ', 1, ethernet(0x0800, p4, [7, 42]), v4],
    ['null, little-endian host', 0, nullLink(2, p4), v4],
    ['null, big-endian host', 0, nullLink(2, p4, false), v4],
    ['null IPv6 (BSD 24)', 0, nullLink(24, p6), v6],
    ['null IPv6 (macOS 30)', 0, nullLink(30, p6), v6],
    ['loop (OpenBSD)', 108, nullLink(2, p4, false), v4],
    ['raw 101 IPv4', 101, p4, v4],
    ['raw 101 IPv6', 101, p6, v6],
    ['IPv4 228', 228, p4, v4],
    ['IPv6 229', 229, p6, v6],
    ['Linux SLL', 113, sll(0x0800, p4), v4],
    ['Linux SLL2', 276, sll2(0x0800, p4), v4],
    ['Linux SLL2 IPv6', 276, sll2(0x86dd, p6), v6],
  ];
  for (const [what, linkType, data, spec] of cases) {
    const { records, reader } = all(writePcap({ linkType, records: [{ sec: 1, frac: 2, data }] }));
    assert.equal(records.length, 1, what);
    assertUdp(records[0], spec);
    assert.equal(reader.skipped.malformed, 0, what);
  }
  const unsupported = all(writePcap({ linkType: 147, records: [{ sec: 1, frac: 2, data: p4 }] }));
  assert.equal(unsupported.records.length, 0);
  assert.equal(unsupported.reader.skipped.unsupportedLink, 1);
});

test('non-UDP, non-IP, fragments and snap-length cuts are skipped and counted', () => {
  const p4 = ipv4Udp(v4);
  const records = [
    ethernet(0x0806, new Uint8Array(28)), // ARP
    ethernet(0x0800, ipv4Udp(v4, { protocol: 6 })), // TCP
    ethernet(0x0800, ipv4Udp(v4, { fragment: 'first' })),
    ethernet(0x0800, ipv4Udp(v4, { fragment: 'later' })),
    ethernet(0x86dd, ipv6Udp(v6, { fragment: true })),
    ethernet(0x86dd, ipv6Udp(v6, { hopByHop: true, fragment: true })),
    ethernet(0x0800, p4).subarray(0, 100), // cut by a snap length
    ethernet(0x0800, p4.subarray(0, 10)),
    ethernet(0x86dd, ipv6Udp(v6, { hopByHop: true })), // decodable: hop-by-hop then UDP
    ethernet(0x0800, ipv4Udp(v4, { options: 8 })), // decodable: IP options
    ethernet(0x0800, ipv4Udp({ ...v4, payload: Uint8Array.from([5]) }), [], 64), // Ethernet padding
  ].map((data, i) => ({ sec: i, frac: 0, data }));
  const { records: out, reader } = all(writePcap({ linkType: 1, records }));
  assert.equal(out.length, 3);
  assertUdp(out[0], v6);
  assertUdp(out[1], v4);
  assert.deepEqual(out[2]!.payload, Uint8Array.from([5]), 'padding after the IP packet is not payload');
  assert.deepEqual(reader.skipped, {
    packets: 11,
    unsupportedLink: 0,
    notIp: 1,
    notUdp: 1,
    fragments: 4,
    malformed: 2,
    otherBlocks: 0,
    truncatedTail: 0,
  });
});

test('pcapng: sections of both byte orders, per-interface link type, resolution and offset, EPB/SPB/OPB', () => {
  const file = writePcapng([
    {
      littleEndian: true,
      interfaces: [
        { linkType: 1 },
        { linkType: 113, tsresol: 9 },
        { linkType: 101, tsresol: 0x80 | 10, tsoffset: 1000 },
      ],
      blocks: [
        { kind: 'epb', ifId: 0, units: 1_700_000_000_000_001n, data: ethernet(0x0800, ipv4Udp(v4)) },
        { kind: 'epb', ifId: 1, units: 1_700_000_000_000_000_005n, data: sll(0x0800, ipv4Udp(v4)) },
        { kind: 'epb', ifId: 2, units: 3n * 1024n, data: ipv6Udp(v6) },
        { kind: 'other', type: 5, body: new Uint8Array(20) }, // interface statistics
        { kind: 'epb', ifId: 7, units: 0n, data: ipv4Udp(v4) }, // no such interface
        { kind: 'opb', ifId: 0, units: 5_000_000n, data: ethernet(0x0800, ipv4Udp(v4)) },
      ],
    },
    {
      littleEndian: false,
      interfaces: [{ linkType: 228 }],
      blocks: [
        { kind: 'spb', data: ipv4Udp(v4) },
        { kind: 'epb', ifId: 0, units: 2_000_000n, data: ipv4Udp({ ...v4, dstPort: 50000 }) },
      ],
    },
  ]);
  const { records, reader } = all(file);
  assert.equal(reader.format, 'pcapng');
  assert.equal(records.length, 6);
  assert.equal(records[0]!.timestampNs, 1_700_000_000_000_001_000);
  assert.equal(records[1]!.timestampNs, 1_700_000_000_000_000_005);
  // 2^-10 s units, plus a 1000 s offset: 3 × 1024 units = 3 s.
  assert.equal(records[2]!.timestampNs, 1003e9);
  assertUdp(records[2], v6);
  assert.equal(records[3]!.timestampNs, 5e9, 'obsolete packet block');
  assert.ok(Number.isNaN(records[4]!.timestampNs), 'simple packet blocks carry no timestamp');
  assertUdp(records[4], v4);
  assert.equal(records[5]!.dstPort, 50000);
  assert.equal(records[5]!.timestampNs, 2e9);
  assert.equal(reader.skipped.otherBlocks, 1);
  assert.equal(reader.skipped.malformed, 1);
  assert.equal(reader.skipped.packets, 7);
  // Iterating again gives the same records and the same counts.
  assert.equal([...reader].length, 6);
  assert.equal(reader.skipped.packets, 7);
});

test('a capture cut at any length yields a prefix of its records and never throws', () => {
  const data = [1, 2, 3].map((i) => ethernet(0x0800, ipv4Udp({ ...v4, srcPort: i })));
  const files = [
    writePcap({ linkType: 1, records: data.map((d, i) => ({ sec: i, frac: 0, data: d })) }),
    writePcapng([
      {
        interfaces: [{ linkType: 1 }],
        blocks: data.map((d, i) => ({ kind: 'epb', ifId: 0, units: BigInt(i), data: d })),
      },
    ]),
  ];
  for (const file of files) {
    const full = all(file).records.map((r) => r.srcPort);
    assert.deepEqual(full, [1, 2, 3]);
    let cutInside = 0;
    for (let len = 0; len <= file.length; len++) {
      let ports: number[];
      try {
        const { records, reader } = all(file.slice(0, len));
        ports = records.map((r) => r.srcPort);
        cutInside += reader.skipped.truncatedTail;
      } catch (e) {
        assert.ok(e instanceof PcapFormatError, `cut at ${len}: ${String(e)}`);
        continue;
      }
      assert.deepEqual(ports, full.slice(0, ports.length), `cut at ${len}`);
    }
    assert.ok(cutInside > 0);
  }
});

test('corrupt structure and non-captures are refused with PcapFormatError', () => {
  assert.throws(() => readPcapUdp(new TextEncoder().encode('GET / HTTP/1.1\r\n')), PcapFormatError);
  assert.throws(() => readPcapUdp(new Uint8Array(2)), PcapFormatError);
  assert.throws(() => [...readPcapUdp(Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0]))], /header truncated/);
  const ng = writePcapng([
    {
      interfaces: [{ linkType: 1 }],
      blocks: [{ kind: 'epb', ifId: 0, units: 0n, data: ethernet(0x0800, ipv4Udp(v4)) }],
    },
  ]);
  const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const badBom = ng.slice();
  dv(badBom).setUint32(8, 0x12345678, true);
  assert.throws(() => [...readPcapUdp(badBom)], /byte-order magic/);
  const shbLen = dv(ng).getUint32(4, true);
  const oddLen = ng.slice();
  dv(oddLen).setUint32(shbLen + 4, 30, true);
  assert.throws(() => [...readPcapUdp(oddLen)], /multiple of 4/);
  const mismatch = ng.slice();
  dv(mismatch).setUint32(shbLen - 4, shbLen + 4, true);
  assert.throws(() => [...readPcapUdp(mismatch)], /trailing copy/);
});

test('random mutations of captures never throw anything but PcapFormatError, and payloads stay inside', () => {
  const data = ethernet(0x0800, ipv4Udp(v4));
  const bases = [
    writePcap({ linkType: 1, records: [{ sec: 1, frac: 1, data }] }),
    writePcap({
      littleEndian: false,
      linkType: 276,
      records: [{ sec: 1, frac: 1, data: sll2(0x86dd, ipv6Udp(v6, { hopByHop: true })) }],
    }),
    writePcapng([
      {
        interfaces: [{ linkType: 1, tsresol: 9 }],
        blocks: [
          { kind: 'epb', ifId: 0, units: 1n, data },
          { kind: 'spb', data },
        ],
      },
    ]),
  ];
  fc.assert(
    fc.property(
      fc.constantFrom(...bases),
      fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
      (base, edits) => {
        const bytes = base.slice();
        for (const { at, value } of edits) bytes[at % bytes.length] = value;
        try {
          for (const r of readPcapUdp(bytes)) {
            const end = r.payload.byteOffset + r.payload.length;
            assert.ok(r.payload.buffer === bytes.buffer && end <= bytes.length);
            assert.ok(r.srcPort >= 0 && r.srcPort <= 0xffff);
          }
        } catch (e) {
          if (!(e instanceof PcapFormatError)) throw e;
        }
      },
    ),
    { numRuns: 1500 },
  );
});

test('IPv6 addresses are written in RFC 5952 form', () => {
  const addr = (...groups: number[]) => Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
  assert.equal(ipv6Text(addr(0, 0, 0, 0, 0, 0, 0, 1), 0), '::1');
  assert.equal(ipv6Text(addr(0, 0, 0, 0, 0, 0, 0, 0), 0), '::');
  assert.equal(ipv6Text(addr(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x42), 0), '2001:db8::42');
  assert.equal(ipv6Text(addr(1, 0, 0, 2, 0, 0, 0, 3), 0), '1:0:0:2::3');
  assert.equal(ipv6Text(addr(1, 0, 2, 3, 4, 5, 6, 7), 0), '1:0:2:3:4:5:6:7');
  assert.equal(ipv6Text(addr(0xfe80, 0, 0, 0, 0xabcd, 0, 0, 0), 0), 'fe80::abcd:0:0:0');
});

// ------------------------------------------------------------------------------------------------
// Interop with Wireshark's tools: real third-party capture files.

function haveTool(name: string): string | undefined {
  const r = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return `${name} not installed: ${r.error.message}`;
  return undefined;
}

test('text2pcap captures of NatNet datagrams (pcap, pcapng, Ethernet/IPv4, raw IPv4, IPv6) decode', (t) => {
  const missing = haveTool('text2pcap');
  if (missing) {
    t.skip(missing);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sightline-pcap-'));
  try {
    const serverInfo = new Uint8Array(
      readFileSync(path.join(FIXTURES, 'motive-2.1-natnet-3.0/serverinfo_packet_v3.bin')),
    );
    const input = path.join(dir, 'dump.txt');
    writeFileSync(
      input,
      `2024-01-02 03:04:05.250000\n${hexdump(serverInfo)}\n2024-01-02 03:04:06.500000\n${hexdump(frameFixture)}`,
    );
    const variants: [string, string[], string, string][] = [
      ['pcap', ['-F', 'pcap', '-4', '192.168.0.1,192.168.0.100', '-u', '1511,49465'], '192.168.0.1', '192.168.0.100'],
      [
        'pcapng',
        ['-F', 'pcapng', '-4', '192.168.0.1,192.168.0.100', '-u', '1511,49465'],
        '192.168.0.1',
        '192.168.0.100',
      ],
      ['raw', ['-F', 'pcap', '-l', '228', '-4', '10.0.0.1,10.0.0.2', '-u', '1511,49465'], '10.0.0.1', '10.0.0.2'],
      ['ipv6', ['-F', 'pcapng', '-6', 'fe80::1,fe80::2', '-u', '1511,49465'], 'fe80::1', 'fe80::2'],
    ];
    for (const [name, args, src, dst] of variants) {
      const out = path.join(dir, `${name}.cap`);
      execFileSync('text2pcap', ['-q', '-t', '%Y-%m-%d %H:%M:%S.%f', ...args, input, out], {
        env: { ...process.env, TZ: 'UTC' },
        timeout: 20_000,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const { records, reader } = all(new Uint8Array(readFileSync(out)));
      assert.equal(records.length, 2, name);
      assert.equal(reader.skipped.malformed, 0);
      const [a, b] = records as [UdpRecord, UdpRecord];
      assert.equal(a.srcAddr, src);
      assert.equal(a.dstAddr, dst);
      assert.equal(a.srcPort, 1511);
      assert.equal(a.dstPort, 49465);
      assert.equal(a.timestampNs, Date.UTC(2024, 0, 2, 3, 4, 5, 250) * 1e6, `${name} timestamp`);
      // Unix ns in a double resolve to 256 ns today.
      assert.ok(Math.abs(b.timestampNs - a.timestampNs - 1.25e9) <= 512, `${name} spacing`);
      const info = decodeMessage(a.payload, [3, 0, 0, 0]);
      assert.equal(info.type === 'serverInfo' && info.server.name, 'Motive');
      const frame = decodeMessage(b.payload, [3, 0, 0, 0]);
      assert.ok(frame.type === 'frameOfData');
      assert.equal(frame.frame.frameNumber, 162734);
      assert.equal(frame.frame.rigidBodies[0]!.id, 2);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tshark reads the captures our test writer builds the same way we do', (t) => {
  const missing = haveTool('tshark');
  if (missing) {
    t.skip(missing);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sightline-pcap-'));
  try {
    const payload = Uint8Array.from([7, 0, 4, 0, 1, 2, 3, 4]);
    const files: [string, Uint8Array][] = [
      [
        'be-ns.pcap',
        writePcap({
          littleEndian: false,
          nanoseconds: true,
          linkType: 113,
          records: [{ sec: 1_700_000_000, frac: 5, data: sll(0x0800, ipv4Udp({ ...v4, payload })) }],
        }),
      ],
      [
        'mixed.pcapng',
        writePcapng([
          {
            littleEndian: false,
            interfaces: [{ linkType: 1, tsresol: 9 }],
            blocks: [
              {
                kind: 'epb',
                ifId: 0,
                units: 1_700_000_000_000_000_005n,
                data: ethernet(0x0800, ipv4Udp({ ...v4, payload }), [42]),
              },
            ],
          },
        ]),
      ],
    ];
    for (const [name, bytes] of files) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      const out = execFileSync(
        'tshark',
        [
          '-r',
          file,
          '-T',
          'fields',
          '-e',
          'udp.srcport',
          '-e',
          'udp.dstport',
          '-e',
          'ip.dst',
          '-e',
          'udp.payload',
          '-e',
          'frame.time_epoch',
        ],
        {
          encoding: 'utf8',
          timeout: 60_000,
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const [srcPort, dstPort, dst, hex, epoch] = out.trim().split('\t');
      const ours = all(bytes).records[0]!;
      assert.equal(Number(srcPort), ours.srcPort, name);
      assert.equal(Number(dstPort), ours.dstPort);
      assert.equal(dst, ours.dstAddr);
      assert.equal(hex, Buffer.from(ours.payload).toString('hex'));
      assert.equal(epoch, '1700000000.000000005');
      assert.equal(ours.timestampNs, 1_700_000_000 * 1e9 + 5);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
