/**
 * One side of one VRPN connection, with no sockets: the caller feeds it received bytes and gives it
 * functions to write with. Both the client and the simulator use it, so both sides number names the
 * same way, describe them the same way, and drop the same things (protocol notes, docs/protocols/vrpn.md §3–§6).
 *
 *  - Cookie first: both sides write theirs at once; nothing else is accepted before the peer's.
 *  - Then this side's descriptions, senders then types in id order (docs/protocols/vrpn.md §5.3).
 *  - Messages are dispatched by NAME. A message whose type id the peer never described is dropped
 *    and counted, like mainline; one from an undescribed sender is dispatched with sender null.
 *  - Output is coalesced: everything sent in one synchronous burst goes out as one TCP write, and
 *    UDP messages are packed into datagrams of at most 1472 bytes (docs/protocols/vrpn.md §4).
 */
import { ByteWriter } from '../../net/byte-writer';
import {
  checkCookie,
  COOKIE_LENGTH,
  decodeDatagram,
  decodeDescription,
  decodeUdpDescription,
  DecodeError,
  encodeCookie,
  encodeDescription,
  encodeUdpDescription,
  LocalNames,
  MAX_DATAGRAM_BYTES,
  MAX_SENDERS,
  MAX_TYPES,
  RemoteNames,
  StreamFramer,
  SystemType,
  wireLength,
  writeMessage,
  type CookieCheck,
  type VrpnMessage,
} from './codec';

export interface NamedMessage {
  /** The peer's name for the sender; null when it never described that id. */
  sender: string | null;
  type: string;
  tsSec: number;
  tsUsec: number;
  body: Uint8Array;
  /** Arrived by UDP. */
  udp: boolean;
}

export interface EndpointIo {
  writeTcp(bytes: Uint8Array): void;
  /** Absent until a UDP channel exists; messages for UDP then go by TCP (docs/protocols/vrpn.md §9). */
  writeUdp?(bytes: Uint8Array): void;
}

export interface EndpointHandlers {
  /** The peer's cookie passed; descriptions have been sent. */
  onReady?(cookie: Extract<CookieCheck, { ok: true }>): void;
  onMessage(m: NamedMessage): void;
  /** The peer announced where it takes UDP (only meaningful in UDP+TCP mode). */
  onUdpDescription?(address: string, port: number): void;
  /** Fatal for the connection: bad cookie, impossible length, malformed system message. */
  onFatal(reason: string): void;
}

export interface EndpointCounters {
  messages: number;
  bytes: number;
  /** Messages whose type id the peer never described: dropped, as mainline does. */
  undescribed: number;
  /** Device messages whose body failed to decode, and bad datagram tails. */
  malformed: number;
}

/** Wall clock as VRPN headers carry it. */
export function wallClock(): { tsSec: number; tsUsec: number } {
  const ms = Date.now();
  return { tsSec: Math.floor(ms / 1000), tsUsec: (ms % 1000) * 1000 };
}

export interface EndpointOptions {
  senders: readonly string[];
  types: readonly string[];
  /** UDP_DESCRIPTION to send before the other descriptions (UDP+TCP mode, docs/protocols/vrpn.md §5.3 step 2). */
  udpDescription?: { address: string; port: number };
  clock?: () => { tsSec: number; tsUsec: number };
}

export class VrpnEndpoint {
  readonly senders: LocalNames;
  readonly types: LocalNames;
  private readonly remoteSenders = new RemoteNames(MAX_SENDERS);
  private readonly remoteTypes = new RemoteNames(MAX_TYPES);
  private readonly framer = new StreamFramer();
  private cookie: Uint8Array = new Uint8Array(0);
  private ready = false;
  private dead = false;
  private tcpSeq = 0;
  private udpSeq = 0;
  private tcpOut: ByteWriter | null = null;
  private udpOut: Uint8Array[] = [];
  private udpOutBytes = 0;
  private flushQueued = false;
  private readonly clock: () => { tsSec: number; tsUsec: number };
  readonly counters: EndpointCounters = { messages: 0, bytes: 0, undescribed: 0, malformed: 0 };

  constructor(
    private readonly io: EndpointIo,
    private readonly handlers: EndpointHandlers,
    private readonly options: EndpointOptions,
  ) {
    this.senders = new LocalNames(options.senders, MAX_SENDERS);
    this.types = new LocalNames(options.types, MAX_TYPES);
    this.clock = options.clock ?? wallClock;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Writes our cookie; call as soon as the TCP connection exists (neither side waits, docs/protocols/vrpn.md §2.1). */
  start(): void {
    this.io.writeTcp(encodeCookie());
  }

  /** Bytes from the TCP stream, in any split. Never throws: problems go to onFatal or the counters. */
  receiveTcp(chunk: Uint8Array): void {
    if (this.dead) return;
    this.counters.bytes += chunk.length;
    let data = chunk;
    if (!this.ready) {
      const need = COOKIE_LENGTH - this.cookie.length;
      const joined = new Uint8Array(this.cookie.length + Math.min(need, data.length));
      joined.set(this.cookie);
      joined.set(data.subarray(0, need), this.cookie.length);
      this.cookie = joined;
      data = data.subarray(need);
      if (this.cookie.length < COOKIE_LENGTH) return;
      const check = checkCookie(this.cookie);
      if (!check.ok) {
        this.fail(check.reason);
        return;
      }
      this.ready = true;
      this.sendDescriptions();
      this.handlers.onReady?.(check);
      if (this.dead || data.length === 0) return;
    }
    try {
      this.framer.push(data, (m) => this.dispatch(m, false));
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  /** One datagram; a bad tail is counted and discarded, the good messages before it are kept. */
  receiveUdp(datagram: Uint8Array): void {
    if (this.dead || !this.ready) return;
    this.counters.bytes += datagram.length;
    const { messages, error } = decodeDatagram(datagram);
    for (const m of messages) {
      if (this.dead) return;
      this.dispatch(m, true);
    }
    if (error) this.counters.malformed++;
  }

  /** Sends a message from one of our senders; names not yet registered are registered and described first. */
  send(
    sender: string,
    type: string,
    body: Uint8Array,
    options: { udp?: boolean; ts?: { tsSec: number; tsUsec: number } } = {},
  ): void {
    if (this.dead || !this.ready) return;
    const senderId = this.declare(this.senders, sender, SystemType.SenderDescription);
    const typeId = this.declare(this.types, type, SystemType.TypeDescription);
    const ts = options.ts ?? this.clock();
    if (options.udp && this.io.writeUdp) {
      this.queueUdp({ ...ts, sender: senderId, type: typeId, seq: this.udpSeq++, body });
    } else {
      this.queueTcp({ ...ts, sender: senderId, type: typeId, seq: this.tcpSeq++, body });
    }
  }

  /** Writes out what is queued now rather than at the end of the current task. */
  flush(): void {
    this.flushQueued = false;
    if (this.tcpOut && this.tcpOut.length > 0) {
      const bytes = this.tcpOut.finish();
      this.tcpOut = null;
      if (!this.dead) this.io.writeTcp(bytes);
    }
    this.flushUdp();
  }

  /** The peer's name for one of its sender ids (for diagnostics). */
  remoteSender(id: number): string | undefined {
    return this.remoteSenders.name(id);
  }

  /** Stops all processing (the socket is going away). */
  close(): void {
    this.dead = true;
    this.tcpOut = null;
    this.udpOut = [];
  }

  private declare(names: LocalNames, name: string, system: number): number {
    const { id, added } = names.register(name);
    if (added)
      this.queueTcp({ ...this.clock(), sender: id, type: system, seq: this.tcpSeq++, body: encodeDescription(name) });
    return id;
  }

  private sendDescriptions(): void {
    const udp = this.options.udpDescription;
    if (udp) {
      const body = encodeUdpDescription(udp.address);
      this.queueTcp({ ...this.clock(), sender: udp.port, type: SystemType.UdpDescription, seq: this.tcpSeq++, body });
    }
    for (const [names, system] of [
      [this.senders, SystemType.SenderDescription],
      [this.types, SystemType.TypeDescription],
    ] as const) {
      names.names().forEach((name, id) => {
        this.queueTcp({ ...this.clock(), sender: id, type: system, seq: this.tcpSeq++, body: encodeDescription(name) });
      });
    }
  }

  private dispatch(m: VrpnMessage, udp: boolean): void {
    this.counters.messages++;
    if (m.type < 0) {
      // System messages are TCP only; on UDP they are someone else's bytes.
      if (udp) {
        this.counters.malformed++;
        return;
      }
      this.system(m);
      return;
    }
    const type = this.remoteTypes.name(m.type);
    if (type === undefined) {
      this.counters.undescribed++;
      return;
    }
    this.handlers.onMessage({
      sender: this.remoteSenders.name(m.sender) ?? null,
      type,
      tsSec: m.tsSec,
      tsUsec: m.tsUsec,
      body: m.body,
      udp,
    });
  }

  private system(m: VrpnMessage): void {
    try {
      switch (m.type) {
        case SystemType.SenderDescription:
          this.remoteSenders.describe(m.sender, decodeDescription(m.body));
          break;
        case SystemType.TypeDescription:
          this.remoteTypes.describe(m.sender, decodeDescription(m.body));
          break;
        case SystemType.UdpDescription: {
          const address = decodeUdpDescription(m.body);
          if (m.sender < 1 || m.sender > 65535) throw new DecodeError(`UDP description port ${m.sender}`, 0);
          this.handlers.onUdpDescription?.(address, m.sender);
          break;
        }
        default:
          // LOG_DESCRIPTION (remote logging, which we never ask for), DISCONNECT (log files only), or newer.
          break;
      }
    } catch (error) {
      this.fail(`bad system message ${m.type}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private queueTcp(m: VrpnMessage): void {
    this.tcpOut ??= new ByteWriter(4096, { littleEndian: false });
    writeMessage(this.tcpOut, m);
    this.scheduleFlush();
  }

  private queueUdp(m: VrpnMessage): void {
    const size = wireLength(m.body.length);
    if (this.udpOutBytes + size > MAX_DATAGRAM_BYTES) this.flushUdp();
    const w = new ByteWriter(size, { littleEndian: false });
    writeMessage(w, m);
    this.udpOut.push(w.finish());
    this.udpOutBytes += size;
    this.scheduleFlush();
  }

  private flushUdp(): void {
    if (this.udpOut.length === 0) return;
    const datagram = Buffer.concat(this.udpOut, this.udpOutBytes);
    this.udpOut = [];
    this.udpOutBytes = 0;
    if (!this.dead) this.io.writeUdp?.(datagram);
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      if (this.flushQueued) this.flush();
    });
  }

  private fail(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.handlers.onFatal(reason);
  }
}
