/**
 * An RTSP client session (RFC 2326) for one medium of one stream, shared by every RTSP source:
 * OPTIONS, DESCRIBE, SETUP over UDP or TCP-interleaved, PLAY, keep-alive before the session times
 * out, TEARDOWN; then RTP put back in order (small reorder window, losses counted), RTCP sender
 * reports mapping RTP time to the sender's Unix time, and receiver reports sent back.
 *
 * The session never throws out of a socket handler. Every way it can die (connection closed, RTCP
 * BYE, no RTP for `rtpSilenceMs`) is one `down` event with the reason; its owner restarts it.
 */
import type dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { hostTimeNs } from '../../time/host-clock';
import { closeUdpSocket, sendUdpNoWait } from '../udp';
import { RtpClock } from './rtp-clock';
import { RtpSequencer } from './rtp-sequencer';
import { encodeReceiverReport, parseRtcp, parseRtp, type RtcpSenderReport, type RtpPacket } from './rtp';
import {
  interleavedFrame,
  parseSessionHeader,
  parseTransport,
  type RtspResponse,
  RtspStreamParser,
  serializeRequest,
} from './rtsp-message';
import { controlUrl, parseSessionDescription, type SdpMedia, type SessionDescription } from './sdp';
import { openUdpPair, type UdpPair } from './udp-pair';

export class RtspError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RtspError';
  }
}

export interface RtspSessionOptions {
  /** rtsp://host:port/path?query — the query (e.g. camera=world) is kept for OPTIONS and DESCRIBE. */
  url: string;
  transport: 'udp' | 'tcp';
  /** Picks the medium to SETUP from the DESCRIBE answer; undefined = the SDP lacks it (an error). */
  select: (description: SessionDescription) => SdpMedia | undefined;
  /** Per request. Default 5000. */
  requestTimeoutMs?: number;
  /** No RTP for this long after PLAY → down. Default 10000 (what the official clients use). */
  rtpSilenceMs?: number;
  /** RTP packets held to put reordered ones back in sequence. Default 16. */
  reorderWindow?: number;
  userAgent?: string;
  /** The device that reads the UDP pair (a device id): buffers sized and kernel drops reported for it (../udp.ts). */
  socketOwner?: string;
}

export interface RtpDelivery {
  packet: RtpPacket;
  afterGap: boolean;
  /** Unwrapped RTP ticks. */
  ticks: number;
  /** The sender's Unix ns for this packet (via RTCP SR), undefined before the first SR. */
  senderUnixNs: number | undefined;
  arrivalNs: number;
}

export interface RtspSessionEvents {
  /** SETUP done, PLAY about to be sent: consumers set up for this medium now. */
  ready: [SdpMedia];
  rtp: [RtpDelivery];
  sr: [RtcpSenderReport];
  down: [string];
}

export interface RtspSessionStats {
  packets: number;
  bytes: number;
  malformed: number;
  lost: number;
  late: number;
  duplicates: number;
  reordered: number;
  senderReports: number;
  receiverReports: number;
  /** Bytes skipped on the TCP connection while resynchronising. */
  garbageBytes: number;
  keepAlives: number;
}

export function emptyRtspStats(): RtspSessionStats {
  return {
    packets: 0,
    bytes: 0,
    malformed: 0,
    lost: 0,
    late: 0,
    duplicates: 0,
    reordered: 0,
    senderReports: 0,
    receiverReports: 0,
    garbageBytes: 0,
    keepAlives: 0,
  };
}

const WATCHDOG_MS = 500;
const RR_INTERVAL_MS = 1000;

export class RtspSession extends EventEmitter<RtspSessionEvents> {
  readonly options: Required<Omit<RtspSessionOptions, 'userAgent' | 'socketOwner'>> & {
    userAgent: string;
    socketOwner?: string;
  };
  media: SdpMedia | undefined;
  description: SessionDescription | undefined;
  /** The server's `Server:` header, when it sent one. */
  serverName: string | undefined;
  clock: RtpClock | undefined;
  private socket: net.Socket | undefined;
  private parser = new RtspStreamParser();
  private cseq = 0;
  private pending = new Map<
    number,
    { resolve: (r: RtspResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private sessionId: string | undefined;
  private sessionTimeoutS = 60;
  private publicMethods = new Set<string>();
  private udp: UdpPair | undefined;
  private serverRtcp: { address: string; port: number } | undefined;
  private sequencer: RtpSequencer<RtpPacket>;
  private timers: NodeJS.Timeout[] = [];
  private lastRtpMs = 0;
  private closed = false;
  private playing = false;
  private baseUrl: string;
  private readonly ssrc = (Math.random() * 0xffffffff) >>> 0;
  private remoteSsrc = 0;
  private jitter = 0;
  private lastTransit: number | undefined;
  private lastReport: { highest: number; lost: number } | undefined;
  readonly stats: RtspSessionStats = emptyRtspStats();

  constructor(options: RtspSessionOptions) {
    super();
    this.options = {
      requestTimeoutMs: 5000,
      rtpSilenceMs: 10_000,
      reorderWindow: 16,
      userAgent: 'Sightline',
      ...options,
    };
    this.sequencer = new RtpSequencer(this.options.reorderWindow);
    this.baseUrl = options.url;
  }

  /** Connects and runs OPTIONS → DESCRIBE → SETUP → PLAY. Rejects with RtspError (status included). */
  async start(): Promise<SdpMedia> {
    const url = new URL(this.options.url);
    if (url.protocol !== 'rtsp:') throw new RtspError(`not an rtsp:// URL: ${this.options.url}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : 554;
    await this.connectTcp(host, port);

    const options = await this.request('OPTIONS', this.options.url);
    for (const m of (options.headers.get('public') ?? '').split(',')) this.publicMethods.add(m.trim().toUpperCase());

    const describe = await this.request('DESCRIBE', this.options.url, { Accept: 'application/sdp' });
    this.serverName = describe.headers.get('server') ?? options.headers.get('server');
    this.baseUrl = describe.headers.get('content-base') ?? describe.headers.get('content-location') ?? this.options.url;
    const description = parseSessionDescription(Buffer.from(describe.body).toString('utf8'));
    this.description = description;
    const media = this.options.select(description);
    if (!media) {
      const offered = description.media.map((m) => `${m.type} ${m.encoding || '?'}`).join(', ') || 'nothing';
      throw new RtspError(`the stream does not offer the medium we need (it offers: ${offered})`);
    }
    this.media = media;
    this.clock = new RtpClock(media.clockRate);

    let transport: string;
    if (this.options.transport === 'udp') {
      this.udp = await openUdpPair(this.socket!.localAddress ?? '0.0.0.0', this.options.socketOwner);
      this.udp.rtp.on('message', (msg) => this.onRtp(msg));
      this.udp.rtcp.on('message', (msg, rinfo) => this.onRtcp(msg, rinfo));
      transport = `RTP/AVP;unicast;client_port=${this.udp.ports[0]}-${this.udp.ports[1]}`;
    } else {
      transport = 'RTP/AVP/TCP;unicast;interleaved=0-1';
    }
    const setup = await this.request('SETUP', controlUrl(this.baseUrl, media.control), { Transport: transport });
    const sessionHeader = setup.headers.get('session');
    if (!sessionHeader) throw new RtspError('SETUP answer has no Session header');
    const session = parseSessionHeader(sessionHeader);
    this.sessionId = session.id;
    this.sessionTimeoutS = session.timeoutS;
    const reply = parseTransport(setup.headers.get('transport') ?? '');
    if (this.options.transport === 'udp') {
      if (reply.tcp) throw new RtspError('the server answered a UDP SETUP with a TCP transport');
      const address = reply.source ?? this.socket!.remoteAddress ?? host;
      if (reply.serverPort) this.serverRtcp = { address, port: reply.serverPort[1] };
    }
    // Companion 2.9.31 does not echo `interleaved` (docs/protocols/pupil.md §2.4): channels 0-1 as asked.

    // The server may send RTP right behind its PLAY answer (in the same TCP segment): be ready first.
    this.playing = true;
    this.emit('ready', media);
    try {
      await this.request('PLAY', controlUrl(this.baseUrl, description.control), { Range: 'npt=now-' });
    } catch (e) {
      this.playing = false;
      throw e;
    }
    this.lastRtpMs = Date.now();
    this.every(WATCHDOG_MS, () => this.watchdog());
    this.every(RR_INTERVAL_MS, () => this.sendReceiverReport());
    this.every(Math.max(1000, this.sessionTimeoutS * 800), () => this.keepAlive());
    return media;
  }

  /** TEARDOWN (best effort, short wait) and release everything. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    const wasPlaying = this.playing && this.sessionId !== undefined && !this.socket?.destroyed;
    this.playing = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (wasPlaying) {
      await Promise.race([
        this.request('TEARDOWN', controlUrl(this.baseUrl, this.description?.control)).catch(() => undefined),
        new Promise((r) => setTimeout(r, 300).unref()),
      ]);
    }
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RtspError('session closed'));
    }
    this.pending.clear();
    this.socket?.destroy();
    if (this.udp) await Promise.all([closeUdpSocket(this.udp.rtp), closeUdpSocket(this.udp.rtcp)]);
    this.udp = undefined;
  }

  /** A request on the session's connection; resolves with a 2xx answer, rejects otherwise. */
  request(method: string, uri: string, headers: Record<string, string> = {}): Promise<RtspResponse> {
    const socket = this.socket;
    if (!socket || socket.destroyed || this.closed) return Promise.reject(new RtspError('RTSP connection is closed'));
    const cseq = ++this.cseq;
    const bytes = serializeRequest(method, uri, {
      CSeq: cseq,
      'User-Agent': this.options.userAgent,
      Session: this.sessionId,
      ...headers,
    });
    return new Promise<RtspResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(cseq);
        reject(new RtspError(`${method} timed out after ${this.options.requestTimeoutMs} ms`));
      }, this.options.requestTimeoutMs);
      this.pending.set(cseq, {
        resolve: (r) =>
          r.status >= 200 && r.status < 300
            ? resolve(r)
            : reject(new RtspError(`${method} refused: ${r.status} ${r.reason}`.trim(), r.status)),
        reject,
        timer,
      });
      socket.write(bytes);
    });
  }

  private connectTcp(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RtspError(`no RTSP server answered at ${host}:${port} within ${this.options.requestTimeoutMs} ms`));
      }, this.options.requestTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.socket = socket;
        resolve();
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        if (!this.socket) reject(new RtspError(`RTSP connection to ${host}:${port} failed: ${e.message}`));
        else this.down(`RTSP connection error: ${e.message}`);
      });
      socket.on('close', () => {
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(new RtspError('the RTSP server closed the connection'));
        }
        this.pending.clear();
        if (this.socket) this.down('the RTSP server closed the connection');
      });
      socket.on('data', (chunk) => this.onTcpData(chunk));
    });
  }

  private onTcpData(chunk: Buffer): void {
    const before = this.parser.garbageBytes;
    for (const item of this.parser.push(chunk)) {
      if (item.kind === 'interleaved') {
        if (item.channel === 0) this.onRtp(item.data);
        else if (item.channel === 1) this.onRtcp(item.data);
      } else if (item.kind === 'response') {
        const cseq = Number(item.headers.get('cseq'));
        const p = this.pending.get(cseq);
        if (p) {
          this.pending.delete(cseq);
          clearTimeout(p.timer);
          p.resolve(item);
        }
      }
      // Requests from the server (e.g. ANNOUNCE) are not needed: ignored.
    }
    this.stats.garbageBytes += this.parser.garbageBytes - before;
  }

  private onRtp(data: Uint8Array): void {
    if (!this.playing) return;
    const arrivalNs = hostTimeNs();
    this.stats.packets++;
    this.stats.bytes += data.length;
    let packet: RtpPacket;
    try {
      packet = parseRtp(data);
    } catch {
      this.stats.malformed++;
      return;
    }
    if (this.media && packet.payloadType !== this.media.payloadType) {
      this.stats.malformed++;
      return;
    }
    this.lastRtpMs = Date.now();
    this.remoteSsrc = packet.ssrc;
    this.updateJitter(arrivalNs, packet.timestamp);
    for (const d of this.sequencer.push(packet.sequence, packet)) this.deliver(d.packet, d.afterGap, arrivalNs);
    this.syncCounts();
  }

  private deliver(packet: RtpPacket, afterGap: boolean, arrivalNs: number): void {
    const clock = this.clock!;
    const ticks = clock.ticks(packet.timestamp);
    try {
      this.emit('rtp', { packet, afterGap, ticks, senderUnixNs: clock.toUnixNs(ticks), arrivalNs });
    } catch {
      // A consumer bug must not take down the socket handler.
      this.stats.malformed++;
    }
  }

  private onRtcp(data: Uint8Array, rinfo?: dgram.RemoteInfo): void {
    if (rinfo && !this.serverRtcp) this.serverRtcp = { address: rinfo.address, port: rinfo.port };
    let packets;
    try {
      packets = parseRtcp(data);
    } catch {
      this.stats.malformed++;
      return;
    }
    for (const p of packets) {
      if (p.type === 'sr' && this.clock) {
        this.clock.onSenderReport(p, hostTimeNs());
        this.stats.senderReports++;
        this.emit('sr', p);
      } else if (p.type === 'bye' && this.playing) {
        this.down('the server ended the stream (RTCP BYE)');
      }
    }
  }

  private syncCounts(): void {
    const c = this.sequencer.counts;
    this.stats.lost = c.lost;
    this.stats.late = c.late;
    this.stats.duplicates = c.duplicates;
    this.stats.reordered = c.reordered;
  }

  private watchdog(): void {
    const silent = Date.now() - this.lastRtpMs;
    // A gap that never fills is given up after a short while, so gaze does not wait for the window.
    if (this.sequencer.waiting > 0 && silent > 50) {
      for (const d of this.sequencer.flush()) this.deliver(d.packet, d.afterGap, hostTimeNs());
      this.syncCounts();
    }
    if (silent > this.options.rtpSilenceMs) this.down(`no RTP for ${Math.round(silent / 1000)} s`);
  }

  private sendReceiverReport(): void {
    if (!this.playing || !this.clock) return;
    const highest = this.sequencer.highestExtended;
    if (highest < 0) return;
    // Fraction lost since the previous report, in 1/256 (RFC 3550 §6.4.1).
    const lost = this.sequencer.counts.lost;
    const expected = highest - (this.lastReport?.highest ?? highest);
    const lostNow = lost - (this.lastReport?.lost ?? 0);
    const fractionLost =
      expected > 0 && lostNow > 0 ? Math.min(255, Math.floor((lostNow * 256) / (expected + lostNow))) : 0;
    this.lastReport = { highest, lost };
    const rr = encodeReceiverReport(this.ssrc, [
      {
        ssrc: this.remoteSsrc,
        fractionLost,
        cumulativeLost: lost,
        highestSequence: highest,
        jitter: Math.round(this.jitter),
        ...this.clock.lastSrFields(hostTimeNs()),
      },
    ]);
    if (this.options.transport === 'tcp') this.socket?.write(interleavedFrame(1, rr));
    else if (this.udp && this.serverRtcp)
      sendUdpNoWait(this.udp.rtcp, rr, this.serverRtcp.port, this.serverRtcp.address);
    else return;
    this.stats.receiverReports++;
  }

  /** Interarrival jitter in RTP ticks (RFC 3550 §6.4.1, A.8), reported back in receiver reports. */
  private updateJitter(arrivalNs: number, timestamp: number): void {
    const rate = this.clock?.clockRate;
    if (!rate) return;
    const transit = (arrivalNs / 1e9) * rate - timestamp;
    const last = this.lastTransit;
    this.lastTransit = transit;
    if (last === undefined) return;
    const d = Math.abs(transit - last);
    // A 32-bit timestamp wrap looks like a 2^32-tick jump: not jitter.
    if (d < 2 ** 31) this.jitter += (d - this.jitter) / 16;
  }

  /** Interarrival jitter in ms. */
  get jitterMs(): number {
    return this.clock ? (this.jitter / this.clock.clockRate) * 1000 : 0;
  }

  private keepAlive(): void {
    if (!this.playing) return;
    const method = this.publicMethods.has('GET_PARAMETER') ? 'GET_PARAMETER' : 'OPTIONS';
    this.stats.keepAlives++;
    this.request(method, controlUrl(this.baseUrl, this.description?.control)).catch(() => {
      // A refused keep-alive is not fatal; silence is caught by the watchdog.
    });
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref?.();
    this.timers.push(t);
  }

  private down(reason: string): void {
    if (this.closed || !this.playing) return;
    this.playing = false;
    this.emit('down', reason);
  }
}
