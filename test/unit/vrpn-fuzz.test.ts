/**
 * Properties of the VRPN stream decoding (fast-check, fixed run counts): any split of a real mainline
 * stream into reads gives the same messages; mutated or random streams and bodies only ever end in a
 * counted drop or a clear fatal reason, never an exception out of the endpoint.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  COOKIE_LENGTH,
  DecodeError,
  decodeBody,
  decodeDatagram,
  StreamFramer,
  TypeName,
  type VrpnBodyType,
} from '../../main/protocols/vrpn/codec';
import { VrpnEndpoint, type NamedMessage } from '../../main/protocols/vrpn/endpoint';
import { datagramRecords, fixture, hex } from '../helpers/vrpn-fixtures';

const STREAM = fixture('tcp-only-session.server-to-client.bin');

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

function runEndpoint(chunks: Uint8Array[]): { messages: NamedMessage[]; fatal: string | null; undescribed: number } {
  const messages: NamedMessage[] = [];
  let fatal: string | null = null;
  const endpoint = new VrpnEndpoint(
    { writeTcp: () => {} },
    { onMessage: (m) => messages.push({ ...m, body: m.body.slice() }), onFatal: (r) => (fatal = r) },
    { senders: ['VRPN Control'], types: [] },
  );
  endpoint.start();
  for (const c of chunks) endpoint.receiveTcp(c);
  return { messages, fatal, undescribed: endpoint.counters.undescribed };
}

const whole = runEndpoint([STREAM]);

test('the whole mainline stream, in one read, dispatches every device message by name', () => {
  assert.equal(whole.fatal, null);
  assert.equal(whole.undescribed, 0);
  const types = new Set(whole.messages.map((m) => m.type));
  for (const t of [
    TypeName.PosQuat,
    TypeName.Analog,
    TypeName.ButtonChange,
    TypeName.ButtonStates,
    TypeName.Dial,
    TypeName.Pong,
  ]) {
    assert.ok(types.has(t), t);
  }
  assert.ok(whole.messages.every((m) => m.sender !== null));
});

test('any split of the stream into reads gives the same messages', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(STREAM.length), { maxLength: 40 }), (cuts) => {
      const got = runEndpoint(splitAt(STREAM, cuts));
      assert.equal(got.fatal, null);
      assert.equal(got.messages.length, whole.messages.length);
      for (let i = 0; i < got.messages.length; i++) {
        const a = got.messages[i]!;
        const b = whole.messages[i]!;
        assert.equal(a.type, b.type);
        assert.equal(a.sender, b.sender);
        assert.equal(hex(a.body), hex(b.body));
      }
    }),
    { numRuns: 200 },
  );
});

test('the framer alone: byte-by-byte reads give the same messages as one read', () => {
  const framer = new StreamFramer();
  let count = 0;
  for (let i = COOKIE_LENGTH; i < STREAM.length; i++) framer.push(STREAM.subarray(i, i + 1), () => count++);
  let once = 0;
  new StreamFramer().push(STREAM.subarray(COOKIE_LENGTH), () => once++);
  assert.equal(count, once);
});

test('mutated streams never throw out of the endpoint', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.nat(STREAM.length - 1), value: fc.integer({ min: 0, max: 255 }) }), {
        minLength: 1,
        maxLength: 20,
      }),
      fc.array(fc.nat(STREAM.length), { maxLength: 10 }),
      (mutations, cuts) => {
        const bytes = STREAM.slice();
        for (const m of mutations) bytes[m.at] = m.value;
        const got = runEndpoint(splitAt(bytes, cuts));
        // Either fine, or a stated reason; and never more messages than the stream could frame.
        assert.ok(got.fatal === null || got.fatal.length > 0);
        assert.ok(got.messages.length <= STREAM.length / 24);
      },
    ),
    { numRuns: 300 },
  );
});

test('random bytes after a good cookie never throw, and random cookies are refused with a reason', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, goodCookie) => {
      const chunks = goodCookie ? [STREAM.subarray(0, COOKIE_LENGTH), bytes] : [bytes];
      const got = runEndpoint(chunks);
      if (
        !goodCookie &&
        bytes.length >= COOKIE_LENGTH &&
        !hex(bytes.subarray(0, 14)).startsWith('7672706e3a20766572')
      ) {
        assert.ok(got.fatal);
      }
    }),
    { numRuns: 300 },
  );
});

test('random bodies for every type decode or fail with DecodeError only', () => {
  const types = Object.values(TypeName) as VrpnBodyType[];
  fc.assert(
    fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 1100 }), (type, body) => {
      try {
        decodeBody(type, body);
      } catch (error) {
        assert.ok(error instanceof DecodeError, String(error));
      }
    }),
    { numRuns: 2000 },
  );
});

test('mutated real datagrams: the good messages before a bad one are kept, nothing throws', () => {
  const records = datagramRecords(fixture('udp-tcp-session.udp-datagrams.bin')).slice(1);
  fc.assert(
    fc.property(fc.constantFrom(...records), fc.nat(), fc.integer({ min: 0, max: 255 }), (r, at, value) => {
      const bytes = r.data.slice();
      bytes[at % bytes.length] = value;
      const { messages } = decodeDatagram(bytes);
      assert.ok(messages.length <= bytes.length / 24);
    }),
    { numRuns: 500 },
  );
});
