/**
 * An LSL outlet (docs/protocols/lsl.md §1–§5): the discovery responder, the TCP data feed (1.10 and 1.00)
 * with the test pattern, full info, and the UDP service port that answers queries and time requests.
 *
 * Every consumer has a bound on what it may have queued in its socket; past it, samples for that consumer
 * are dropped and counted (liblsl drops the oldest from its queue; we cannot unsend bytes, so we drop the
 * newest), so a slow inlet never makes the outlet grow without limit.
 */
import { randomUUID } from 'node:crypto';
import type dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait } from '../../net/udp';
import {
  infoTree,
  fullInfoXml,
  shortInfoXml,
  VALUE_SIZE,
  MAX_CHANNELS,
  type ChannelFormat,
  type StreamInfo,
} from './info';
import {
  BASE_PORT,
  decodeServiceRequest,
  decodeTcpRequest,
  encodeFeedResponse,
  encodeFeedStatus,
  encodeResolveReply,
  encodeTimeReply,
  MULTICAST_PORT,
  negotiateFeed,
  PORT_RANGE,
  PROTOCOL_VERSION,
  ascii,
} from './messages';
import { matchesQuery } from './query';
import {
  encodeArchiveHeader,
  encodeSamples100,
  encodeSamples110,
  testPatternSample,
  type Sample,
  type SampleValues,
} from './samples';
import { lslLocalClock } from './time';
import { xmlElement, type XmlElement } from './xml';

export interface OutletOptions {
  name: string;
  type: string;
  channelCount: number;
  channelFormat: ChannelFormat;
  /** 0 = irregular. */
  nominalSrate: number;
  /** Stable across restarts: inlets recover by it. */
  sourceId: string;
  desc?: XmlElement;
  sessionId?: string;
  hostname?: string;
  /** Where the data and service sockets listen. Default: every IPv4 interface. */
  bindAddress?: string;
  /**
   * The discovery responder's UDP port: LSL's 16571 (shared with other outlets on the host), 0 for a port
   * from the OS (tests), null for none (the service port still answers queries).
   */
  responderPort?: number | null;
  /** Multicast groups the responder joins (only meaningful on 16571). */
  multicastGroups?: string[];
  /** The interface (an IPv4 address) the groups are joined on: the lab interface; default: the system's. */
  multicastInterface?: string;
  /** Data and service port: undefined = the first free one in LSL's range, 0 = from the OS. */
  dataPort?: number;
  /** Bytes a consumer may have queued before its samples are dropped. */
  maxQueuedBytes?: number;
  clock?: () => number;
}

export interface OutletStats {
  consumers: number;
  samplesPushed: number;
  /** Samples not sent to a consumer because it was too far behind. */
  samplesDropped: number;
  /** Requests we could not read (bad datagrams, bad TCP requests). */
  badRequests: number;
  timeRequests: number;
  queriesAnswered: number;
}

const DEFAULT_MAX_QUEUED_BYTES = 8 << 20;
/** A connection that has not finished its request by then is closed. */
const REQUEST_TIMEOUT_MS = 10_000;

interface Consumer {
  socket: net.Socket;
  protocol: 100 | 110;
  /** Samples a chunk may collect before it is sent (0: each push). */
  chunk: number;
  pending: Uint8Array[];
  pendingSamples: number;
}

export class LslOutlet {
  readonly info: StreamInfo;
  readonly stats: OutletStats = {
    consumers: 0,
    samplesPushed: 0,
    samplesDropped: 0,
    badRequests: 0,
    timeRequests: 0,
    queriesAnswered: 0,
  };
  private readonly consumers = new Set<Consumer>();
  private readonly sockets = new Set<net.Socket>();
  private readonly shortInfo: Uint8Array;
  private readonly fullInfo: Uint8Array;
  private readonly tree: XmlElement;
  private readonly clock: () => number;
  private readonly maxQueuedBytes: number;
  private closed = false;

  private constructor(
    info: StreamInfo,
    private readonly server: net.Server,
    private readonly service: dgram.Socket,
    private readonly responder: dgram.Socket | undefined,
    options: OutletOptions,
  ) {
    this.info = info;
    this.shortInfo = ascii(shortInfoXml(info));
    this.fullInfo = ascii(fullInfoXml(info));
    this.tree = infoTree(info);
    this.clock = options.clock ?? lslLocalClock;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    server.on('connection', (s) => this.accept(s));
    service.on('message', (m, r) => this.onDatagram(service, m, r));
    responder?.on('message', (m, r) => this.onDatagram(responder, m, r));
  }

  static async create(options: OutletOptions): Promise<LslOutlet> {
    if (!options.name) throw new Error('an LSL stream needs a name');
    if (!Number.isInteger(options.channelCount) || options.channelCount < 1 || options.channelCount > MAX_CHANNELS)
      throw new Error(`channel count must be 1..${MAX_CHANNELS}`);
    if (!(options.nominalSrate >= 0)) throw new Error('nominal rate must be ≥ 0');
    const address = options.bindAddress ?? '0.0.0.0';
    const { server, service, port } = await bindDataAndService(address, options.dataPort);
    let responder: dgram.Socket | undefined;
    try {
      if (options.responderPort !== null) {
        responder = await openUdpSocket({ address, port: options.responderPort ?? MULTICAST_PORT, reuseAddr: true });
        for (const group of options.multicastGroups ?? []) {
          try {
            responder.addMembership(group, options.multicastInterface);
          } catch {
            // A group the host cannot join (no route) only narrows who finds us.
          }
        }
      }
    } catch (e) {
      server.close();
      await closeUdpSocket(service);
      throw e;
    }
    const clock = options.clock ?? lslLocalClock;
    const info: StreamInfo = {
      name: options.name,
      type: options.type,
      channelCount: options.channelCount,
      channelFormat: options.channelFormat,
      sourceId: options.sourceId,
      nominalSrate: options.nominalSrate,
      version: PROTOCOL_VERSION,
      createdAt: clock(),
      uid: randomUUID(),
      sessionId: options.sessionId ?? 'default',
      hostname: options.hostname ?? os.hostname(),
      v4address: '',
      v4dataPort: port,
      v4servicePort: port,
      v6address: '',
      v6dataPort: 0,
      v6servicePort: 0,
      desc: options.desc ?? xmlElement('desc'),
    };
    return new LslOutlet(info, server, service, responder, options);
  }

  /** The responder's UDP port (undefined without one). */
  get responderPort(): number | undefined {
    return this.responder?.address().port;
  }

  get dataPort(): number {
    return this.info.v4dataPort;
  }

  /** Sends one sample now (or adds it to consumers' chunks when `pushthrough` is false). */
  pushSample(values: SampleValues, timestamp: number = this.clock(), pushthrough = true): void {
    this.pushChunk([{ timestamp, values }], pushthrough);
  }

  /** Sends samples together. A sample with timestamp undefined goes out as "deduced" (previous + 1/rate). */
  pushChunk(samples: readonly Sample[], pushthrough = true): void {
    if (this.closed || samples.length === 0) return;
    const { channelFormat: f, channelCount: n } = this.info;
    let v110: Uint8Array | undefined;
    let v100: Uint8Array | undefined;
    if (this.consumers.size === 0) {
      // Still validate, so a caller's mistake shows whether or not anyone listens.
      encodeSamples110(f, n, samples.slice(0, 1));
    }
    this.stats.samplesPushed += samples.length;
    for (const c of this.consumers) {
      const bytes =
        c.protocol === 110
          ? (v110 ??= encodeSamples110(f, n, samples))
          : (v100 ??= encodeSamples100(f, n, samples, false));
      if (c.socket.writableLength + bytes.length > this.maxQueuedBytes) {
        this.stats.samplesDropped += samples.length;
        continue;
      }
      c.pending.push(bytes);
      c.pendingSamples += samples.length;
      if (pushthrough || c.chunk === 0 || c.pendingSamples >= c.chunk) this.flush(c);
    }
  }

  /** Sends what chunking held back. */
  flushAll(): void {
    for (const c of this.consumers) this.flush(c);
  }

  /** Number of inlets currently receiving. */
  get consumerCount(): number {
    return this.consumers.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushAll();
    // End feeds gracefully so the last samples (a stop marker) reach the inlets; force after a second.
    for (const s of this.sockets) s.end();
    const force = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, 1000);
    force.unref();
    await Promise.all([
      new Promise<void>((r) => this.server.close(() => r())),
      closeUdpSocket(this.service),
      this.responder ? closeUdpSocket(this.responder) : Promise.resolve(),
    ]);
    clearTimeout(force);
  }

  private flush(c: Consumer): void {
    if (c.pending.length === 0) return;
    const data = c.pending.length === 1 ? c.pending[0]! : Buffer.concat(c.pending);
    c.pending = [];
    c.pendingSamples = 0;
    c.socket.write(data);
  }

  private onDatagram(socket: dgram.Socket, msg: Buffer, from: dgram.RemoteInfo): void {
    const t1 = this.clock();
    try {
      const req = decodeServiceRequest(msg);
      if (req.kind === 'timedata') {
        this.stats.timeRequests++;
        sendUdpNoWait(socket, encodeTimeReply(req.waveId, req.t0Text, t1, this.clock()), from.port, from.address);
        return;
      }
      if (!this.matches(req.query.query)) return;
      this.stats.queriesAnswered++;
      const reply = encodeResolveReply(req.query.queryId, '');
      sendUdpNoWait(socket, Buffer.concat([reply, this.shortInfo]), req.query.returnPort, from.address);
    } catch {
      // A socket handler never throws: whatever we could not read or answer is a counted bad request.
      this.stats.badRequests++;
    }
  }

  private matches(query: string): boolean {
    try {
      return matchesQuery(query, this.tree);
    } catch {
      // A query we cannot read matches nothing, as in liblsl.
      return false;
    }
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buf: Uint8Array = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), REQUEST_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let decoded;
      try {
        decoded = decodeTcpRequest(buf);
      } catch {
        this.stats.badRequests++;
        socket.destroy();
        return;
      }
      if (!decoded) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const { request } = decoded;
      if (request.kind === 'fullinfo') {
        socket.end(this.fullInfo);
      } else if (request.kind === 'shortinfo') {
        if (this.matches(request.query)) socket.end(this.shortInfo);
        else socket.end();
      } else {
        this.startFeed(socket, request.feed);
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
  }

  private startFeed(socket: net.Socket, feed: Parameters<typeof negotiateFeed>[0]): void {
    const { channelFormat: f, channelCount: n } = this.info;
    const n1 = negotiateFeed(feed, {
      uid: this.info.uid,
      valueSize: VALUE_SIZE[f],
      isString: f === 'string',
      isFloat: f === 'float32' || f === 'double64',
    });
    if (n1.status !== 200) {
      socket.end(encodeFeedStatus(n1.status));
      return;
    }
    const pattern = [testPatternSample(f, n, 4), testPatternSample(f, n, 2)];
    const protocol = n1.dataProtocolVersion >= 110 ? 110 : 100;
    const parts: Uint8Array[] = [];
    if (feed.protocol >= 110) parts.push(encodeFeedResponse({ uid: this.info.uid, ...n1 }));
    if (protocol === 110) parts.push(encodeSamples110(f, n, pattern));
    else parts.push(encodeArchiveHeader(shortInfoXml(this.info)), encodeSamples100(f, n, pattern, true));
    socket.write(Buffer.concat(parts));
    // liblsl ends a feed whose inlet asked for no buffer right after the test pattern.
    if (feed.maxBufferLength <= 0) {
      socket.end();
      return;
    }
    const consumer: Consumer = {
      socket,
      protocol,
      chunk: Math.max(0, feed.maxChunkLength),
      pending: [],
      pendingSamples: 0,
    };
    this.consumers.add(consumer);
    this.stats.consumers = this.consumers.size;
    // Inlets never send after the request; anything more is ignored.
    socket.on('data', () => {});
    socket.on('close', () => {
      this.consumers.delete(consumer);
      this.stats.consumers = this.consumers.size;
    });
  }
}

/** One port number for the TCP data socket and the UDP service socket (as liblsl 1.17 does). */
async function bindDataAndService(
  address: string,
  wanted: number | undefined,
): Promise<{ server: net.Server; service: dgram.Socket; port: number }> {
  const candidates =
    wanted === undefined ? Array.from({ length: PORT_RANGE }, (_, i) => BASE_PORT + i) : Array(8).fill(wanted);
  let lastError: unknown;
  for (const candidate of candidates) {
    const server = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: candidate, host: address, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      lastError = e;
      continue;
    }
    const port = (server.address() as net.AddressInfo).port;
    try {
      const service = await openUdpSocket({ address, port });
      return { server, service, port };
    } catch (e) {
      lastError = e;
      await new Promise<void>((r) => server.close(() => r()));
    }
  }
  throw new Error(`no free LSL data/service port: ${String(lastError)}`);
}
