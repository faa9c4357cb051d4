/**
 * The VRPN codec against real sessions of the mainline 07.38 server and client (test/fixtures/vrpn):
 * every message decodes to the values in decoded.txt, and re-encoding gives back the same bytes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkCookie,
  decodeBody,
  decodeDatagram,
  decodeDescription,
  decodeLobRequest,
  decodeLogDescription,
  DecodeError,
  encodeBody,
  encodeCookie,
  encodeDescription,
  encodeLobRequest,
  encodeLogDescription,
  encodeMessage,
  parseDeviceAddress,
  StreamFramer,
  TypeName,
  type VrpnBody,
} from '../../main/protocols/vrpn/codec';
import {
  datagramRecords,
  decodeStream,
  expectedLines,
  fixture,
  formatMessage,
  hex,
  Names,
} from '../helpers/vrpn-fixtures';

const SESSIONS = [
  {
    name: 'tcp-only session',
    decoded: 'tcp-only-session.decoded.txt',
    streams: [
      { file: 'tcp-only-session.server-to-client.bin', direction: 'TCP 13883->57733' },
      { file: 'tcp-only-session.client-to-server.bin', direction: 'TCP 57733->13883' },
    ],
  },
  {
    name: 'udp+tcp session',
    decoded: 'udp-tcp-session.decoded.txt',
    streams: [
      { file: 'udp-tcp-session.tcp.server-to-client.bin', direction: 'TCP 46153->42495' },
      { file: 'udp-tcp-session.tcp.client-to-server.bin', direction: 'TCP 42495->46153' },
    ],
  },
];

describe('VRPN codec on the mainline 07.38 sessions', () => {
  for (const session of SESSIONS) {
    for (const stream of session.streams) {
      test(`${session.name}, ${stream.direction}: every message as decoded.txt says, re-encoded byte for byte`, () => {
        const bytes = fixture(stream.file);
        const expected = expectedLines(session.decoded, stream.direction);
        const names = new Names();
        const { cookie, messages } = decodeStream(bytes);
        assert.match(expected[0]!, new RegExp(`hex=${hex(cookie)}$`));
        const cookieCheck = checkCookie(cookie);
        assert.deepEqual(cookieCheck, { ok: true, version: '07.38', minorMatches: true, logMode: 0 });
        assert.deepEqual(encodeCookie(), cookie);
        const got = messages.map((m) => formatMessage(m, names));
        assert.equal(got.length, expected.length - 1, 'message count');
        got.forEach((line, i) => assert.equal(line, expected[i + 1], `message ${i}`));
        // Re-encode: header, body from the decoded fields, and the padding as captured (not zeroed).
        const parts: Uint8Array[] = [encodeCookie()];
        for (const m of messages) {
          const typeName = names.types.name(m.type);
          let body = m.body;
          if (m.type >= 0 && typeName && typeName in BODY_TYPES) {
            body = encodeBody(decodeBody(typeName as VrpnBody['type'], m.body));
          } else if (m.type === -1 || m.type === -2) {
            body = encodeDescription(decodeDescription(m.body));
          }
          parts.push(encodeMessage({ ...m, body }));
        }
        assert.equal(hex(Buffer.concat(parts)), hex(bytes));
      });
    }
  }

  test('udp+tcp session: the connection request and every datagram', () => {
    const names = new Names();
    for (const m of decodeStream(fixture('udp-tcp-session.tcp.server-to-client.bin')).messages) formatMessage(m, names);
    const expected = expectedLines('udp-tcp-session.decoded.txt', 'UDP 53556->47297');
    const records = datagramRecords(fixture('udp-tcp-session.udp-datagrams.bin'));
    const lob = records[0]!;
    assert.deepEqual(decodeLobRequest(lob.data), { address: '127.0.0.1', port: 42495 });
    assert.equal(hex(encodeLobRequest('127.0.0.1', 42495)), hex(lob.data));
    const got: string[] = [];
    let multi = 0;
    for (const r of records.slice(1)) {
      const { messages, error } = decodeDatagram(r.data);
      assert.equal(error, undefined);
      if (messages.length > 1) multi++;
      for (const m of messages) got.push(formatMessage(m, names));
      assert.equal(hex(Buffer.concat(messages.map((m) => encodeMessage(m)))), hex(r.data));
    }
    assert.ok(multi > 0, 'some datagrams carry several messages');
    assert.deepEqual(got, expected);
  });
});

const BODY_TYPES: Record<string, true> = Object.fromEntries(Object.values(TypeName).map((t) => [t, true]));

describe('VRPN bodies the sessions do not carry', () => {
  const cases: VrpnBody[] = [
    { type: TypeName.ToRoom, position: [0, 0, -0.28], quaternion: [0, 0, 0, 1] },
    { type: TypeName.Workspace, min: [-0.2, -0.2, -0.1], max: [0.2, 0.2, 0.2] },
    { type: TypeName.UnitToSensor, sensor: 1, pad: 0, position: [0, 0, 0], quaternion: [0, 0, 0, 1] },
    {
      type: TypeName.Text,
      severity: 1,
      level: 3,
      text: 'No response from server for >= 3 seconds',
      tail: new Uint8Array(1032 - 8 - 41).fill(0xcd),
    },
    { type: TypeName.Ping },
    { type: TypeName.Pong },
    { type: TypeName.SetUpdateRate, rateHz: 60 },
  ];
  for (const body of cases) {
    test(`${body.type} round-trips`, () => {
      const bytes = encodeBody(body);
      assert.deepEqual(decodeBody(body.type, bytes), body);
    });
  }

  test('sizes are exact, as the mainline remotes require', () => {
    assert.equal(encodeBody(cases[0]!).length, 56);
    assert.equal(encodeBody(cases[1]!).length, 48);
    assert.equal(encodeBody(cases[3]!).length, 1032);
    assert.throws(() => decodeBody(TypeName.PosQuat, new Uint8Array(56)), DecodeError);
    assert.throws(() => decodeBody(TypeName.Velocity, new Uint8Array(64)), DecodeError);
    assert.throws(() => decodeBody(TypeName.ButtonChange, new Uint8Array(20)), DecodeError);
    assert.throws(() => decodeBody(TypeName.Dial, new Uint8Array(16)), DecodeError);
  });

  test('hostile counts are refused before anything is allocated', () => {
    const states = new Uint8Array([0x7f, 0xff, 0xff, 0xff]);
    assert.throws(() => decodeBody(TypeName.ButtonStates, states), /exceeds the limit/);
    const analog = Buffer.alloc(8);
    analog.writeDoubleBE(1e12);
    assert.throws(() => decodeBody(TypeName.Analog, analog), /analog channel count/);
    const sensor = Buffer.alloc(64);
    sensor.writeInt32BE(-1);
    assert.throws(() => decodeBody(TypeName.PosQuat, sensor), /sensor -1/);
  });

  test('log description round-trips', () => {
    const d = { incoming: 'in.vrpn', outgoing: 'out.vrpn' };
    assert.deepEqual(decodeLogDescription(encodeLogDescription(d)), d);
  });
});

describe('VRPN framing and cookies', () => {
  test('cookie rule: same major accepted, other minor noted, other major and bad log digit refused', () => {
    assert.equal(checkCookie(encodeCookie(0, '07.35')).ok, true);
    assert.equal((checkCookie(encodeCookie(0, '07.35')) as { minorMatches: boolean }).minorMatches, false);
    const major = checkCookie(encodeCookie(0, '08.00'));
    assert.ok(!major.ok && /major version/.test(major.reason));
    const digit = encodeCookie();
    digit[18] = 0x39;
    assert.ok(!checkCookie(digit).ok);
    const junk = checkCookie(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n'));
    assert.ok(!junk.ok && /not a VRPN peer/.test(junk.reason));
    const garbagePad = encodeCookie();
    garbagePad.fill(0xed, 20);
    assert.equal(checkCookie(garbagePad).ok, true);
  });

  test('a length field of gigabytes or under 24 ends the stream with a clear error', () => {
    for (const len of [0xfffffff0, 20]) {
      const header = Buffer.alloc(24);
      header.writeUInt32BE(len);
      const framer = new StreamFramer();
      assert.throws(() => framer.push(header, () => {}), DecodeError);
      assert.throws(() => framer.push(new Uint8Array(8), () => {}), DecodeError, 'stays failed');
    }
  });

  test('a description without its NUL, or whose inner length disagrees, is refused', () => {
    const good = encodeDescription('Tracker0');
    const noNul = good.slice();
    noNul[noNul.length - 1] = 0x41;
    assert.throws(() => decodeDescription(noNul), DecodeError);
    const longer = Buffer.from(good);
    longer.writeUInt32BE(200);
    assert.throws(() => decodeDescription(longer), DecodeError);
  });

  test('names mainline would refuse (a description body over 100 bytes) are refused before sending', () => {
    const longest = 'T'.repeat(95);
    assert.equal(encodeDescription(longest).length, 100);
    assert.equal(decodeDescription(encodeDescription(longest)), longest);
    assert.throws(() => encodeDescription('T'.repeat(96)), /longer than 95 bytes/);
    assert.equal(parseDeviceAddress(`${longest}@127.0.0.1`).name, longest);
    assert.throws(() => parseDeviceAddress(`${'T'.repeat(96)}@127.0.0.1`), /longer than 95 bytes/);
  });

  test('a truncated message ends a datagram; the messages before it are kept', () => {
    const one = encodeMessage({ tsSec: 1, tsUsec: 2, sender: 0, type: 4, seq: 0, body: new Uint8Array(64) });
    const datagram = Buffer.concat([one, one.subarray(0, 40)]);
    const { messages, error } = decodeDatagram(datagram);
    assert.equal(messages.length, 1);
    assert.ok(error instanceof DecodeError);
  });

  test('device names as users write them', () => {
    assert.deepEqual(parseDeviceAddress('Tracker0@localhost'), {
      name: 'Tracker0',
      host: 'localhost',
      port: 3883,
      tcpOnly: false,
      key: 'udp://localhost:3883',
    });
    assert.deepEqual(parseDeviceAddress('Tracker0@10.0.0.2:3884'), {
      name: 'Tracker0',
      host: '10.0.0.2',
      port: 3884,
      tcpOnly: false,
      key: 'udp://10.0.0.2:3884',
    });
    const tcp = parseDeviceAddress('Rigid Body 1@tcp://127.0.0.1:13883');
    assert.equal(tcp.name, 'Rigid Body 1');
    assert.equal(tcp.tcpOnly, true);
    assert.equal(tcp.port, 13883);
    assert.equal(parseDeviceAddress('Tracker0@tcp:host').tcpOnly, true);
    assert.equal(parseDeviceAddress('Tracker0@x-vrpn://host:1').port, 1);
    assert.throws(() => parseDeviceAddress('Tracker0'), /must look like/);
    assert.throws(() => parseDeviceAddress('Tracker0@file://x.vrpn'), /only tcp/);
    assert.throws(() => parseDeviceAddress('Tracker0@host:99999'), /bad port/);
  });
});
