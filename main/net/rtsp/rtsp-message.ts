/**
 * RTSP/1.0 messages (RFC 2326) and the TCP byte stream that carries them with interleaved RTP
 * (`$` channel length data, §10.12). Pure: bytes in, typed messages out, both directions.
 *
 * The stream parser resynchronises instead of failing: bytes that are neither `$` frames nor an
 * RTSP message are skipped and counted (a Companion phone has been seen writing a `400 Bad Request`
 * into the middle of an interleaved frame; protocol notes, docs/protocols/pupil.md §2.6). Header blocks and bodies
 * are bounded before anything is buffered for them.
 */
export interface RtspRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: Map<string, string>;
  body: Uint8Array;
}

export interface RtspResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: Map<string, string>;
  body: Uint8Array;
}

export type RtspMessage = RtspRequest | RtspResponse;

export type RtspStreamItem = RtspMessage | { kind: 'interleaved'; channel: number; data: Uint8Array };

export const MAX_HEADER_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = 256 * 1024;

const CRLF2 = Buffer.from('\r\n\r\n');
const RTSP_VERSION = 'RTSP/1.0';
const METHOD = /^[A-Z_]{3,20}$/;
const START_WORDS = [
  'RTSP/1.0 ',
  'OPTIONS ',
  'DESCRIBE ',
  'SETUP ',
  'PLAY ',
  'PAUSE ',
  'TEARDOWN ',
  'GET_PARAMETER ',
  'SET_PARAMETER ',
  'ANNOUNCE ',
  'RECORD ',
  'REDIRECT ',
];

export class RtspStreamParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes skipped while looking for the next frame or message. */
  garbageBytes = 0;
  /** Messages whose start line or headers made no sense. */
  badMessages = 0;

  /** Feeds bytes as they arrive; returns every complete item. Never throws. */
  push(chunk: Uint8Array): RtspStreamItem[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const out: RtspStreamItem[] = [];
    let at = 0;
    const b = this.buffer;
    while (at < b.length) {
      const c = b[at]!;
      if (c === 0x24) {
        if (at + 4 > b.length) break;
        const len = b.readUInt16BE(at + 2);
        if (at + 4 + len > b.length) break;
        out.push({ kind: 'interleaved', channel: b[at + 1]!, data: new Uint8Array(b.subarray(at + 4, at + 4 + len)) });
        at += 4 + len;
        continue;
      }
      if (this.looksLikeMessageStart(b, at)) {
        const headerEnd = b.indexOf(CRLF2, at);
        if (headerEnd < 0) {
          if (b.length - at > MAX_HEADER_BYTES) {
            this.badMessages++;
            at = this.skipToNextCandidate(b, at + 1);
            continue;
          }
          break;
        }
        const parsed = parseHead(b.toString('latin1', at, headerEnd));
        if (!parsed) {
          this.badMessages++;
          at = this.skipToNextCandidate(b, at + 1);
          continue;
        }
        const length = Number(parsed.headers.get('content-length') ?? '0');
        if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
          this.badMessages++;
          at = headerEnd + 4;
          continue;
        }
        const bodyStart = headerEnd + 4;
        if (bodyStart + length > b.length) break;
        out.push({ ...parsed, body: new Uint8Array(b.subarray(bodyStart, bodyStart + length)) } as RtspMessage);
        at = bodyStart + length;
        continue;
      }
      const next = this.skipToNextCandidate(b, at + 1);
      this.garbageBytes += next - at;
      at = next;
    }
    this.buffer = at >= b.length ? Buffer.alloc(0) : Buffer.from(b.subarray(at));
    return out;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** Could an RTSP start line begin here? A short tail that could still become one waits for more bytes. */
  private looksLikeMessageStart(b: Buffer, at: number): boolean {
    const probe = b.toString('latin1', at, Math.min(b.length, at + 14));
    for (const start of START_WORDS) {
      if (probe.startsWith(start)) return true;
      if (probe.length < start.length && start.startsWith(probe)) return true;
    }
    return false;
  }

  private skipToNextCandidate(b: Buffer, from: number): number {
    for (let i = from; i < b.length; i++) {
      const c = b[i]!;
      if (c === 0x24 || (c >= 0x41 && c <= 0x5a && this.looksLikeMessageStart(b, i))) return i;
    }
    return b.length;
  }
}

function parseHead(text: string): Omit<RtspRequest, 'body'> | Omit<RtspResponse, 'body'> | undefined {
  const lines = text.split('\r\n');
  const first = lines[0] ?? '';
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  if (first.startsWith('RTSP/')) {
    const m = /^RTSP\/\d\.\d (\d{3}) ?(.*)$/.exec(first);
    if (!m) return undefined;
    return { kind: 'response', status: Number(m[1]), reason: m[2] ?? '', headers };
  }
  const parts = first.split(' ');
  if (parts.length !== 3 || !METHOD.test(parts[0]!) || !parts[2]!.startsWith('RTSP/')) return undefined;
  return { kind: 'request', method: parts[0]!, uri: parts[1]!, headers };
}

function headerBlock(headers: Record<string, string | number | undefined>, bodyLength: number): string {
  let s = '';
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) s += `${k}: ${v}\r\n`;
  if (bodyLength > 0) s += `Content-Length: ${bodyLength}\r\n`;
  return s;
}

export function serializeRequest(
  method: string,
  uri: string,
  headers: Record<string, string | number | undefined>,
  body: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const head = Buffer.from(`${method} ${uri} ${RTSP_VERSION}\r\n${headerBlock(headers, body.length)}\r\n`, 'latin1');
  return Buffer.concat([head, body]);
}

export function serializeResponse(
  status: number,
  reason: string,
  headers: Record<string, string | number | undefined>,
  body: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const head = Buffer.from(`${RTSP_VERSION} ${status} ${reason}\r\n${headerBlock(headers, body.length)}\r\n`, 'latin1');
  return Buffer.concat([head, body]);
}

export function interleavedFrame(channel: number, data: Uint8Array): Uint8Array {
  if (data.length > 0xffff) throw new RangeError(`interleaved frame of ${data.length} bytes is too long`);
  const out = new Uint8Array(4 + data.length);
  out[0] = 0x24;
  out[1] = channel;
  out[2] = data.length >> 8;
  out[3] = data.length & 0xff;
  out.set(data, 4);
  return out;
}

/** `Transport:` header fields we use (RFC 2326 §12.39). */
export interface TransportSpec {
  tcp: boolean;
  interleaved?: [number, number];
  clientPort?: [number, number];
  serverPort?: [number, number];
  source?: string;
}

function pair(v: string | undefined): [number, number] | undefined {
  if (!v) return undefined;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(v.trim());
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a + 1 : Number(m[2]);
  if (a > 65535 || b > 65535) return undefined;
  return [a, b];
}

/** Reads the first transport of a Transport header (clients may list alternatives). */
export function parseTransport(value: string): TransportSpec {
  const first = value.split(',')[0] ?? '';
  const parts = first.split(';').map((p) => p.trim());
  const params = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    params.set((eq < 0 ? p : p.slice(0, eq)).toLowerCase(), eq < 0 ? '' : p.slice(eq + 1));
  }
  return {
    tcp: /\/TCP$/i.test(parts[0] ?? ''),
    interleaved: pair(params.get('interleaved')),
    clientPort: pair(params.get('client_port')),
    serverPort: pair(params.get('server_port')),
    source: params.get('source') || undefined,
  };
}

/** `Session: id;timeout=60` → id and timeout (s, default 60). */
export function parseSessionHeader(value: string): { id: string; timeoutS: number } {
  const [id, ...rest] = value.split(';');
  let timeoutS = 60;
  for (const r of rest) {
    const m = /^\s*timeout\s*=\s*(\d+)/i.exec(r);
    if (m) timeoutS = Math.max(1, Math.min(3600, Number(m[1])));
  }
  return { id: (id ?? '').trim(), timeoutS };
}
