/**
 * ENet 1.3 codec: every command's bytes against the layout in protocol.h (big-endian), round trips,
 * and fast-check properties on hostile datagrams (decode either returns or throws DecodeError).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../main/net/byte-reader';
import {
  crc32,
  decodeDatagram,
  encodeDatagram,
  EnetCommandType as T,
  type EnetCommand,
  type EnetDatagram,
} from '../../main/net/enet/codec';

const base = { acknowledge: false, unsequenced: false, channelId: 0xff, reliableSequenceNumber: 1 };
const connectFields = {
  outgoingPeerId: 3,
  incomingSessionId: 0xff,
  outgoingSessionId: 0xff,
  mtu: 1400,
  windowSize: 65536,
  channelCount: 8,
  incomingBandwidth: 0,
  outgoingBandwidth: 0,
  packetThrottleInterval: 5000,
  packetThrottleAcceleration: 2,
  packetThrottleDeceleration: 2,
  connectId: 0xdeadbeef,
};

/** One of every command, with the size protocol.h gives it. */
const EVERY: [EnetCommand, number][] = [
  [
    {
      ...base,
      type: T.Acknowledge,
      channelId: 2,
      reliableSequenceNumber: 9,
      receivedReliableSequenceNumber: 9,
      receivedSentTime: 0xbeef,
    },
    8,
  ],
  [{ ...base, acknowledge: true, type: T.Connect, ...connectFields, data: 4242 }, 48],
  [{ ...base, acknowledge: true, type: T.VerifyConnect, ...connectFields }, 44],
  [{ ...base, acknowledge: true, type: T.Disconnect, data: 7 }, 8],
  [{ ...base, acknowledge: true, type: T.Ping }, 4],
  [{ ...base, acknowledge: true, type: T.SendReliable, channelId: 1, data: new Uint8Array([1, 2, 3]) }, 6 + 3],
  [{ ...base, type: T.SendUnreliable, channelId: 2, unreliableSequenceNumber: 5, data: new Uint8Array([9]) }, 8 + 1],
  [
    {
      ...base,
      acknowledge: true,
      type: T.SendFragment,
      channelId: 3,
      startSequenceNumber: 1,
      fragmentCount: 2,
      fragmentNumber: 1,
      totalLength: 4,
      fragmentOffset: 2,
      data: new Uint8Array([7, 8]),
    },
    24 + 2,
  ],
  [
    {
      ...base,
      unsequenced: true,
      type: T.SendUnsequenced,
      channelId: 4,
      reliableSequenceNumber: 0,
      unsequencedGroup: 77,
      data: new Uint8Array([1]),
    },
    8 + 1,
  ],
  [{ ...base, acknowledge: true, type: T.BandwidthLimit, incomingBandwidth: 100_000, outgoingBandwidth: 200_000 }, 12],
  [
    {
      ...base,
      acknowledge: true,
      type: T.ThrottleConfigure,
      packetThrottleInterval: 5000,
      packetThrottleAcceleration: 2,
      packetThrottleDeceleration: 3,
    },
    16,
  ],
  [
    {
      ...base,
      type: T.SendUnreliableFragment,
      channelId: 5,
      startSequenceNumber: 3,
      fragmentCount: 3,
      fragmentNumber: 0,
      totalLength: 9,
      fragmentOffset: 0,
      data: new Uint8Array([1, 2, 3]),
    },
    24 + 3,
  ],
];

test('every command: size on the wire, header byte, and a round trip', () => {
  for (const [command, size] of EVERY) {
    const datagram: EnetDatagram = {
      peerId: 5,
      sessionId: 2,
      compressed: false,
      sentTime: 0x1234,
      commands: [command],
    };
    const bytes = encodeDatagram(datagram);
    assert.equal(bytes.length, 4 + size, `command ${command.type}`);
    assert.equal(bytes[4]! & 0x0f, command.type);
    assert.equal((bytes[4]! & 0x80) !== 0, command.acknowledge);
    assert.equal((bytes[4]! & 0x40) !== 0, command.unsequenced);
    assert.equal(bytes[5], command.channelId);
    assert.deepEqual(decodeDatagram(bytes), datagram);
  }
});

test('header: peer id, session bits and the sent-time flag, big-endian', () => {
  const bytes = encodeDatagram({ peerId: 0x123, sessionId: 3, compressed: false, sentTime: 0xabcd, commands: [] });
  assert.deepEqual([...bytes], [0x80 | 0x30 | 0x01, 0x23, 0xab, 0xcd]);
  const noTime = encodeDatagram({ peerId: 0xfff, sessionId: 0, compressed: false, commands: [] });
  assert.deepEqual([...noTime], [0x0f, 0xff]);
});

test('CONNECT matches the C library bytes field by field (a 52-byte datagram)', () => {
  const [connect] = EVERY[1]!;
  const bytes = encodeDatagram({ peerId: 0xfff, sessionId: 0, compressed: false, sentTime: 1, commands: [connect] });
  assert.equal(bytes.length, 52);
  const v = new DataView(bytes.buffer);
  assert.equal(v.getUint8(4), 0x82);
  assert.equal(v.getUint16(8), 3); // outgoingPeerID
  assert.equal(v.getUint32(12), 1400); // mtu
  assert.equal(v.getUint32(20), 8); // channelCount
  assert.equal(v.getUint32(44), 0xdeadbeef); // connectID
  assert.equal(v.getUint32(48), 4242); // data
});

test('CRC-32: the standard check value, and checksummed datagrams verify and reject tampering', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const datagram: EnetDatagram = { peerId: 1, sessionId: 1, compressed: false, sentTime: 9, commands: [EVERY[4]![0]] };
  const bytes = encodeDatagram(datagram, { checksumSeed: 0x11223344 });
  assert.equal(bytes.length, 4 + 4 + 4);
  assert.deepEqual(decodeDatagram(bytes, { checksum: true, checksumSeed: () => 0x11223344 }), datagram);
  assert.throws(() => decodeDatagram(bytes, { checksum: true, checksumSeed: () => 0 }), DecodeError);
  bytes[9] = (bytes[9]! + 1) & 0xff;
  assert.throws(() => decodeDatagram(bytes, { checksum: true, checksumSeed: () => 0x11223344 }), DecodeError);
});

test('refused: truncated commands, payloads past the end, unknown commands, compression, >32 commands', () => {
  const ok = encodeDatagram({ peerId: 1, sessionId: 0, compressed: false, sentTime: 1, commands: [EVERY[5]![0]] });
  assert.throws(() => decodeDatagram(ok.subarray(0, ok.length - 1)), /payload of 3 bytes runs past/);
  assert.throws(() => decodeDatagram(ok.subarray(0, 6)), /truncated command header/);
  assert.throws(() => decodeDatagram(new Uint8Array([0x80, 0x01, 0, 0, 0x0d, 0xff, 0, 0])), /unknown command 13/);
  assert.throws(() => decodeDatagram(new Uint8Array([0x40, 0x01, 0x05, 0xff, 0, 1])), /compressed/);
  assert.throws(() => decodeDatagram(new Uint8Array([1])), DecodeError);
  const pings = Array.from({ length: 33 }, () => EVERY[4]![0]);
  const many = new Uint8Array(4 + 33 * 4);
  many.set(encodeDatagram({ peerId: 1, sessionId: 0, compressed: false, sentTime: 1, commands: pings.slice(0, 32) }));
  many.set([0x85, 0xff, 0, 1], 4 + 32 * 4);
  assert.throws(() => decodeDatagram(many), /more than 32 commands/);
  assert.throws(() => decodeDatagram(ok, { maxDataLength: 2 }), /over the 2-byte limit/);
});

const commandArb: fc.Arbitrary<EnetCommand> = fc
  .tuple(
    fc.constantFrom(...EVERY.map(([c]) => c)),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 0xffff }),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(
    ([c, channelId, seq, data]) =>
      ({
        ...c,
        channelId,
        reliableSequenceNumber: seq,
        ...('data' in c && c.data instanceof Uint8Array ? { data } : {}),
      }) as EnetCommand,
  );

test('property: encode then decode is the identity', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xfff }),
      fc.integer({ min: 0, max: 3 }),
      fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
      fc.array(commandArb, { maxLength: 32 }),
      (peerId, sessionId, sentTime, commands) => {
        const d: EnetDatagram = {
          peerId,
          sessionId,
          compressed: false,
          ...(sentTime === undefined ? {} : { sentTime }),
          commands,
        };
        assert.deepEqual(decodeDatagram(encodeDatagram(d)), d);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: any bytes decode or throw DecodeError, never anything else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, checksum) => {
      try {
        decodeDatagram(bytes, { checksum });
      } catch (e) {
        assert.ok(e instanceof DecodeError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: a valid datagram cut short or with a flipped byte never escapes as a non-DecodeError', () => {
  fc.assert(
    fc.property(fc.array(commandArb, { minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(255), (commands, cut, flip) => {
      const bytes = encodeDatagram({ peerId: 1, sessionId: 1, compressed: false, sentTime: 5, commands });
      const at = cut % bytes.length;
      const mutated = bytes.slice();
      mutated[at] = flip;
      for (const b of [bytes.subarray(0, at), mutated]) {
        try {
          decodeDatagram(b);
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
      }
    }),
    { numRuns: 500 },
  );
});
