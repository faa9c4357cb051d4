/**
 * Reads the VRPN fixture sessions (test/fixtures/vrpn, see its README section) and prints each message
 * the way their decoded.txt does, so a test can compare our decoder's view with the reference one line
 * by line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COOKIE_LENGTH,
  decodeBody,
  decodeDescription,
  decodeUdpDescription,
  isKnownType,
  paddedLength,
  RemoteNames,
  StreamFramer,
  SystemType,
  TypeName,
  type VrpnMessage,
} from '../../main/protocols/vrpn/codec';

export const VRPN_FIXTURES = join(__dirname, '..', 'fixtures', 'vrpn');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(VRPN_FIXTURES, name)));
}

/** decoded.txt lines of one direction ("TCP 13883->57733"), without the capture's "#N t=…" prefix. */
export function expectedLines(decodedFile: string, direction: string): string[] {
  const text = readFileSync(join(VRPN_FIXTURES, decodedFile), 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(` ${direction} `);
    if (at >= 0) out.push(line.slice(at + direction.length + 2));
  }
  return out;
}

/** The datagram records of udp-tcp-session.udp-datagrams.bin: u16 src, u16 dst, u32 length, bytes. */
export function datagramRecords(bytes: Uint8Array): { src: number; dst: number; data: Uint8Array }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { src: number; dst: number; data: Uint8Array }[] = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    const len = view.getUint32(at + 4, false);
    out.push({
      src: view.getUint16(at, false),
      dst: view.getUint16(at + 2, false),
      data: bytes.subarray(at + 8, at + 8 + len),
    });
    at += 8 + len;
  }
  return out;
}

/** One side's view of the peer: its names, learned from its descriptions. */
export class Names {
  readonly senders = new RemoteNames(2000);
  readonly types = new RemoteNames(2000);
}

function num(v: number): string {
  return String(Number(v.toPrecision(6)));
}

function ts(m: VrpnMessage): string {
  return `${m.tsSec}.${String(m.tsUsec).padStart(6, '0')}`;
}

/** One message as decoded.txt prints it (after the direction), updating `names` from descriptions. */
export function formatMessage(m: VrpnMessage, names: Names): string {
  const n = m.body.length;
  const head = `len=${n + 24} (payload ${n}, wire ${24 + paddedLength(n)}) ts=${ts(m)} seq=${m.seq} :: `;
  if (m.type === SystemType.SenderDescription || m.type === SystemType.TypeDescription) {
    const name = decodeDescription(m.body);
    (m.type === SystemType.SenderDescription ? names.senders : names.types).describe(m.sender, name);
    const kind = m.type === SystemType.SenderDescription ? 'SENDER_DESCRIPTION' : 'TYPE_DESCRIPTION';
    return `${head}${kind} id=${m.sender} len=${name.length + 1} "${name}"`;
  }
  if (m.type === SystemType.UdpDescription) {
    return `${head}UDP_DESCRIPTION port=${m.sender} addr="${decodeUdpDescription(m.body)}"`;
  }
  const type = names.types.name(m.type) ?? `type ${m.type}`;
  const sender = `sender=${m.sender}(${names.senders.name(m.sender) ?? '?'})`;
  if (!isKnownType(type)) return `${head}${type} ${sender}`;
  const b = decodeBody(type, m.body);
  switch (b.type) {
    case TypeName.PosQuat:
      return `${head}${type} ${sender} sensor=${b.sensor} pad=${b.pad} f64=[${[...b.position, ...b.quaternion].map(num).join(',')}]`;
    case TypeName.Velocity:
      return `${head}${type} ${sender} sensor=${b.sensor} pad=${b.pad} f64=[${[...b.velocity, ...b.quaternion, b.dt].map(num).join(',')}]`;
    case TypeName.Acceleration:
      return `${head}${type} ${sender} sensor=${b.sensor} pad=${b.pad} f64=[${[...b.acceleration, ...b.quaternion, b.dt].map(num).join(',')}]`;
    case TypeName.Analog:
      return `${head}${type} ${sender} f64=[${[b.channels.length, ...b.channels].map(num).join(',')}]`;
    case TypeName.ButtonChange:
      return `${head}${type} ${sender} i32=[${b.button},${b.state}]`;
    case TypeName.ButtonStates:
      return `${head}${type} ${sender} i32=[${[b.states.length, ...b.states].join(',')}]`;
    case TypeName.Dial:
      return `${head}${type} ${sender} delta=${b.delta.toFixed(4)} dial=${b.dial}`;
    default:
      return `${head}${type} ${sender}`;
  }
}

/** A whole TCP stream of one direction: the cookie, then every framed message. */
export function decodeStream(stream: Uint8Array): { cookie: Uint8Array; messages: VrpnMessage[] } {
  const messages: VrpnMessage[] = [];
  const framer = new StreamFramer();
  framer.push(stream.subarray(COOKIE_LENGTH), (m) => messages.push(m));
  if (framer.buffered !== 0) throw new Error(`${framer.buffered} bytes left over at the end of the stream`);
  return { cookie: stream.subarray(0, COOKIE_LENGTH), messages };
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
