/**
 * LSL's text messages, pure: the UDP resolver query and reply (docs/protocols/lsl.md §2), the UDP
 * time-correction exchange (§5) and the TCP data-feed request and response headers (§4). Every parser
 * takes bytes from the network and bounds them before it looks inside.
 */
import { decodeUtf8 } from '../../net/byte-reader';
import { formatG16 } from './info';
import { MAX_QUERY_CHARS } from './query';

export const MULTICAST_PORT = 16571;
export const BASE_PORT = 16572;
export const PORT_RANGE = 32;
/** liblsl's current protocol (1.10). */
export const PROTOCOL_VERSION = 110;
/** The biggest UDP datagram we read or write. */
export const MAX_DATAGRAM_BYTES = 65_507;
/** A data-feed request or response header, all lines together. */
export const MAX_HEADER_BYTES = 16_384;
const MAX_QUERY_ID_CHARS = 64;

export class LslMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LslMessageError';
  }
}

const encoder = new TextEncoder();

export function ascii(s: string): Uint8Array {
  return encoder.encode(s);
}

function text(bytes: Uint8Array, max: number, what: string): string {
  if (bytes.length > max) throw new LslMessageError(`${what} longer than ${max} bytes`);
  return decodeUtf8(bytes, 0, bytes.length);
}

// ---------------------------------------------------------------------------------------------
// Resolver (§2)

export interface ResolveQuery {
  query: string;
  returnPort: number;
  queryId: string;
}

export function encodeResolveQuery(q: ResolveQuery): Uint8Array {
  return ascii(`LSL:shortinfo\r\n${q.query}\r\n${q.returnPort} ${q.queryId}\r\n`);
}

/** A UDP datagram for the resolver port: a query, a time request, or a reason it is neither. */
export type ServiceRequest =
  { kind: 'shortinfo'; query: ResolveQuery } | { kind: 'timedata'; waveId: number; t0: number; t0Text: string };

/** Splits off the first line (CRLF or LF, trimmed) the way liblsl's getline + trim does. */
function lines(s: string): string[] {
  return s.split('\n').map((l) => l.replace(/\r$/, ''));
}

/** Decodes a UDP request to a responder or service port. Throws LslMessageError. */
export function decodeServiceRequest(datagram: Uint8Array): ServiceRequest {
  const s = text(datagram, MAX_QUERY_CHARS + 256, 'request');
  const [method = '', second = '', third = ''] = lines(s);
  if (method.trim() === 'LSL:shortinfo') {
    const m = /^\s*(\d{1,5})\s+(\S{1,64})/.exec(third);
    if (!m) throw new LslMessageError('shortinfo request without a return port and query id');
    const returnPort = Number(m[1]);
    if (returnPort < 1 || returnPort > 65535) throw new LslMessageError(`return port ${returnPort} out of range`);
    return { kind: 'shortinfo', query: { query: second.trim(), returnPort, queryId: m[2]! } };
  }
  if (method.trim() === 'LSL:timedata') {
    const m = /^\s*(-?\d{1,10})\s+(\S{1,40})/.exec(second);
    const t0 = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(t0)) throw new LslMessageError('timedata request without a wave id and time');
    return { kind: 'timedata', waveId: Number(m[1]), t0, t0Text: m[2]! };
  }
  throw new LslMessageError(`unknown method ${JSON.stringify(method.slice(0, 40))}`);
}

export function encodeResolveReply(queryId: string, shortInfo: string): Uint8Array {
  return ascii(`${queryId}\r\n${shortInfo}`);
}

export function decodeResolveReply(datagram: Uint8Array): { queryId: string; xml: string } {
  const s = text(datagram, MAX_DATAGRAM_BYTES, 'resolve reply');
  const nl = s.indexOf('\n');
  if (nl === -1 || nl > MAX_QUERY_ID_CHARS + 1) throw new LslMessageError('resolve reply without a query id line');
  return { queryId: s.slice(0, nl).trim(), xml: s.slice(nl + 1) };
}

// ---------------------------------------------------------------------------------------------
// Time correction (§5)

export function encodeTimeRequest(waveId: number, t0: number): Uint8Array {
  return ascii(`LSL:timedata\r\n${waveId} ${formatG16(t0)}\r\n`);
}

/** The reply echoes t0 as the request wrote it, so the inlet matches it exactly. */
export function encodeTimeReply(waveId: number, t0Text: string, t1: number, t2: number): Uint8Array {
  return ascii(` ${waveId} ${formatG16(Number(t0Text))} ${formatG16(t1)} ${formatG16(t2)}`);
}

export interface TimeReply {
  waveId: number;
  t0: number;
  t1: number;
  t2: number;
}

export function decodeTimeReply(datagram: Uint8Array): TimeReply {
  const s = text(datagram, 256, 'time reply');
  const parts = s.trim().split(/\s+/);
  if (parts.length !== 4) throw new LslMessageError('time reply is not four numbers');
  const [waveId, t0, t1, t2] = parts.map(Number) as [number, number, number, number];
  if (![waveId, t0, t1, t2].every(Number.isFinite) || !Number.isInteger(waveId))
    throw new LslMessageError('time reply is not four numbers');
  return { waveId, t0, t1, t2 };
}

// ---------------------------------------------------------------------------------------------
// Data feed (§4)

export interface FeedRequest {
  /** 100 for `LSL:streamfeed`, else the number after the slash. */
  protocol: number;
  /** Empty for 1.00 or when the inlet does not name the instance. */
  uid: string;
  byteOrder: number;
  endianPerformance: number;
  hasIeee754Floats: boolean;
  supportsSubnormals: boolean;
  /** Undefined = the stream's own value size. */
  valueSize: number | undefined;
  dataProtocolVersion: number;
  maxBufferLength: number;
  maxChunkLength: number;
}

export type TcpRequest =
  { kind: 'fullinfo' } | { kind: 'shortinfo'; query: string } | { kind: 'streamfeed'; feed: FeedRequest };

export function encodeFeedRequest110(o: {
  uid: string;
  valueSize: number;
  maxBufferLength: number;
  maxChunkLength: number;
}): Uint8Array {
  return ascii(
    `LSL:streamfeed/${PROTOCOL_VERSION} ${o.uid}\r\n` +
      'Native-Byte-Order: 1234\r\n' +
      'Endian-Performance: 0\r\n' +
      'Has-IEEE754-Floats: 1\r\n' +
      'Supports-Subnormals: 1\r\n' +
      `Value-Size: ${o.valueSize}\r\n` +
      `Data-Protocol-Version: ${PROTOCOL_VERSION}\r\n` +
      `Max-Buffer-Length: ${o.maxBufferLength}\r\n` +
      `Max-Chunk-Length: ${o.maxChunkLength}\r\n\r\n`,
  );
}

export function encodeFeedRequest100(maxBuffered: number, maxChunk: number): Uint8Array {
  return ascii(`LSL:streamfeed\r\n${maxBuffered} ${maxChunk}\r\n`);
}

/** Index just past the first occurrence of `pattern` in `buf`, or -1. */
export function indexAfter(buf: Uint8Array, pattern: string, from = 0): number {
  const first = pattern.charCodeAt(0);
  outer: for (
    let i = buf.indexOf(first, from);
    i !== -1 && i + pattern.length <= buf.length;
    i = buf.indexOf(first, i + 1)
  ) {
    for (let k = 1; k < pattern.length; k++) if (buf[i + k] !== pattern.charCodeAt(k)) continue outer;
    return i + pattern.length;
  }
  return -1;
}

function bool(v: string): boolean {
  return v === '1' || v === 'true';
}

/**
 * Reads a TCP request from the start of `buf`. Returns undefined while more bytes are needed, else the
 * request and how many bytes it took. Throws LslMessageError on a bad or oversized request.
 */
export function decodeTcpRequest(buf: Uint8Array): { request: TcpRequest; consumed: number } | undefined {
  const firstEnd = indexAfter(buf, '\n');
  if (firstEnd === -1) {
    if (buf.length > MAX_HEADER_BYTES) throw new LslMessageError('request line too long');
    return undefined;
  }
  const method = decodeUtf8(buf, 0, firstEnd).trim();
  if (method === 'LSL:fullinfo') return { request: { kind: 'fullinfo' }, consumed: firstEnd };
  if (method === 'LSL:shortinfo' || method === 'LSL:streamfeed') {
    const end = indexAfter(buf, '\n', firstEnd);
    if (end === -1) {
      if (buf.length > MAX_HEADER_BYTES) throw new LslMessageError('request too long');
      return undefined;
    }
    const second = decodeUtf8(buf, firstEnd, end).trim();
    if (method === 'LSL:shortinfo') return { request: { kind: 'shortinfo', query: second }, consumed: end };
    const m = /^(-?\d{1,10})\s+(-?\d{1,10})$/.exec(second);
    if (!m) throw new LslMessageError('LSL:streamfeed without its buffer and chunk lengths');
    return {
      request: {
        kind: 'streamfeed',
        feed: {
          protocol: 100,
          uid: '',
          byteOrder: 1234,
          endianPerformance: 0,
          hasIeee754Floats: true,
          supportsSubnormals: true,
          valueSize: undefined,
          dataProtocolVersion: 100,
          maxBufferLength: Number(m[1]),
          maxChunkLength: Number(m[2]),
        },
      },
      consumed: end,
    };
  }
  const versioned = /^LSL:streamfeed\/(\d{1,5})(?:\s+(\S{0,128}))?$/.exec(method);
  if (!versioned) throw new LslMessageError(`unknown request ${JSON.stringify(method.slice(0, 40))}`);
  const end = indexAfter(buf, '\r\n\r\n', firstEnd - 2);
  if (end === -1) {
    if (buf.length > MAX_HEADER_BYTES) throw new LslMessageError('feed request headers too long');
    return undefined;
  }
  const protocol = Number(versioned[1]);
  const feed: FeedRequest = {
    protocol,
    uid: versioned[2] ?? '',
    byteOrder: 1234,
    endianPerformance: 0,
    hasIeee754Floats: true,
    supportsSubnormals: true,
    valueSize: undefined,
    dataProtocolVersion: protocol,
    maxBufferLength: 0,
    maxChunkLength: 0,
  };
  for (const raw of lines(decodeUtf8(buf, firstEnd, end))) {
    const colon = raw.indexOf(':');
    if (colon === -1) continue;
    // liblsl strips `;` comments and compares keys case-insensitively.
    const line = raw.split(';')[0]!.toLowerCase();
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    const int = () => {
      if (!/^-?\d{1,10}$/.test(value)) throw new LslMessageError(`header ${key} is not an integer`);
      return Number(value);
    };
    if (key === 'native-byte-order') feed.byteOrder = int();
    else if (key === 'endian-performance') feed.endianPerformance = Number(value) || 0;
    else if (key === 'has-ieee754-floats') feed.hasIeee754Floats = bool(value);
    else if (key === 'supports-subnormals') feed.supportsSubnormals = bool(value);
    else if (key === 'value-size') feed.valueSize = int();
    else if (key === 'max-buffer-length') feed.maxBufferLength = int();
    else if (key === 'max-chunk-length') feed.maxChunkLength = int();
    else if (key === 'data-protocol-version' || key === 'protocol-version') feed.dataProtocolVersion = int();
  }
  return { request: { kind: 'streamfeed', feed }, consumed: end };
}

export interface FeedResponse {
  protocol: number;
  status: number;
  message: string;
  uid: string;
  byteOrder: number;
  suppressSubnormals: boolean;
  dataProtocolVersion: number;
}

export function encodeFeedResponse(r: {
  uid: string;
  byteOrder: number;
  suppressSubnormals: boolean;
  dataProtocolVersion: number;
}): Uint8Array {
  return ascii(
    `LSL/${PROTOCOL_VERSION} 200 OK\r\nUID: ${r.uid}\r\nByte-Order: ${r.byteOrder}\r\n` +
      `Suppress-Subnormals: ${r.suppressSubnormals ? 1 : 0}\r\nData-Protocol-Version: ${r.dataProtocolVersion}\r\n\r\n`,
  );
}

export function encodeFeedStatus(status: 404 | 505): Uint8Array {
  return ascii(`LSL/${PROTOCOL_VERSION} ${status} ${status === 404 ? 'Not found' : 'Version not supported'}`);
}

/**
 * Reads the outlet's answer to a 1.10 feed request. Undefined while incomplete. A non-200 status comes
 * back as a response with that status (liblsl closes the connection after it without a blank line).
 */
export function decodeFeedResponse(
  buf: Uint8Array,
  closed = false,
): { response: FeedResponse; consumed: number } | undefined {
  let end = indexAfter(buf, '\r\n\r\n');
  if (end === -1) {
    if (buf.length > MAX_HEADER_BYTES) throw new LslMessageError('feed response headers too long');
    if (!closed) return undefined;
    end = buf.length;
  }
  const [status = '', ...rest] = lines(decodeUtf8(buf, 0, end));
  const m = /^LSL\/(\d{1,5}) (\d{3}) ?(.*)$/.exec(status.trim());
  if (!m) throw new LslMessageError(`bad feed status line ${JSON.stringify(status.slice(0, 40))}`);
  const response: FeedResponse = {
    protocol: Number(m[1]),
    status: Number(m[2]),
    message: m[3] ?? '',
    uid: '',
    byteOrder: 1234,
    suppressSubnormals: false,
    dataProtocolVersion: Number(m[1]),
  };
  for (const line of rest) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'uid') response.uid = value;
    else if (key === 'byte-order') response.byteOrder = Number(value);
    else if (key === 'suppress-subnormals') response.suppressSubnormals = bool(value);
    else if (key === 'data-protocol-version') response.dataProtocolVersion = Number(value);
  }
  if (response.status === 200 && ![1234, 4321].includes(response.byteOrder))
    throw new LslMessageError(`unsupported byte order ${response.byteOrder}`);
  if (response.status === 200 && ![100, 110].includes(response.dataProtocolVersion))
    throw new LslMessageError(`unsupported data protocol ${response.dataProtocolVersion}`);
  return { response, consumed: end };
}

export interface Negotiated {
  status: 200 | 404 | 505;
  dataProtocolVersion: number;
  byteOrder: number;
  suppressSubnormals: boolean;
}

/**
 * The outlet's choice (§4), as liblsl makes it: refuse newer major versions and other instances' uids;
 * fall back to 1.00 when the inlet wants another value size or lacks IEEE floats; answer in our (little
 * endian) byte order unless the inlet converts more slowly than we do: we report 0, the slowest, so
 * converting is always the inlet's job, except that a big-endian inlet reporting 0 gets our order too.
 */
export function negotiateFeed(
  req: FeedRequest,
  info: { uid: string; valueSize: number; isString: boolean; isFloat: boolean },
): Negotiated {
  if (Math.floor(req.protocol / 100) > Math.floor(PROTOCOL_VERSION / 100))
    return { status: 505, dataProtocolVersion: PROTOCOL_VERSION, byteOrder: 1234, suppressSubnormals: false };
  if (req.uid !== '' && req.uid !== info.uid)
    return { status: 404, dataProtocolVersion: PROTOCOL_VERSION, byteOrder: 1234, suppressSubnormals: false };
  if (req.protocol < 110) return { status: 200, dataProtocolVersion: 100, byteOrder: 1234, suppressSubnormals: false };
  let version = Math.min(PROTOCOL_VERSION, req.dataProtocolVersion);
  if (!info.isString && req.valueSize !== undefined && req.valueSize !== info.valueSize) version = 100;
  if (!req.hasIeee754Floats) version = 100;
  if (version < 110) return { status: 200, dataProtocolVersion: 100, byteOrder: 1234, suppressSubnormals: false };
  // The inlet flushes subnormals itself when it says it cannot handle them.
  return {
    status: 200,
    dataProtocolVersion: version,
    byteOrder: 1234,
    suppressSubnormals: info.isFloat && !req.supportsSubnormals,
  };
}
