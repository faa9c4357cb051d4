/**
 * `sightline decode natnet FILE`: captures made by Wireshark's text2pcap (a real third-party writer)
 * and by our test writer, decoded to the documented JSON lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../main/cli/index';
import type { FrameLine } from '../../main/cli/frame-line';
import { captureIo } from '../helpers/cli-capture';
import { ethernet, hexdump, ipv4Udp, writePcap } from '../helpers/pcap-writer';

const FIXTURES = join(__dirname, '../fixtures/natnet');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

test('decode natnet: a text2pcap pcapng of a Motive 2.1 session gives one frame line per frame, names from the model definitions', async (t) => {
  const probe = spawnSync('text2pcap', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.error) {
    t.skip(`text2pcap not installed (apt-get install wireshark-common): ${probe.error.message}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sightline-decode-'));
  try {
    const garbage = new Uint8Array([7, 0, 200, 0, 1, 2, 3]); // a frame id claiming 200 bytes it does not have
    const packets: [string, Uint8Array][] = [
      ['2024-01-02 03:04:05.000000', fixture('motive-2.1-natnet-3.0/serverinfo_packet_v3.bin')],
      ['2024-01-02 03:04:05.100000', fixture('motive-2.1-natnet-3.0/modeldef_packet_v3.bin')],
      ['2024-01-02 03:04:05.200000', fixture('motive-2.1-natnet-3.0/mocapframe_packet_v3.bin')],
      ['2024-01-02 03:04:05.300000', garbage],
      ['2024-01-02 03:04:05.400000', fixture('motive-2.1-natnet-3.0/mocapframe_packet_occluded_v3.bin')],
    ];
    const input = join(dir, 'dump.txt');
    writeFileSync(input, packets.map(([time, bytes]) => `${time}\n${hexdump(bytes)}`).join('\n'));
    const capture = join(dir, 'session.pcapng');
    execFileSync(
      'text2pcap',
      [
        '-q',
        '-t',
        '%Y-%m-%d %H:%M:%S.%f',
        '-F',
        'pcapng',
        '-4',
        '192.168.0.1,192.168.0.100',
        '-u',
        '1511,49465',
        input,
        capture,
      ],
      { env: { ...process.env, TZ: 'UTC' }, timeout: 20_000, stdio: ['ignore', 'ignore', 'pipe'] },
    );

    const c = captureIo();
    assert.equal(await runCli(['decode', 'natnet', capture], c.io), 0, c.err());
    const lines = c.lines.map((l) => JSON.parse(l) as FrameLine);
    assert.equal(lines.length, 2, 'two frames; the garbage datagram is not a frame');
    const [first, second] = lines as [FrameLine, FrameLine];
    assert.equal(first.frame, 162734);
    assert.equal(first.hostTimeNs, Date.UTC(2024, 0, 2, 3, 4, 5, 200) * 1e6, 'capture time');
    assert.equal(first.deviceTimeNs, null);
    assert.equal(first.recording, false);
    assert.equal(first.bodies.length, 1);
    const body = first.bodies[0]!;
    assert.equal(body.id, 2);
    assert.equal(body.name, 'RaceQuad', 'named by the model definitions earlier in the capture');
    assert.ok(Math.abs(body.position[0] - 0.1744466) < 1e-6);
    assert.ok(Math.abs(body.position[1] - 1.4471314) < 1e-6);
    assert.ok(Math.abs(body.quaternion[3] - -0.8573577) < 1e-6);
    assert.equal(body.valid, true);
    assert.equal(second.frame, 269007);
    assert.equal(second.bodies[0]!.id, 7);
    assert.equal(second.bodies[0]!.name, 'Body 7', 'no description for body 7 in this capture');
    assert.match(c.err(), /2 frames \(NatNet 3\.0\), 1 malformed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('decode natnet: without a ServerInfo in the capture the bitstream is detected (Motive 1.9, NatNet 2.9)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-decode-'));
  try {
    const frames = ['frame-motive-1.9.0-001.bin', 'frame-motive-1.9.0-002.bin'].map((f) =>
      fixture(`motive-1.x-natnet-2.x/${f}`),
    );
    const records = frames.map((payload, i) => ({
      sec: 1_700_000_000,
      frac: i * 1000,
      data: ethernet(0x0800, ipv4Udp({ src: '10.0.0.1', dst: '239.255.42.99', srcPort: 1511, dstPort: 1511, payload })),
    }));
    const file = join(dir, 'old-motive.pcap');
    writeFileSync(file, writePcap({ linkType: 1, records }));
    const c = captureIo();
    assert.equal(await runCli(['decode', 'natnet', file], c.io), 0, c.err());
    const lines = c.lines.map((l) => JSON.parse(l) as FrameLine);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!.bodies.length, 1);
    assert.equal(lines[0]!.recording, false, 'NatNet 2.9 frames carry params');
    assert.match(c.err(), /NatNet 2\.9/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('decode natnet: a file that is not a capture fails with exit code 1 and a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-decode-'));
  try {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'not a capture at all');
    const c = captureIo();
    assert.equal(await runCli(['decode', 'natnet', file], c.io), 1);
    assert.match(c.err(), /sightline: .*(pcap|capture)/i);
    assert.equal(c.lines.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
