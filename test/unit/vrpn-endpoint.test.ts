/** One side of a VRPN connection without sockets: the cookie first, names not numbers, drops counted. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  encodeBody,
  encodeCookie,
  encodeDescription,
  encodeMessage,
  StreamFramer,
  SystemType,
  TypeName,
} from '../../main/protocols/vrpn/codec';
import { VrpnEndpoint, type NamedMessage } from '../../main/protocols/vrpn/endpoint';

const POSE = encodeBody({ type: TypeName.PosQuat, sensor: 0, pad: 0, position: [1, 2, 3], quaternion: [0, 0, 0, 1] });

function message(sender: number, type: number, body: Uint8Array, seq = 0): Uint8Array {
  return encodeMessage({ tsSec: 1, tsUsec: 2, sender, type, seq, body });
}

function endpoint() {
  const written: Uint8Array[] = [];
  const got: NamedMessage[] = [];
  const fatal: string[] = [];
  const e = new VrpnEndpoint(
    { writeTcp: (b) => written.push(b) },
    { onMessage: (m) => got.push(m), onFatal: (r) => fatal.push(r) },
    { senders: ['VRPN Control', 'Tracker0'], types: [TypeName.Ping] },
  );
  return { e, written, got, fatal };
}

test('messages of undescribed types are dropped and counted; after the description they are delivered by name', () => {
  const { e, got } = endpoint();
  e.start();
  e.receiveTcp(encodeCookie());
  e.receiveTcp(message(7, 42, POSE));
  assert.equal(got.length, 0);
  assert.equal(e.counters.undescribed, 1);
  e.receiveTcp(message(42, SystemType.TypeDescription, encodeDescription(TypeName.PosQuat)));
  e.receiveTcp(message(7, 42, POSE));
  assert.equal(got.length, 1);
  assert.equal(got[0]!.type, TypeName.PosQuat);
  assert.equal(got[0]!.sender, null, 'sender 7 was never described');
  e.receiveTcp(message(7, SystemType.SenderDescription, encodeDescription('DTrack')));
  e.receiveTcp(message(7, 42, POSE));
  assert.equal(got[1]!.sender, 'DTrack');
});

test('nothing is dispatched before the cookie, and our descriptions follow it in id order', async () => {
  const { e, written, got } = endpoint();
  e.start();
  assert.equal(written.length, 1, 'only the cookie before the peer’s');
  e.receiveTcp(encodeCookie().subarray(0, 10));
  e.receiveTcp(
    Buffer.concat([
      encodeCookie().subarray(10),
      message(0, SystemType.TypeDescription, encodeDescription(TypeName.Ping)),
    ]),
  );
  await Promise.resolve();
  const names: string[] = [];
  new StreamFramer().push(written[1]!, (m) =>
    names.push(`${m.type}:${m.sender}:${Buffer.from(m.body.subarray(4, -1)).toString()}`),
  );
  assert.deepEqual(names, ['-1:0:VRPN Control', '-1:1:Tracker0', '-2:0:vrpn_Base ping_message']);
  assert.equal(got.length, 0);
});

test('a bad cookie or an impossible length is fatal with the reason; afterwards nothing is processed', () => {
  const a = endpoint();
  a.e.receiveTcp(encodeCookie(0, '08.00'));
  assert.match(a.fatal[0]!, /major version/);
  const b = endpoint();
  b.e.receiveTcp(encodeCookie());
  const huge = Buffer.alloc(24);
  huge.writeUInt32BE(0x7fffffff);
  b.e.receiveTcp(huge);
  assert.match(b.fatal[0]!, /exceeds/);
  b.e.receiveTcp(message(0, SystemType.TypeDescription, encodeDescription(TypeName.Ping)));
  assert.equal(b.fatal.length, 1);
});

test('messages sent while a name is new describe it first; UDP messages are packed into datagrams ≤ 1472 bytes', async () => {
  const tcp: Uint8Array[] = [];
  const udp: Uint8Array[] = [];
  const e = new VrpnEndpoint(
    { writeTcp: (b) => tcp.push(b), writeUdp: (b) => udp.push(b) },
    { onMessage: () => {}, onFatal: () => {} },
    { senders: ['VRPN Control'], types: [] },
  );
  e.start();
  e.receiveTcp(encodeCookie());
  for (let i = 0; i < 40; i++) e.send('Tracker0', TypeName.PosQuat, POSE, { udp: true });
  await Promise.resolve();
  e.flush();
  assert.ok(udp.every((d) => d.length <= 1472));
  assert.equal(
    udp.reduce((n, d) => n + d.length, 0),
    40 * 88,
  );
  assert.equal(udp.length, Math.ceil(40 / Math.floor(1472 / 88)));
  const described: string[] = [];
  for (const chunk of tcp.slice(1)) new StreamFramer().push(chunk, (m) => described.push(String(m.type)));
  assert.deepEqual(described, ['-1', '-1', '-2'], 'VRPN Control, then Tracker0 and Pos_Quat as first used');
});
