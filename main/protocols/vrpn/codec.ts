/**
 * VRPN wire format, pure: bytes ↔ typed values, both directions; no sockets, no timers.
 *
 * What the mainline server (07.38) really sends, where older write-ups disagree (protocol notes,
 * docs/protocols/vrpn.md §0): quaternions are x, y, z, w; `vrpn_Button Change` carries one button; Velocity and
 * Acceleration end with a dt; the length field is 24 + the UNPADDED body; the body is padded to a
 * multiple of 8 with whatever bytes were in the sender's buffer (so padding is kept, not checked).
 * Everything is big-endian.
 */
import { ByteReader, DecodeError } from '../../net/byte-reader';
import { ByteWriter } from '../../net/byte-writer';

export { DecodeError };

const BE = { littleEndian: false } as const;

// ---------------------------------------------------------------------------------------------
// Constants (docs/protocols/vrpn.md §3, §4, §5)

export const DEFAULT_PORT = 3883;
/** The version this implementation speaks. Only the major ("07") must match a peer's (docs/protocols/vrpn.md §3). */
export const VRPN_VERSION = '07.38';
export const COOKIE_LENGTH = 24;
export const HEADER_LENGTH = 24;
/** Mainline's TCP receive buffer (vrpn_CONNECTION_TCP_BUFLEN): a longer message breaks the connection. */
export const MAX_BODY_BYTES = 64_000;
/** Mainline fills datagrams up to this (vrpn_CONNECTION_UDP_BUFLEN). */
export const MAX_DATAGRAM_BYTES = 1472;
/** What we accept in a description's length word (name + NUL): tolerant, bounded. */
export const MAX_NAME_BYTES = 100;
/**
 * vrpn_CNAME_LENGTH: mainline drops the connection when a description's whole body, its 4-byte length
 * word included, is longer than this. So a name we send has at most 95 bytes (+ NUL + length word).
 */
export const MAX_DESCRIPTION_BODY_BYTES = 100;
export const MAX_SENDABLE_NAME_BYTES = MAX_DESCRIPTION_BODY_BYTES - 4 - 1;
/** Per side (docs/protocols/vrpn.md §4). */
export const MAX_SENDERS = 2000;
export const MAX_TYPES = 2000;
/** Our own caps where mainline has none (docs/protocols/vrpn.md §10.1–10.3). */
export const MAX_SENSORS = 1024;
export const MAX_BUTTONS = 256;
export const MAX_ANALOG_CHANNELS = 128;
export const TEXT_BODY_BYTES = 1032;
const TEXT_MAX_BYTES = 1024;

export const SystemType = {
  SenderDescription: -1,
  TypeDescription: -2,
  UdpDescription: -3,
  LogDescription: -4,
  Disconnect: -5,
} as const;

/** Names every mainline connection registers first (docs/protocols/vrpn.md §5.2); their messages never go on the wire. */
export const CONTROL_SENDER = 'VRPN Control';
export const CONNECTION_TYPES = [
  'VRPN_Connection_Got_First_Connection',
  'VRPN_Connection_Got_Connection',
  'VRPN_Connection_Dropped_Connection',
  'VRPN_Connection_Dropped_Last_Connection',
] as const;

export const TypeName = {
  PosQuat: 'vrpn_Tracker Pos_Quat',
  Velocity: 'vrpn_Tracker Velocity',
  Acceleration: 'vrpn_Tracker Acceleration',
  ToRoom: 'vrpn_Tracker To_Room',
  UnitToSensor: 'vrpn_Tracker Unit_To_Sensor',
  RequestToRoom: 'vrpn_Tracker Request_Tracker_To_Room',
  RequestUnitToSensor: 'vrpn_Tracker Request_Unit_To_Sensor',
  Workspace: 'vrpn_Tracker Workspace',
  RequestWorkspace: 'vrpn_Tracker Request_Tracker_Workspace',
  SetUpdateRate: 'vrpn_Tracker set_update_rate',
  ResetOrigin: 'vrpn_Tracker Reset_Origin',
  Text: 'vrpn_Base text_message',
  Ping: 'vrpn_Base ping_message',
  Pong: 'vrpn_Base pong_message',
  ButtonChange: 'vrpn_Button Change',
  ButtonStates: 'vrpn_Button States',
  ButtonAdmin: 'vrpn_Button Admin',
  ButtonAlert: 'vrpn_Button Alert',
  Dial: 'vrpn_Dial update',
  Analog: 'vrpn_Analog Channel',
} as const;

/** In the order a mainline tracker, base object, button, dial and analog register them (docs/protocols/vrpn.md §5.3). */
export const TRACKER_TYPES = [
  TypeName.PosQuat,
  TypeName.Velocity,
  TypeName.Acceleration,
  TypeName.ToRoom,
  TypeName.UnitToSensor,
  TypeName.RequestToRoom,
  TypeName.RequestUnitToSensor,
  TypeName.Workspace,
  TypeName.RequestWorkspace,
  TypeName.SetUpdateRate,
  TypeName.ResetOrigin,
] as const;
export const BASE_TYPES = [TypeName.Text, TypeName.Ping, TypeName.Pong] as const;
export const BUTTON_TYPES = [
  TypeName.ButtonChange,
  TypeName.ButtonStates,
  TypeName.ButtonAdmin,
  TypeName.ButtonAlert,
] as const;

// ---------------------------------------------------------------------------------------------
// Cookie (docs/protocols/vrpn.md §3)

export type CookieCheck =
  { ok: true; version: string; minorMatches: boolean; logMode: number } | { ok: false; reason: string };

/** `vrpn: ver. 07.38` + two spaces + the log-mode digit + NUL, zero-filled to 24 bytes. */
export function encodeCookie(logMode = 0, version = VRPN_VERSION): Uint8Array {
  if (!Number.isInteger(logMode) || logMode < 0 || logMode > 3) throw new RangeError(`log mode ${logMode} not in 0..3`);
  const text = `vrpn: ver. ${version}  ${logMode}`;
  if (text.length !== 19) throw new RangeError(`version ${JSON.stringify(version)} must look like 07.38`);
  const out = new Uint8Array(COOKIE_LENGTH);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Mainline's acceptance rule: everything up to and including the last '.' of the version must be
 * identical (so the major must match; another minor only earns a note), and the log-mode digit must
 * be 0..3. Bytes 19..23 are padding that other implementations fill with garbage: not checked.
 */
export function checkCookie(cookie: Uint8Array): CookieCheck {
  if (cookie.length < COOKIE_LENGTH) return { ok: false, reason: `cookie of ${cookie.length} bytes, need 24` };
  const ours = encodeCookie();
  const text = asciiPreview(cookie.subarray(0, 19));
  for (let i = 0; i < 14; i++) {
    if (cookie[i] !== ours[i]) {
      const why = i < 11 ? 'not a VRPN peer' : 'incompatible VRPN major version';
      return { ok: false, reason: `${why}: its cookie reads ${JSON.stringify(text)}, we speak ${VRPN_VERSION}` };
    }
  }
  const digit = cookie[18]! - 0x30;
  if (digit < 0 || digit > 3) {
    return { ok: false, reason: `bad remote log mode in cookie ${JSON.stringify(text)} (expected a digit 0..3)` };
  }
  const version = text.slice(11, 16);
  return { ok: true, version, minorMatches: version === VRPN_VERSION, logMode: digit };
}

function asciiPreview(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0 ? '' : '?';
  return s;
}

// ---------------------------------------------------------------------------------------------
// Framing (docs/protocols/vrpn.md §4)

export interface VrpnMessage {
  /** Header timestamp: the sender's wall clock (Unix seconds, read as u32) and microseconds. */
  tsSec: number;
  tsUsec: number;
  /** In the SENDER's numbering (or, for system types, what the system message puts there). */
  sender: number;
  type: number;
  /** Per channel; mainline writes it and never reads it. */
  seq: number;
  /** The unpadded body (a view into the input when decoded). */
  body: Uint8Array;
  /** The padding bytes as received (mainline does not zero them); encoders write zeros when absent. */
  padding?: Uint8Array;
}

export function paddedLength(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes one message takes on the wire. */
export function wireLength(bodyLength: number): number {
  return HEADER_LENGTH + paddedLength(bodyLength);
}

/** Appends one framed message to a writer (the length field holds 24 + the unpadded body). */
export function writeMessage(w: ByteWriter, m: VrpnMessage): void {
  const n = m.body.length;
  if (n > MAX_BODY_BYTES) throw new RangeError(`body of ${n} bytes exceeds ${MAX_BODY_BYTES}`);
  w.u32(HEADER_LENGTH + n);
  w.u32(m.tsSec >>> 0);
  w.u32(m.tsUsec >>> 0);
  w.i32(m.sender);
  w.i32(m.type);
  w.u32(m.seq >>> 0);
  w.bytes(m.body);
  const pad = paddedLength(n) - n;
  if (m.padding && m.padding.length === pad) w.bytes(m.padding);
  else w.zeros(pad);
}

export function encodeMessage(m: VrpnMessage): Uint8Array {
  const w = new ByteWriter(wireLength(m.body.length), BE);
  writeMessage(w, m);
  return w.finish();
}

/** The length field of a header, checked: a fatal error for the stream when it is impossible. */
function checkedLength(view: DataView, at: number): number {
  const len = view.getUint32(at, false);
  if (len < HEADER_LENGTH) throw new DecodeError(`message length ${len} is shorter than the 24-byte header`, at);
  if (len - HEADER_LENGTH > MAX_BODY_BYTES) {
    throw new DecodeError(`message length ${len} exceeds the ${MAX_BODY_BYTES}-byte limit`, at);
  }
  return len;
}

function readHeaderAt(bytes: Uint8Array, view: DataView, at: number, len: number): VrpnMessage {
  const bodyStart = at + HEADER_LENGTH;
  const bodyEnd = bodyStart + (len - HEADER_LENGTH);
  return {
    tsSec: view.getUint32(at + 4, false),
    tsUsec: view.getUint32(at + 8, false),
    sender: view.getInt32(at + 12, false),
    type: view.getInt32(at + 16, false),
    seq: view.getUint32(at + 20, false),
    body: bytes.subarray(bodyStart, bodyEnd),
    padding: bytes.subarray(bodyEnd, bodyStart + paddedLength(len - HEADER_LENGTH)),
  };
}

/**
 * Splits a TCP byte stream into messages, whatever the reads: a message split across reads waits for
 * its rest, several in one read all come out. Bodies handed out are views that stay valid (the
 * framer never writes into a buffer it has handed out). An impossible length is fatal for the stream
 * (mainline drops the connection too): push() throws DecodeError and the framer refuses more input.
 */
export class StreamFramer {
  private pending: Uint8Array = new Uint8Array(0);
  private failed: DecodeError | null = null;

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array, onMessage: (m: VrpnMessage) => void): void {
    if (this.failed) throw this.failed;
    let data = chunk;
    if (this.pending.length > 0) {
      data = new Uint8Array(this.pending.length + chunk.length);
      data.set(this.pending);
      data.set(chunk, this.pending.length);
    }
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let at = 0;
    try {
      while (data.length - at >= HEADER_LENGTH) {
        const len = checkedLength(view, at);
        const wire = wireLength(len - HEADER_LENGTH);
        if (data.length - at < wire) break;
        onMessage(readHeaderAt(data, view, at, len));
        at += wire;
      }
    } catch (error) {
      if (error instanceof DecodeError) this.failed = error;
      throw error;
    }
    // Copy the remainder: `data` may be the caller's chunk, and views into it are already handed out.
    this.pending = at === data.length ? new Uint8Array(0) : data.slice(at);
  }

  reset(): void {
    this.pending = new Uint8Array(0);
    this.failed = null;
  }
}

/**
 * One datagram: whole messages back to back, each padded to 8. A truncated or impossible message
 * ends the datagram: the messages before it are good and returned, the rest is reported as `error`
 * (mainline would drop the whole connection; discarding the tail is the tolerant choice, docs/protocols/vrpn.md §4).
 */
export function decodeDatagram(bytes: Uint8Array): { messages: VrpnMessage[]; error?: DecodeError } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: VrpnMessage[] = [];
  let at = 0;
  try {
    while (at < bytes.length) {
      if (bytes.length - at < HEADER_LENGTH) {
        throw new DecodeError(`truncated header: ${bytes.length - at} bytes left in the datagram`, at);
      }
      const len = checkedLength(view, at);
      const wire = wireLength(len - HEADER_LENGTH);
      // The last message of a datagram may omit its padding.
      if (bytes.length - at < len)
        throw new DecodeError(`truncated message: length ${len}, ${bytes.length - at} left`, at);
      messages.push(readHeaderAt(bytes, view, at, len));
      at += Math.min(wire, bytes.length - at);
    }
  } catch (error) {
    if (error instanceof DecodeError) return { messages, error };
    throw error;
  }
  return { messages };
}

// ---------------------------------------------------------------------------------------------
// System message bodies (docs/protocols/vrpn.md §5.1)

/** SENDER_DESCRIPTION / TYPE_DESCRIPTION body: u32 n (strlen + 1), then the name and its NUL. */
export function encodeDescription(name: string): Uint8Array {
  const w = new ByteWriter(4 + name.length + 1, BE);
  w.u32(0);
  w.cstring(name);
  const n = w.length - 4;
  if (w.length > MAX_DESCRIPTION_BODY_BYTES) {
    throw new RangeError(
      `name ${JSON.stringify(name.slice(0, 40))}… is longer than ${MAX_SENDABLE_NAME_BYTES} bytes: mainline VRPN drops the connection for longer names`,
    );
  }
  w.patchI32(0, n);
  return w.finish();
}

/** Mainline trusts the inner length; we require it to agree with the header's and to end in a NUL. */
export function decodeDescription(body: Uint8Array): string {
  const r = new ByteReader(body, BE);
  const n = r.u32();
  if (n < 1 || n > MAX_NAME_BYTES) throw new DecodeError(`description name length ${n} not in 1..${MAX_NAME_BYTES}`, 0);
  if (n !== r.remaining) throw new DecodeError(`description says ${n} name bytes, the body holds ${r.remaining}`, 4);
  const name = r.cstring(n, 'description name');
  r.expectEnd('description');
  return name;
}

/** UDP_DESCRIPTION: the header's sender field carries the port; the body is the IP text + NUL. */
export function encodeUdpDescription(address: string): Uint8Array {
  const w = new ByteWriter(address.length + 1, BE);
  w.cstring(address);
  return w.finish();
}

export function decodeUdpDescription(body: Uint8Array): string {
  const r = new ByteReader(body, BE);
  const address = r.cstring(Math.min(body.length, 64), 'UDP description address');
  r.expectEnd('UDP description');
  return address;
}

export interface LogDescription {
  incoming: string;
  outgoing: string;
}

/** LOG_DESCRIPTION: i32 strlen(in), i32 strlen(out), then both names with their NULs. */
export function encodeLogDescription(d: LogDescription): Uint8Array {
  const w = new ByteWriter(8 + d.incoming.length + d.outgoing.length + 2, BE);
  w.i32(0);
  w.i32(0);
  const a = w.length;
  w.cstring(d.incoming);
  const b = w.length;
  w.cstring(d.outgoing);
  w.patchI32(0, b - a - 1);
  w.patchI32(4, w.length - b - 1);
  return w.finish();
}

export function decodeLogDescription(body: Uint8Array): LogDescription {
  const r = new ByteReader(body, BE);
  const inLen = r.i32();
  const outLen = r.i32();
  if (inLen < 0 || outLen < 0 || inLen + outLen + 2 !== r.remaining) {
    throw new DecodeError(`log description lengths ${inLen}/${outLen} do not match its ${r.remaining} bytes`, 0);
  }
  const incoming = r.cstring(inLen + 1, 'incoming log name');
  const outgoing = r.cstring(outLen + 1, 'outgoing log name');
  r.expectEnd('log description');
  return { incoming, outgoing };
}

/** The UDP connection request ("lob"): `"<ip> <tcp port>"` and one NUL, not padded (docs/protocols/vrpn.md §2.2). */
export function encodeLobRequest(address: string, tcpPort: number): Uint8Array {
  const text = `${address} ${tcpPort}`;
  const out = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}

/** Mainline's checks: `host port`, port ≥ 1024, host of letters, digits and dots only (so IPv4, no '-'). */
export function decodeLobRequest(datagram: Uint8Array): { address: string; port: number } {
  const end = datagram.indexOf(0);
  if (end < 0) throw new DecodeError('connection request without its NUL', 0);
  if (end > 300) throw new DecodeError(`connection request of ${end} bytes is too long`, 0);
  const text = asciiPreview(datagram.subarray(0, end));
  const match = /^([A-Za-z0-9.]{1,253}) (\d{1,5})$/.exec(text);
  if (!match) throw new DecodeError(`connection request ${JSON.stringify(text)} is not "<ip> <port>"`, 0);
  const port = Number(match[2]);
  if (port < 1024 || port > 65535) throw new DecodeError(`connection request port ${port} is not in 1024..65535`, 0);
  return { address: match[1]!, port };
}

// ---------------------------------------------------------------------------------------------
// Device message bodies (docs/protocols/vrpn.md §7, §10)

export type Vec3 = [number, number, number];
/** x, y, z, w: the wire order (docs/protocols/vrpn.md §0), and three.js's. */
export type Quat = [number, number, number, number];

export type VrpnBody =
  | { type: typeof TypeName.PosQuat; sensor: number; pad: number; position: Vec3; quaternion: Quat }
  | { type: typeof TypeName.Velocity; sensor: number; pad: number; velocity: Vec3; quaternion: Quat; dt: number }
  | {
      type: typeof TypeName.Acceleration;
      sensor: number;
      pad: number;
      acceleration: Vec3;
      quaternion: Quat;
      dt: number;
    }
  | { type: typeof TypeName.ToRoom; position: Vec3; quaternion: Quat }
  | { type: typeof TypeName.UnitToSensor; sensor: number; pad: number; position: Vec3; quaternion: Quat }
  | { type: typeof TypeName.Workspace; min: Vec3; max: Vec3 }
  | { type: typeof TypeName.ButtonChange; button: number; state: number }
  | { type: typeof TypeName.ButtonStates; states: number[] }
  | { type: typeof TypeName.Analog; channels: number[] }
  | { type: typeof TypeName.Dial; delta: number; dial: number }
  | { type: typeof TypeName.Text; severity: number; level: number; text: string; tail?: Uint8Array }
  | { type: typeof TypeName.Ping }
  | { type: typeof TypeName.Pong }
  | { type: typeof TypeName.RequestToRoom }
  | { type: typeof TypeName.RequestUnitToSensor }
  | { type: typeof TypeName.RequestWorkspace }
  | { type: typeof TypeName.ResetOrigin }
  | { type: typeof TypeName.SetUpdateRate; rateHz: number };

export type VrpnBodyType = VrpnBody['type'];
const EMPTY_BODY_TYPES = new Set<string>([
  TypeName.Ping,
  TypeName.Pong,
  TypeName.RequestToRoom,
  TypeName.RequestUnitToSensor,
  TypeName.RequestWorkspace,
  TypeName.ResetOrigin,
]);

export function isKnownType(name: string): name is VrpnBodyType {
  return (
    EMPTY_BODY_TYPES.has(name) ||
    (
      [
        TypeName.PosQuat,
        TypeName.Velocity,
        TypeName.Acceleration,
        TypeName.ToRoom,
        TypeName.UnitToSensor,
        TypeName.Workspace,
        TypeName.ButtonChange,
        TypeName.ButtonStates,
        TypeName.Analog,
        TypeName.Dial,
        TypeName.Text,
        TypeName.SetUpdateRate,
      ] as string[]
    ).includes(name)
  );
}

function exactLength(body: Uint8Array, n: number, type: string): ByteReader {
  if (body.length !== n) throw new DecodeError(`${type} body of ${body.length} bytes, expected ${n}`, 0);
  return new ByteReader(body, BE);
}

function vec3(r: ByteReader): Vec3 {
  return [r.f64(), r.f64(), r.f64()];
}

function quat(r: ByteReader): Quat {
  return [r.f64(), r.f64(), r.f64(), r.f64()];
}

function sensorOf(r: ByteReader): number {
  const sensor = r.i32();
  if (sensor < 0 || sensor >= MAX_SENSORS) throw new DecodeError(`sensor ${sensor} not in 0..${MAX_SENSORS - 1}`, 0);
  return sensor;
}

/** Decodes a body by its type NAME (ids mean nothing across the connection). Lengths are exact, as mainline's remotes require. */
export function decodeBody(type: VrpnBodyType, body: Uint8Array): VrpnBody {
  switch (type) {
    case TypeName.PosQuat: {
      const r = exactLength(body, 64, type);
      return { type, sensor: sensorOf(r), pad: r.i32(), position: vec3(r), quaternion: quat(r) };
    }
    case TypeName.UnitToSensor: {
      const r = exactLength(body, 64, type);
      return { type, sensor: sensorOf(r), pad: r.i32(), position: vec3(r), quaternion: quat(r) };
    }
    case TypeName.Velocity: {
      const r = exactLength(body, 72, type);
      return { type, sensor: sensorOf(r), pad: r.i32(), velocity: vec3(r), quaternion: quat(r), dt: r.f64() };
    }
    case TypeName.Acceleration: {
      const r = exactLength(body, 72, type);
      return { type, sensor: sensorOf(r), pad: r.i32(), acceleration: vec3(r), quaternion: quat(r), dt: r.f64() };
    }
    case TypeName.ToRoom: {
      const r = exactLength(body, 56, type);
      return { type, position: vec3(r), quaternion: quat(r) };
    }
    case TypeName.Workspace: {
      const r = exactLength(body, 48, type);
      return { type, min: vec3(r), max: vec3(r) };
    }
    case TypeName.ButtonChange: {
      const r = exactLength(body, 8, type);
      const button = r.i32();
      if (button < 0 || button >= MAX_BUTTONS)
        throw new DecodeError(`button ${button} not in 0..${MAX_BUTTONS - 1}`, 0);
      return { type, button, state: r.i32() };
    }
    case TypeName.ButtonStates: {
      const r = new ByteReader(body, BE);
      const n = r.count(MAX_BUTTONS, 4, 'button');
      const states = new Array<number>(n);
      for (let i = 0; i < n; i++) states[i] = r.i32();
      r.expectEnd(type);
      return { type, states };
    }
    case TypeName.Analog: {
      const r = new ByteReader(body, BE);
      // The count travels as a double (docs/protocols/vrpn.md §10.3).
      const count = r.f64();
      if (!Number.isInteger(count) || count < 0 || count > MAX_ANALOG_CHANNELS) {
        throw new DecodeError(`analog channel count ${count} not an integer in 0..${MAX_ANALOG_CHANNELS}`, 0);
      }
      if (r.remaining !== count * 8)
        throw new DecodeError(`${count} analog channels need ${count * 8} bytes, have ${r.remaining}`, 8);
      const channels = new Array<number>(count);
      for (let i = 0; i < count; i++) channels[i] = r.f64();
      return { type, channels };
    }
    case TypeName.Dial: {
      const r = exactLength(body, 12, type);
      return { type, delta: r.f64(), dial: r.i32() };
    }
    case TypeName.Text: {
      const r = exactLength(body, TEXT_BODY_BYTES, type);
      const severity = r.u32();
      const level = r.u32();
      const text = r.cstring(TEXT_MAX_BYTES, 'text message');
      const tail = r.subarray(r.remaining);
      return { type, severity, level, text, tail };
    }
    case TypeName.SetUpdateRate: {
      const r = exactLength(body, 8, type);
      return { type, rateHz: r.f64() };
    }
    default:
      if (body.length !== 0) throw new DecodeError(`${type} body of ${body.length} bytes, expected none`, 0);
      return { type } as VrpnBody;
  }
}

/** The body bytes, unpadded. Byte-exact with mainline's for every type when the decoded fields are fed back. */
export function encodeBody(b: VrpnBody): Uint8Array {
  switch (b.type) {
    case TypeName.PosQuat:
    case TypeName.UnitToSensor: {
      const w = new ByteWriter(64, BE);
      w.i32(b.sensor);
      w.i32(b.pad);
      for (const v of b.position) w.f64(v);
      for (const v of b.quaternion) w.f64(v);
      return w.finish();
    }
    case TypeName.Velocity:
    case TypeName.Acceleration: {
      const w = new ByteWriter(72, BE);
      w.i32(b.sensor);
      w.i32(b.pad);
      for (const v of b.type === TypeName.Velocity ? b.velocity : b.acceleration) w.f64(v);
      for (const v of b.quaternion) w.f64(v);
      w.f64(b.dt);
      return w.finish();
    }
    case TypeName.ToRoom: {
      const w = new ByteWriter(56, BE);
      for (const v of [...b.position, ...b.quaternion]) w.f64(v);
      return w.finish();
    }
    case TypeName.Workspace: {
      const w = new ByteWriter(48, BE);
      for (const v of [...b.min, ...b.max]) w.f64(v);
      return w.finish();
    }
    case TypeName.ButtonChange: {
      const w = new ByteWriter(8, BE);
      w.i32(b.button);
      w.i32(b.state);
      return w.finish();
    }
    case TypeName.ButtonStates: {
      const w = new ByteWriter(4 + 4 * b.states.length, BE);
      w.i32(b.states.length);
      for (const s of b.states) w.i32(s);
      return w.finish();
    }
    case TypeName.Analog: {
      const w = new ByteWriter(8 + 8 * b.channels.length, BE);
      w.f64(b.channels.length);
      for (const v of b.channels) w.f64(v);
      return w.finish();
    }
    case TypeName.Dial: {
      const w = new ByteWriter(12, BE);
      w.f64(b.delta);
      w.i32(b.dial);
      return w.finish();
    }
    case TypeName.Text: {
      const w = new ByteWriter(TEXT_BODY_BYTES, BE);
      w.u32(b.severity);
      w.u32(b.level);
      w.cstring(b.text);
      if (w.length > 8 + TEXT_MAX_BYTES) throw new RangeError('text message longer than 1023 bytes');
      const rest = TEXT_BODY_BYTES - w.length;
      if (b.tail && b.tail.length === rest) w.bytes(b.tail);
      else w.zeros(rest);
      return w.finish();
    }
    case TypeName.SetUpdateRate: {
      const w = new ByteWriter(8, BE);
      w.f64(b.rateHz);
      return w.finish();
    }
    default:
      return new Uint8Array(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Names ↔ ids, per side (docs/protocols/vrpn.md §6)

/** Our own numbering: names registered in order from 0; a description says "my id k means name X". */
export class LocalNames {
  private readonly ids = new Map<string, number>();
  private readonly list: string[] = [];

  constructor(
    names: readonly string[] = [],
    private readonly max = MAX_SENDERS,
  ) {
    for (const n of names) this.register(n);
  }

  /** The id of a name, registering it if new; `added` tells whether the peer must be told. */
  register(name: string): { id: number; added: boolean } {
    const known = this.ids.get(name);
    if (known !== undefined) return { id: known, added: false };
    if (this.list.length >= this.max) throw new RangeError(`more than ${this.max} names`);
    encodeDescription(name); // validates the length before it is registered
    const id = this.list.length;
    this.ids.set(name, id);
    this.list.push(name);
    return { id, added: true };
  }

  id(name: string): number | undefined {
    return this.ids.get(name);
  }

  names(): readonly string[] {
    return this.list;
  }
}

/** The peer's numbering, learned from its descriptions; cleared on every new connection. */
export class RemoteNames {
  private readonly byId = new Map<number, string>();

  constructor(private readonly max: number) {}

  describe(id: number, name: string): void {
    if (id < 0 || id >= this.max) throw new DecodeError(`description for id ${id} outside 0..${this.max - 1}`, 0);
    this.byId.set(id, name);
  }

  name(id: number): string | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Device names as users write them (docs/protocols/vrpn.md §1)

export interface DeviceAddress {
  /** The sender name on the wire: everything before the first '@'. */
  name: string;
  host: string;
  port: number;
  /** `tcp://` or `tcp:` prefix; otherwise mainline's default UDP request + TCP callback. */
  tcpOnly: boolean;
  /** host:port plus the mode: devices with the same key share one connection. */
  key: string;
}

/** `Tracker0@host`, `Tracker0@host:port`, `Tracker0@tcp://host:port`, `Tracker0@x-vrpn://host`. */
export function parseDeviceAddress(text: string): DeviceAddress {
  const first = text.indexOf('@');
  const last = text.lastIndexOf('@');
  if (first <= 0 || last === text.length - 1) {
    throw new Error(
      `VRPN device ${JSON.stringify(text)} must look like Tracker0@host[:port] or Tracker0@tcp://host:port`,
    );
  }
  const name = text.slice(0, first);
  if (new TextEncoder().encode(name).length > MAX_SENDABLE_NAME_BYTES) {
    throw new Error(
      `VRPN device name ${JSON.stringify(name.slice(0, 40))}… is longer than ${MAX_SENDABLE_NAME_BYTES} bytes, which mainline VRPN servers refuse`,
    );
  }
  let location = text.slice(last + 1);
  let tcpOnly = false;
  for (const [prefix, tcp] of [
    ['tcp://', true],
    ['tcp:', true],
    ['x-vrpn://', false],
    ['x-vrpn:', false],
  ] as const) {
    if (location.startsWith(prefix)) {
      location = location.slice(prefix.length);
      tcpOnly = tcp;
      break;
    }
  }
  if (/^[a-z-]+:/.test(location) && !/^[^:]+:\d+$/.test(location)) {
    throw new Error(`VRPN device ${JSON.stringify(text)}: only tcp:// and x-vrpn:// connections are supported`);
  }
  let host = location;
  let port = DEFAULT_PORT;
  const colon = location.lastIndexOf(':');
  if (colon >= 0 && !location.endsWith(']') && location.indexOf(':') === colon) {
    host = location.slice(0, colon);
    port = Number(location.slice(colon + 1));
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`VRPN device ${JSON.stringify(text)}: bad port ${JSON.stringify(location.slice(colon + 1))}`);
    }
  }
  if (!host) throw new Error(`VRPN device ${JSON.stringify(text)} has no host`);
  encodeDescription(name); // name length check, with a clear error
  return { name, host, port, tcpOnly, key: `${tcpOnly ? 'tcp' : 'udp'}://${host}:${port}` };
}
