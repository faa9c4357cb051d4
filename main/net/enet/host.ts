/**
 * An ENet 1.3 host on node:dgram: one UDP socket, a table of peers, client and server roles alike
 * (a host both accepts CONNECTs, up to peerLimit, and makes them with `connect()`).
 *
 * Event-driven, with no polling timer: a datagram is decoded and handled the moment it arrives, and
 * everything it caused (acknowledgements, replies the application queued from its event handlers) goes
 * out in one flush right after that turn's poll phase. Timers are armed per peer only for a
 * due retransmit, ping or timeout.
 *
 *   const host = await EnetHost.create({ address: '127.0.0.1', port: 0, peerLimit: 8 });
 *   host.on('connect', (peer) => peer.send(0, bytes, PacketFlag.Reliable));
 *   host.on('receive', (peer, channel, data) => …);
 *   const peer = host.connect('127.0.0.1', port, 8);  // peer.once('connect', …)
 */
import type dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { DecodeError } from '../byte-reader';
import { closeUdpSocket, openUdpSocket } from '../udp';
import { ENET, EnetCommandType, decodeDatagram } from './codec';
import { EnetPeer, type DisconnectReason, type PeerHost } from './peer';

export { EnetPeer, PacketFlag, type PeerStats, type DisconnectReason } from './peer';

export interface EnetHostOptions {
  /** Local address; 127.0.0.1 when omitted. */
  address?: string;
  /** 0 (default): the OS picks. */
  port?: number;
  /** Peers this host can hold at once (incoming and outgoing). Default 32. */
  peerLimit?: number;
  /** Most channels a connecting peer gets. Default 255. */
  channelLimit?: number;
  /** Bytes/s, 0 = unlimited (the default; what Teleport uses). */
  incomingBandwidth?: number;
  outgoingBandwidth?: number;
  /** Default 1400 (ENet 1.3.17). */
  mtu?: number;
  /** ENet's optional CRC-32 on every datagram; both ends must agree. */
  checksum?: boolean;
  /** Largest packet accepted or sent; fragment totals above it are refused before allocation. Default 32 MB. */
  maxPacketSize?: number;
  /** Bytes a peer may hold in unfinished reassemblies. Default 32 MB. */
  maxWaitingData?: number;
  /** The device that reads the socket (a device id): buffer sized and kernel drops reported for it (../udp.ts). */
  owner?: string;
}

export interface EnetHostCounters {
  datagramsIn: number;
  datagramsOut: number;
  /** Datagrams that failed to decode (truncated, unknown command, bad checksum…). */
  malformed: number;
  /** Datagrams for an unknown or closed peer, from the wrong address, or with the wrong session bits. */
  wrongPeer: number;
  /** CONNECTs refused: no free slot, bad channel count. */
  refusedConnects: number;
}

export interface EnetHostEvents {
  connect: [peer: EnetPeer, data: number];
  /** flags: PacketFlag.Reliable, PacketFlag.Unsequenced or 0 (unreliable). */
  receive: [peer: EnetPeer, channel: number, data: Uint8Array, flags: number];
  disconnect: [peer: EnetPeer, data: number, reason: DisconnectReason];
  /** A datagram was dropped; the reason is stable text for logs. */
  drop: [reason: string];
}

export const DEFAULT_MAX_PACKET_SIZE = 32 * 1024 * 1024;

export class EnetHost extends EventEmitter<EnetHostEvents> {
  readonly checksum: boolean;
  readonly incomingBandwidth: number;
  readonly outgoingBandwidth: number;
  readonly maxPacketSize: number;
  readonly maxWaitingData: number;
  readonly counters: EnetHostCounters = {
    datagramsIn: 0,
    datagramsOut: 0,
    malformed: 0,
    wrongPeer: 0,
    refusedConnects: 0,
  };
  private readonly socket: dgram.Socket;
  private readonly peers: (EnetPeer | null)[];
  /** Session numbers each slot used last, so a reconnect on the same slot gets new ones. */
  private readonly sessions: { incoming: number; outgoing: number }[];
  private readonly channelLimit: number;
  private readonly mtu: number;
  private readonly dirty = new Set<EnetPeer>();
  private flushScheduled = false;
  private closed = false;
  private readonly peerHost: PeerHost;

  static async create(options: EnetHostOptions = {}): Promise<EnetHost> {
    const socket = await openUdpSocket({
      address: options.address ?? '127.0.0.1',
      port: options.port ?? 0,
      owner: options.owner,
    });
    return new EnetHost(socket, options);
  }

  private constructor(socket: dgram.Socket, options: EnetHostOptions) {
    super();
    this.socket = socket;
    this.checksum = options.checksum ?? false;
    this.incomingBandwidth = options.incomingBandwidth ?? 0;
    this.outgoingBandwidth = options.outgoingBandwidth ?? 0;
    this.maxPacketSize = options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
    this.maxWaitingData = options.maxWaitingData ?? DEFAULT_MAX_PACKET_SIZE;
    this.channelLimit = Math.min(Math.max(options.channelLimit ?? ENET.maxChannelCount, 1), ENET.maxChannelCount);
    this.mtu = Math.min(Math.max(options.mtu ?? ENET.defaultMtu, ENET.minMtu), ENET.maxMtu);
    const peerLimit = Math.min(Math.max(options.peerLimit ?? 32, 1), ENET.maxPeerId);
    this.peers = new Array<EnetPeer | null>(peerLimit).fill(null);
    this.sessions = Array.from({ length: peerLimit }, () => ({ incoming: 0xff, outgoing: 0xff }));
    const start = performance.now();
    // ENet's clock: whole milliseconds; starting at 1 s keeps every time stamp positive.
    const now = () => Math.floor(performance.now() - start) + 1000;
    this.peerHost = {
      now,
      send: (peer, datagram) => this.sendTo(peer, datagram),
      scheduleFlush: (peer) => this.scheduleFlush(peer),
      checksum: this.checksum,
      incomingBandwidth: this.incomingBandwidth,
      outgoingBandwidth: this.outgoingBandwidth,
      maxPacketSize: this.maxPacketSize,
      maxWaitingData: this.maxWaitingData,
      onConnect: (peer, data) => this.emit('connect', peer, data),
      onReceive: (peer, channel, data, flags) => this.emit('receive', peer, channel, data, flags),
      onDisconnect: (peer, data, reason) => this.emit('disconnect', peer, data, reason),
      release: (peer) => this.release(peer),
    };
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address, rinfo.port));
    // A send error (e.g. ICMP unreachable surfaced by the OS) is not a reason to stop: ENet times out.
    socket.on('error', () => {});
  }

  /** Where the host listens. */
  address(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /** Starts connecting; the peer raises 'connect' (or 'disconnect' with reason timeout/refused). */
  connect(address: string, port: number, channelCount: number, data = 0): EnetPeer {
    if (this.closed) throw new Error('ENet host is closed');
    const slot = this.peers.indexOf(null);
    if (slot < 0) throw new Error(`ENet host has no free peer slot (limit ${this.peers.length})`);
    const channels = Math.min(Math.max(channelCount, ENET.minChannelCount), ENET.maxChannelCount);
    const peer = new EnetPeer(this.peerHost, slot, address, port, this.mtu, 'connecting', this.sessions[slot]!);
    this.peers[slot] = peer;
    peer.startConnect(channels, (Math.random() * 0x100000000) >>> 0, data >>> 0);
    return peer;
  }

  /** Peers currently held (any state but disconnected). */
  connectedPeers(): EnetPeer[] {
    return this.peers.filter((p): p is EnetPeer => p !== null && p.connected);
  }

  /** Sends everything queued now rather than after this turn's poll phase. */
  flush(): void {
    this.flushScheduled = false;
    const peers = [...this.dirty];
    this.dirty.clear();
    for (const p of peers) p.flush();
  }

  /** Drops every peer without telling them (use peer.disconnect first for a clean goodbye) and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    for (const p of this.peers) p?.reset();
    this.closed = true;
    await closeUdpSocket(this.socket);
  }

  private scheduleFlush(peer: EnetPeer): void {
    this.dirty.add(peer);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Right after the poll phase: every datagram libuv read in this turn is handled first, so their
    // acknowledgements (and the replies queued from event handlers) share datagrams.
    setImmediate(() => this.flush());
  }

  private sendTo(peer: EnetPeer, datagram: Uint8Array): void {
    if (this.closed) return;
    this.counters.datagramsOut++;
    try {
      this.socket.send(datagram, peer.port, peer.address);
    } catch {
      // The socket is closing; nothing to do about one datagram.
    }
  }

  private release(peer: EnetPeer): void {
    const slot = peer.incomingPeerId;
    if (this.peers[slot] === peer) {
      this.peers[slot] = null;
      this.sessions[slot] = { incoming: peer.incomingSessionId, outgoing: peer.outgoingSessionId };
    }
    this.dirty.delete(peer);
  }

  private drop(reason: string, counter: 'malformed' | 'wrongPeer' | 'refusedConnects'): void {
    this.counters[counter]++;
    if (this.listenerCount('drop') > 0) this.emit('drop', reason);
  }

  private onMessage(msg: Buffer, address: string, port: number): void {
    if (this.closed) return;
    this.counters.datagramsIn++;
    try {
      const datagram = decodeDatagram(msg, {
        checksum: this.checksum,
        checksumSeed: (peerId) => {
          const p = peerId < this.peers.length ? this.peers[peerId] : null;
          return p ? p.connectId : 0;
        },
        maxDataLength: this.maxPacketSize,
      });
      if (datagram.peerId === ENET.noPeerId) {
        this.onConnectDatagram(datagram, address, port);
        return;
      }
      const peer = datagram.peerId < this.peers.length ? this.peers[datagram.peerId] : null;
      if (!peer || peer.address !== address || peer.port !== port) {
        this.drop(`datagram for unknown peer ${datagram.peerId}`, 'wrongPeer');
        return;
      }
      if (peer.outgoingPeerId < ENET.maxPeerId && datagram.sessionId !== peer.incomingSessionId) {
        this.drop(`wrong session ${datagram.sessionId} for peer ${datagram.peerId}`, 'wrongPeer');
        return;
      }
      // Still connecting on a slot used before: the listener answers with a session different from
      // the slot's last one, so a datagram with the old session is a leftover of the previous
      // connection (e.g. a retransmitted DISCONNECT whose ack was lost), not an answer.
      if (
        peer.outgoingPeerId >= ENET.maxPeerId &&
        peer.incomingSessionId !== 0xff &&
        datagram.sessionId === peer.incomingSessionId
      ) {
        this.drop(`leftover of the previous connection on peer ${datagram.peerId}`, 'wrongPeer');
        return;
      }
      peer.receive(datagram, msg.length);
    } catch (error) {
      // Bad bytes from the network are counted, never thrown out of the socket handler.
      this.drop(
        error instanceof DecodeError ? error.message : `datagram handling failed: ${String(error)}`,
        'malformed',
      );
    }
  }

  private onConnectDatagram(datagram: ReturnType<typeof decodeDatagram>, address: string, port: number): void {
    const command = datagram.commands[0];
    if (!command || command.type !== EnetCommandType.Connect || datagram.commands.length !== 1) {
      this.drop('datagram without a peer id that is not a lone CONNECT', 'wrongPeer');
      return;
    }
    if (command.channelCount < ENET.minChannelCount || command.channelCount > ENET.maxChannelCount) {
      this.drop(`CONNECT with ${command.channelCount} channels`, 'refusedConnects');
      return;
    }
    for (const p of this.peers) {
      // A retransmitted CONNECT for a connection already under way.
      if (p && p.address === address && p.port === port && p.connectId === command.connectId) return;
    }
    const slot = this.peers.indexOf(null);
    if (slot < 0) {
      this.drop('CONNECT refused: no free peer slot', 'refusedConnects');
      return;
    }
    const peer = new EnetPeer(
      this.peerHost,
      slot,
      address,
      port,
      this.mtu,
      'acknowledging-connect',
      this.sessions[slot]!,
    );
    this.peers[slot] = peer;
    peer.acceptConnect(command, this.channelLimit);
    peer.receive({ ...datagram, commands: [] }, 0);
  }
}
