/**
 * A small RTSP server (RFC 2326) for our simulators: OPTIONS, DESCRIBE, SETUP (UDP or TCP
 * interleaved), PLAY, GET_PARAMETER/SET_PARAMETER as keep-alives, TEARDOWN. What is streamed is up
 * to the handlers; this module only speaks RTSP and moves RTP/RTCP bytes.
 *
 * The query of the DESCRIBE URL is remembered per connection, because the Companion selects the
 * sensor with `?camera=…` on DESCRIBE while SETUP/PLAY go to the bare Content-Base (docs/protocols/pupil.md §2.1).
 */
import type dgram from 'node:dgram';
import net from 'node:net';
import { closeUdpSocket, sendUdpNoWait } from '../udp';
import {
  interleavedFrame,
  parseTransport,
  type RtspRequest,
  RtspStreamParser,
  serializeResponse,
} from './rtsp-message';
import { openUdpPair, type UdpPair } from './udp-pair';

export type RtspRefusal = { status: number; reason: string };

export interface RtspDescription {
  sdp: string;
  /** The media's control attributes, in SDP order (SETUP URLs end with one of them). */
  controls: string[];
}

export interface RtspServerHandlers {
  describe(url: URL, connection: RtspServerConnection): RtspDescription | RtspRefusal;
  /** Before PLAY is answered: a refusal becomes the answer (e.g. the phone's 500). */
  canPlay?(session: RtspServerSession): RtspRefusal | undefined;
  /** After PLAY was answered 200: start streaming into the session. */
  play(session: RtspServerSession): void;
  /** The session ended (TEARDOWN, connection closed, server stopped). */
  stop(session: RtspServerSession): void;
  /** RTCP from the client (receiver reports), or garbage such as aiortsp's warm-up datagrams. */
  rtcp?(session: RtspServerSession, data: Uint8Array): void;
}

export interface RtspServerOptions {
  host: string;
  port: number;
  serverName?: string;
  sessionTimeoutS?: number;
  /** Echo `interleaved=` in the SETUP answer. The Companion 2.9.31 does not (docs/protocols/pupil.md §2.4). Default true. */
  echoInterleaved?: boolean;
}

export interface RtspServerConnection {
  readonly id: number;
  readonly remoteAddress: string;
  /** The URL of the last DESCRIBE on this connection. */
  describeUrl?: URL;
}

interface Track {
  control: string;
  tcpChannels?: [number, number];
  udp?: { pair: UdpPair; clientAddress: string; clientPorts: [number, number] };
}

export class RtspServerSession {
  readonly tracks = new Map<string, Track>();
  playing = false;
  /** Set by the handlers: whatever they need to stop streaming. */
  state: unknown;

  constructor(
    readonly id: string,
    readonly connection: RtspServerConnection,
    private readonly socket: net.Socket,
  ) {}

  get describeUrl(): URL | undefined {
    return this.connection.describeUrl;
  }

  get transport(): 'tcp' | 'udp' {
    for (const t of this.tracks.values()) if (t.tcpChannels) return 'tcp';
    return 'udp';
  }

  /** Sends one RTP packet on a track (the first track when `control` is omitted). Never throws. */
  sendRtp(data: Uint8Array, control?: string): void {
    this.send(data, control, 0);
  }

  sendRtcp(data: Uint8Array, control?: string): void {
    this.send(data, control, 1);
  }

  /**
   * Sends an RTP packet over TCP with an RTSP `400 Bad Request` answer written between the `$`
   * header and the packet, as a Companion phone has been seen to do (docs/protocols/pupil.md §2.6). The header's
   * length still counts the packet, so a reader takes the answer as the packet and the packet's
   * tail as stray bytes. False (nothing sent) on UDP.
   */
  sendRtpCorrupted(data: Uint8Array): boolean {
    const track = this.tracks.values().next().value;
    if (!track?.tcpChannels || !this.playing || this.socket.destroyed) return false;
    const frame = interleavedFrame(track.tcpChannels[0], data);
    const answer = Buffer.from('RTSP/1.0 400 Bad Request\r\nCSeq: 0\r\nContent-Length: 0\r\n\r\n', 'latin1');
    this.socket.write(Buffer.concat([frame.subarray(0, 4), answer, frame.subarray(4)]));
    return true;
  }

  private send(data: Uint8Array, control: string | undefined, which: 0 | 1): void {
    const track = control === undefined ? this.tracks.values().next().value : this.tracks.get(control);
    if (!track || !this.playing) return;
    if (track.tcpChannels) {
      if (!this.socket.destroyed && data.length <= 0xffff)
        this.socket.write(interleavedFrame(track.tcpChannels[which], data));
    } else if (track.udp) {
      const socket = which === 0 ? track.udp.pair.rtp : track.udp.pair.rtcp;
      sendUdpNoWait(socket, data, track.udp.clientPorts[which], track.udp.clientAddress);
    }
  }
}

const PUBLIC = 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER';

export class RtspServer {
  private server: net.Server | undefined;
  private readonly sessions = new Map<string, RtspServerSession>();
  private readonly sockets = new Set<net.Socket>();
  private nextConnection = 1;
  /** Requests that were not RTSP or made no sense (answered 400 or ignored). */
  badRequests = 0;
  /** Requests received, by method (tests check keep-alives and TEARDOWN). */
  readonly requestCounts = new Map<string, number>();

  constructor(
    private readonly options: RtspServerOptions,
    private readonly handlers: RtspServerHandlers,
  ) {}

  async start(): Promise<number> {
    const server = net.createServer((socket) => this.onConnection(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    return (server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of [...this.sessions.values()]) await this.endSession(s);
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  activeSessions(): RtspServerSession[] {
    return [...this.sessions.values()];
  }

  /** Drops every connection (sessions end): what a phone that vanishes looks like. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private onConnection(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const connection: RtspServerConnection = {
      id: this.nextConnection++,
      remoteAddress: socket.remoteAddress ?? '127.0.0.1',
    };
    const parser = new RtspStreamParser();
    const mine = new Set<RtspServerSession>();
    socket.on('data', (chunk) => {
      for (const item of parser.push(chunk)) {
        if (item.kind === 'request') {
          void this.onRequest(item, socket, connection, mine).catch(() => {
            this.badRequests++;
          });
        } else if (item.kind === 'interleaved') {
          for (const s of mine) {
            for (const t of s.tracks.values()) {
              if (t.tcpChannels?.[1] === item.channel) this.handlers.rtcp?.(s, item.data);
            }
          }
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const s of mine) void this.endSession(s);
    });
  }

  private async onRequest(
    req: RtspRequest,
    socket: net.Socket,
    connection: RtspServerConnection,
    mine: Set<RtspServerSession>,
  ): Promise<void> {
    this.requestCounts.set(req.method, (this.requestCounts.get(req.method) ?? 0) + 1);
    const cseq = req.headers.get('cseq') ?? '0';
    const reply = (
      status: number,
      reason: string,
      headers: Record<string, string | number | undefined> = {},
      body?: Uint8Array,
    ) => {
      if (socket.destroyed) return;
      socket.write(
        serializeResponse(status, reason, { CSeq: cseq, Server: this.options.serverName, ...headers }, body),
      );
    };
    let url: URL;
    try {
      url = new URL(req.uri === '*' ? `rtsp://${this.options.host}/` : req.uri);
    } catch {
      this.badRequests++;
      return reply(400, 'Bad Request');
    }
    const sessionId = (req.headers.get('session') ?? '').split(';')[0]!.trim();
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    switch (req.method) {
      case 'OPTIONS':
        return reply(200, 'OK', { Public: PUBLIC });
      case 'GET_PARAMETER':
      case 'SET_PARAMETER':
        return reply(200, 'OK', sessionId ? { Session: sessionId } : {});
      case 'DESCRIBE': {
        connection.describeUrl = url;
        const d = this.handlers.describe(url, connection);
        if ('status' in d) return reply(d.status, d.reason);
        (connection as { controls?: string[] }).controls = d.controls;
        const base = `rtsp://${url.host}/`;
        return reply(
          200,
          'OK',
          { 'Content-Base': base, 'Content-Type': 'application/sdp' },
          Buffer.from(d.sdp, 'utf8'),
        );
      }
      case 'SETUP': {
        const controls = (connection as { controls?: string[] }).controls ?? [];
        const control = controls.find((c) => url.href.endsWith(c)) ?? controls[0];
        if (control === undefined) return reply(455, 'Method Not Valid in This State');
        const spec = parseTransport(req.headers.get('transport') ?? '');
        const s = session ?? new RtspServerSession(randomSessionId(), connection, socket);
        const track: Track = { control };
        let transportReply: string;
        if (spec.tcp) {
          const channels = spec.interleaved ?? [s.tracks.size * 2, s.tracks.size * 2 + 1];
          track.tcpChannels = channels;
          transportReply =
            this.options.echoInterleaved === false
              ? 'RTP/AVP/TCP;unicast'
              : `RTP/AVP/TCP;unicast;interleaved=${channels[0]}-${channels[1]}`;
        } else {
          if (!spec.clientPort) return reply(461, 'Unsupported Transport');
          const pair = await openUdpPair(this.options.host);
          pair.rtcp.on('message', (msg: Buffer, _r: dgram.RemoteInfo) => this.handlers.rtcp?.(s, msg));
          pair.rtp.on('message', () => {
            // aiortsp's NAT warm-up datagrams land here: ignored.
          });
          track.udp = { pair, clientAddress: connection.remoteAddress, clientPorts: spec.clientPort };
          transportReply = `RTP/AVP;unicast;client_port=${spec.clientPort[0]}-${spec.clientPort[1]};server_port=${pair.ports[0]}-${pair.ports[1]}`;
        }
        s.tracks.set(control, track);
        this.sessions.set(s.id, s);
        mine.add(s);
        return reply(200, 'OK', {
          Transport: transportReply,
          Session: `${s.id};timeout=${this.options.sessionTimeoutS ?? 60}`,
        });
      }
      case 'PLAY': {
        if (!session) return reply(454, 'Session Not Found');
        const refusal = this.handlers.canPlay?.(session);
        if (refusal) return reply(refusal.status, refusal.reason, { 'Content-Length': 0 });
        reply(200, 'OK', { Session: session.id, Range: 'npt=0.000-' });
        session.playing = true;
        this.handlers.play(session);
        return;
      }
      case 'PAUSE':
        return reply(200, 'OK', sessionId ? { Session: sessionId } : {});
      case 'TEARDOWN':
        if (session) {
          mine.delete(session);
          await this.endSession(session);
        }
        return reply(200, 'OK');
      default:
        this.badRequests++;
        return reply(501, 'Not Implemented');
    }
  }

  private async endSession(s: RtspServerSession): Promise<void> {
    if (!this.sessions.delete(s.id)) return;
    s.playing = false;
    try {
      this.handlers.stop(s);
    } catch {
      // the handler's cleanup failing must not stop ours
    }
    for (const t of s.tracks.values()) {
      if (t.udp) await Promise.all([closeUdpSocket(t.udp.pair.rtp), closeUdpSocket(t.udp.pair.rtcp)]);
    }
  }
}

function randomSessionId(): string {
  return Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .toUpperCase()
    .padStart(8, '0');
}
