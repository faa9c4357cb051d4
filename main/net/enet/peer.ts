/**
 * One ENet connection: the per-peer protocol of ENet 1.3 (protocol notes, docs/protocols/teleport-enet.md §B4).
 * Outgoing queues, acknowledgements, RTT and retransmission timeouts, pings, the packet throttle,
 * incoming channels, and the connect / disconnect state machine. The host (host.ts) owns the socket,
 * routes datagrams here and asks the peer to flush; the peer arms its own timer only when something
 * is due (a retransmit, a ping, a timeout), so an idle link costs nothing between pings.
 */
import { EventEmitter } from 'node:events';
import {
  COMMAND_SIZES,
  ENET,
  EnetCommandType,
  finishHeader,
  writeCommand,
  type ConnectCommand,
  type EnetCommand,
  type EnetDatagram,
  type VerifyConnectCommand,
} from './codec';
import { IncomingChannel, RELIABLE_WINDOW_SIZE, shouldAcknowledge, type Refusal } from './incoming';

/** ENet's packet flags (enet.h), for `peer.send`. */
export const PacketFlag = {
  Reliable: 1,
  Unsequenced: 2,
  /** A large unreliable packet is fragmented unreliably instead of being sent reliably. */
  UnreliableFragment: 8,
} as const;

export type PeerState =
  | 'connecting'
  | 'acknowledging-connect'
  | 'connected'
  | 'disconnect-later'
  | 'disconnecting'
  | 'acknowledging-disconnect'
  | 'disconnected';

export type DisconnectReason = 'remote' | 'timeout' | 'local' | 'refused';

export interface ChannelStats {
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
}

/** What the UI shows for a link. Times in ms. */
export interface PeerStats {
  state: PeerState;
  roundTripTimeMs: number;
  roundTripTimeVarianceMs: number;
  /** Smoothed fraction of reliable commands that had to be sent again (0..1). */
  packetLoss: number;
  reliableSent: number;
  retransmits: number;
  datagramsIn: number;
  datagramsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** ms since the last datagram from the peer (null before any). */
  sinceLastReceiveMs: number | null;
  mtu: number;
  windowSize: number;
  packetThrottle: number;
  channels: ChannelStats[];
  /** Commands refused: malformed, over the size cap, or over the waiting-data cap. */
  refused: number;
}

export interface PeerEvents {
  connect: [data: number];
  /** flags: PacketFlag.Reliable, PacketFlag.Unsequenced or 0 (unreliable), as the sender sent it. */
  receive: [channel: number, data: Uint8Array, flags: number];
  disconnect: [data: number, reason: DisconnectReason];
}

/** What the peer needs from its host. */
export interface PeerHost {
  now(): number;
  send(peer: EnetPeer, datagram: Uint8Array): void;
  scheduleFlush(peer: EnetPeer): void;
  readonly checksum: boolean;
  readonly incomingBandwidth: number;
  readonly outgoingBandwidth: number;
  readonly maxPacketSize: number;
  readonly maxWaitingData: number;
  /** The host's events, raised alongside the peer's own. */
  onConnect(peer: EnetPeer, data: number): void;
  onReceive(peer: EnetPeer, channel: number, data: Uint8Array, flags: number): void;
  onDisconnect(peer: EnetPeer, data: number, reason: DisconnectReason): void;
  /** The peer is gone (with or without an event): its slot and session numbers go back to the host. */
  release(peer: EnetPeer): void;
}

export interface PeerTimeouts {
  /** Retransmit backoff factor after which timeoutMinimumMs applies (ENet: 32). */
  limit: number;
  minimumMs: number;
  maximumMs: number;
}

interface Outgoing {
  command: EnetCommand;
  size: number;
  reliable: boolean;
  payloadLength: number;
  sentTime: number;
  roundTripTimeout: number;
  roundTripTimeoutLimit: number;
  sendAttempts: number;
}

const DEFAULT_ROUND_TRIP_TIME = 500;
const PACKET_THROTTLE_SCALE = 32;
const PACKET_THROTTLE_COUNTER = 7;
const DEFAULT_PACKET_THROTTLE = 32;
const PACKET_THROTTLE_INTERVAL = 5000;
const PACKET_THROTTLE_ACCELERATION = 2;
const PACKET_THROTTLE_DECELERATION = 2;
const PING_INTERVAL = 500;
const UNSEQUENCED_WINDOW_SIZE = 1024;
const FREE_UNSEQUENCED_WINDOWS = 32;
const LOSS_INTERVAL = 2000;
/** A reliable command is held back while its channel has this many sequence numbers unacknowledged. */
const MAX_RELIABLE_SPAN = 5 * RELIABLE_WINDOW_SIZE;

function key(channelId: number, sequence: number): number {
  return channelId * 0x10000 + sequence;
}

interface Delivery {
  channel: number;
  data: Uint8Array;
  flags: number;
}

interface OutgoingChannel {
  reliableSequenceNumber: number;
  unreliableSequenceNumber: number;
}

export class EnetPeer extends EventEmitter<PeerEvents> {
  state: PeerState;
  /** The peer's address as datagrams come from it. */
  readonly address: string;
  readonly port: number;
  /** Our index for this peer (goes in the peer's headers to us). */
  readonly incomingPeerId: number;
  /** The peer's index for us (goes in our headers), 0xFFF until known. */
  outgoingPeerId: number = ENET.noPeerId;
  incomingSessionId = 0xff;
  outgoingSessionId = 0xff;
  connectId = 0;
  channelCount = 0;
  mtu: number;
  windowSize: number = ENET.maxWindowSize;
  incomingBandwidth = 0;
  outgoingBandwidth = 0;
  timeouts: PeerTimeouts = { limit: 32, minimumMs: 5000, maximumMs: 30000 };
  pingIntervalMs = PING_INTERVAL;
  /** Opaque value from CONNECT / DISCONNECT. */
  eventData = 0;

  private readonly host: PeerHost;
  private incoming: IncomingChannel[] = [];
  private outgoingChannels: OutgoingChannel[] = [];
  private outgoingReliableSequenceNumber = 0;
  private outgoingUnsequencedGroup = 0;
  private incomingUnsequencedGroup = 0;
  private readonly unsequencedWindow = new Uint32Array(UNSEQUENCED_WINDOW_SIZE / 32);
  /** Everything not yet on the wire, in the order it was queued (ENet 1.3.16+: one queue). */
  private outgoing: Outgoing[] = [];
  private readonly sent = new Map<number, Outgoing>();
  /** Per channel (index 255 = connection-level): oldest unacknowledged sequence numbers. */
  private readonly inFlightPerChannel = new Map<number, number>();
  private acks: { channelId: number; sequence: number; sentTime: number }[] = [];
  private reliableDataInTransit = 0;
  private waitingData = 0;
  private roundTripTime = DEFAULT_ROUND_TRIP_TIME;
  private roundTripTimeVariance = 0;
  private hasRoundTripSample = false;
  private lastRoundTripTime = DEFAULT_ROUND_TRIP_TIME;
  private lastRoundTripTimeVariance = 0;
  private lowestRoundTripTime = DEFAULT_ROUND_TRIP_TIME;
  private highestRoundTripTimeVariance = 0;
  private packetThrottle = DEFAULT_PACKET_THROTTLE;
  private packetThrottleLimit = PACKET_THROTTLE_SCALE;
  private packetThrottleCounter = 0;
  private packetThrottleEpoch = 0;
  packetThrottleInterval = PACKET_THROTTLE_INTERVAL;
  packetThrottleAcceleration = PACKET_THROTTLE_ACCELERATION;
  packetThrottleDeceleration = PACKET_THROTTLE_DECELERATION;
  private earliestTimeout = 0;
  private lastReceiveTime = -1;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  /** Ack of a DISCONNECT sent: the peer goes away once it is on the wire. */
  private zombieAfterFlush = false;
  private readonly stats = {
    reliableSent: 0,
    retransmits: 0,
    datagramsIn: 0,
    datagramsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    refused: 0,
    lossWindowStart: 0,
    lossSentAtStart: 0,
    lossLostAtStart: 0,
    packetLoss: 0,
  };
  private channelStats: ChannelStats[] = [];

  constructor(
    host: PeerHost,
    incomingPeerId: number,
    address: string,
    port: number,
    mtu: number,
    state: PeerState,
    sessions: { incoming: number; outgoing: number },
  ) {
    super();
    this.incomingSessionId = sessions.incoming;
    this.outgoingSessionId = sessions.outgoing;
    this.host = host;
    this.incomingPeerId = incomingPeerId;
    this.address = address;
    this.port = port;
    this.mtu = mtu;
    this.state = state;
  }

  get connected(): boolean {
    return this.state === 'connected' || this.state === 'disconnect-later';
  }

  /** Queues a packet. Returns false (and sends nothing) when the peer is not connected or the data is too big. */
  send(channelId: number, data: Uint8Array, flags: number = PacketFlag.Reliable): boolean {
    if (this.state !== 'connected' || channelId >= this.channelCount) return false;
    if (data.length > this.host.maxPacketSize) return false;
    const channel = this.outgoingChannels[channelId]!;
    const fragmentLength = this.mtu - 4 - COMMAND_SIZES[EnetCommandType.SendFragment]! - (this.host.checksum ? 4 : 0);
    const stats = this.channelStats[channelId]!;
    stats.packetsOut++;
    stats.bytesOut += data.length;
    if (data.length > fragmentLength) {
      const count = Math.ceil(data.length / fragmentLength);
      if (count > ENET.maxFragmentCount) return false;
      const copy = data.slice();
      const unreliable =
        (flags & (PacketFlag.Reliable | PacketFlag.UnreliableFragment)) === PacketFlag.UnreliableFragment &&
        channel.unreliableSequenceNumber < 0xffff;
      // Unreliable fragments share one unreliable sequence number; reliable ones take one each.
      const start = unreliable
        ? (channel.unreliableSequenceNumber = (channel.unreliableSequenceNumber + 1) & 0xffff)
        : (channel.reliableSequenceNumber + 1) & 0xffff;
      for (let i = 0, offset = 0; i < count; i++, offset += fragmentLength) {
        if (!unreliable) {
          channel.reliableSequenceNumber = (channel.reliableSequenceNumber + 1) & 0xffff;
          channel.unreliableSequenceNumber = 0;
        }
        this.queue(
          {
            type: unreliable ? EnetCommandType.SendUnreliableFragment : EnetCommandType.SendFragment,
            acknowledge: !unreliable,
            unsequenced: false,
            channelId,
            reliableSequenceNumber: channel.reliableSequenceNumber,
            startSequenceNumber: start,
            fragmentCount: count,
            fragmentNumber: i,
            totalLength: copy.length,
            fragmentOffset: offset,
            data: copy.subarray(offset, Math.min(copy.length, offset + fragmentLength)),
          },
          !unreliable,
        );
      }
      return true;
    }
    if (
      flags & PacketFlag.Reliable ||
      (!(flags & PacketFlag.Unsequenced) && channel.unreliableSequenceNumber >= 0xffff)
    ) {
      channel.reliableSequenceNumber = (channel.reliableSequenceNumber + 1) & 0xffff;
      channel.unreliableSequenceNumber = 0;
      this.queue(
        {
          type: EnetCommandType.SendReliable,
          acknowledge: true,
          unsequenced: false,
          channelId,
          reliableSequenceNumber: channel.reliableSequenceNumber,
          data,
        },
        true,
      );
    } else if (flags & PacketFlag.Unsequenced) {
      this.outgoingUnsequencedGroup = (this.outgoingUnsequencedGroup + 1) & 0xffff;
      this.queue(
        {
          type: EnetCommandType.SendUnsequenced,
          acknowledge: false,
          unsequenced: true,
          channelId,
          reliableSequenceNumber: 0,
          unsequencedGroup: this.outgoingUnsequencedGroup,
          data,
        },
        false,
      );
    } else {
      channel.unreliableSequenceNumber++;
      this.queue(
        {
          type: EnetCommandType.SendUnreliable,
          acknowledge: false,
          unsequenced: false,
          channelId,
          reliableSequenceNumber: channel.reliableSequenceNumber,
          unreliableSequenceNumber: channel.unreliableSequenceNumber,
          data,
        },
        false,
      );
    }
    return true;
  }

  /** Graceful: queued data is dropped, a reliable DISCONNECT goes out, 'disconnect' follows its ack. */
  disconnect(data = 0): void {
    if (this.state === 'disconnecting' || this.state === 'disconnected' || this.state === 'acknowledging-disconnect') {
      return;
    }
    this.resetQueues();
    if (this.connected) {
      this.queueConnectionCommand({ type: EnetCommandType.Disconnect, data }, true);
      this.state = 'disconnecting';
      this.eventData = data;
    } else {
      this.queueConnectionCommand({ type: EnetCommandType.Disconnect, data }, false);
      this.flush();
      this.finish(data, 'local', false);
    }
  }

  /** Disconnects once everything queued has been sent and acknowledged. */
  disconnectLater(data = 0): void {
    if (this.connected && (this.outgoing.length > 0 || this.sent.size > 0)) {
      this.state = 'disconnect-later';
      this.eventData = data;
    } else this.disconnect(data);
  }

  /** Forced: an unsequenced DISCONNECT goes out at once and the peer is gone (no event). */
  disconnectNow(data = 0): void {
    if (this.state === 'disconnected') return;
    if (this.state !== 'connecting') {
      this.resetQueues();
      this.queueConnectionCommand({ type: EnetCommandType.Disconnect, data }, false);
      this.flush();
    }
    this.finish(data, 'local', false);
  }

  /** Silent: forgets the peer without telling it (ENet's enet_peer_reset; the other side times out). */
  reset(): void {
    this.finish(0, 'local', false);
  }

  /** ENet's enet_peer_timeout. Zero keeps the current value. */
  setTimeouts(limit: number, minimumMs: number, maximumMs: number): void {
    if (limit) this.timeouts.limit = limit;
    if (minimumMs) this.timeouts.minimumMs = minimumMs;
    if (maximumMs) this.timeouts.maximumMs = maximumMs;
  }

  getStats(): PeerStats {
    return {
      state: this.state,
      roundTripTimeMs: this.roundTripTime,
      roundTripTimeVarianceMs: this.roundTripTimeVariance,
      packetLoss: this.stats.packetLoss,
      reliableSent: this.stats.reliableSent,
      retransmits: this.stats.retransmits,
      datagramsIn: this.stats.datagramsIn,
      datagramsOut: this.stats.datagramsOut,
      bytesIn: this.stats.bytesIn,
      bytesOut: this.stats.bytesOut,
      sinceLastReceiveMs: this.lastReceiveTime < 0 ? null : this.host.now() - this.lastReceiveTime,
      mtu: this.mtu,
      windowSize: this.windowSize,
      packetThrottle: this.packetThrottle,
      channels: this.channelStats.map((c) => ({ ...c })),
      refused: this.stats.refused,
    };
  }

  // ---- used by the host -------------------------------------------------------------------------

  /** Connector side: the CONNECT to queue. */
  startConnect(channelCount: number, connectId: number, data: number): void {
    this.setupChannels(channelCount);
    this.connectId = connectId;
    this.windowSize = windowFromBandwidth(this.host.outgoingBandwidth);
    this.queueConnectionCommand(
      {
        type: EnetCommandType.Connect,
        outgoingPeerId: this.incomingPeerId,
        incomingSessionId: this.incomingSessionId,
        outgoingSessionId: this.outgoingSessionId,
        mtu: this.mtu,
        windowSize: this.windowSize,
        channelCount,
        incomingBandwidth: this.host.incomingBandwidth,
        outgoingBandwidth: this.host.outgoingBandwidth,
        packetThrottleInterval: this.packetThrottleInterval,
        packetThrottleAcceleration: this.packetThrottleAcceleration,
        packetThrottleDeceleration: this.packetThrottleDeceleration,
        connectId,
        data,
      },
      true,
    );
  }

  /** Listener side: a CONNECT arrived for this fresh peer; answers VERIFY_CONNECT. */
  acceptConnect(command: ConnectCommand, channelLimit: number): void {
    const channelCount = Math.min(command.channelCount, channelLimit);
    this.setupChannels(channelCount);
    this.connectId = command.connectId;
    this.outgoingPeerId = command.outgoingPeerId;
    this.incomingBandwidth = command.incomingBandwidth;
    this.outgoingBandwidth = command.outgoingBandwidth;
    this.packetThrottleInterval = command.packetThrottleInterval;
    this.packetThrottleAcceleration = command.packetThrottleAcceleration;
    this.packetThrottleDeceleration = command.packetThrottleDeceleration;
    this.eventData = command.data;
    // Fresh session numbers, each different from the one this slot used last (ENet's rule), so a
    // datagram from a previous connection on the same slot is recognised and ignored.
    let incomingSession = command.incomingSessionId === 0xff ? this.outgoingSessionId : command.incomingSessionId;
    incomingSession = (incomingSession + 1) & 3;
    if (incomingSession === this.outgoingSessionId) incomingSession = (incomingSession + 1) & 3;
    this.outgoingSessionId = incomingSession;
    let outgoingSession = command.outgoingSessionId === 0xff ? this.incomingSessionId : command.outgoingSessionId;
    outgoingSession = (outgoingSession + 1) & 3;
    if (outgoingSession === this.incomingSessionId) outgoingSession = (outgoingSession + 1) & 3;
    this.incomingSessionId = outgoingSession;
    this.mtu = Math.min(this.mtu, clamp(command.mtu, ENET.minMtu, ENET.maxMtu));
    this.windowSize = clamp(
      peerWindow(this.host.outgoingBandwidth, this.incomingBandwidth),
      ENET.minWindowSize,
      ENET.maxWindowSize,
    );
    const offered = clamp(
      Math.min(windowFromBandwidth(this.host.incomingBandwidth), command.windowSize),
      ENET.minWindowSize,
      ENET.maxWindowSize,
    );
    this.state = 'acknowledging-connect';
    this.queueConnectionCommand(
      {
        type: EnetCommandType.VerifyConnect,
        outgoingPeerId: this.incomingPeerId,
        incomingSessionId: incomingSession,
        outgoingSessionId: outgoingSession,
        mtu: this.mtu,
        windowSize: offered,
        channelCount,
        incomingBandwidth: this.host.incomingBandwidth,
        outgoingBandwidth: this.host.outgoingBandwidth,
        packetThrottleInterval: this.packetThrottleInterval,
        packetThrottleAcceleration: this.packetThrottleAcceleration,
        packetThrottleDeceleration: this.packetThrottleDeceleration,
        connectId: this.connectId,
      },
      true,
    );
  }

  /** Handles every command of a datagram already routed to this peer. */
  receive(datagram: EnetDatagram, byteLength: number): void {
    const now = this.host.now();
    this.lastReceiveTime = now;
    this.stats.datagramsIn++;
    this.stats.bytesIn += byteLength;
    const deliveries: Delivery[] = [];
    for (const command of datagram.commands) {
      if (this.state === 'disconnected') return;
      const ok = this.handle(command, now, deliveries);
      if (ok === 'error') {
        this.stats.refused++;
        break;
      }
      if (command.acknowledge && ok !== 'no-ack') {
        if (datagram.sentTime === undefined) break;
        this.queueAck(command, datagram.sentTime);
      }
    }
    this.host.scheduleFlush(this);
    for (const d of deliveries) {
      if (this.state !== 'connected' && this.state !== 'disconnect-later' && this.state !== 'disconnecting') break;
      const stats = this.channelStats[d.channel];
      if (stats) {
        stats.packetsIn++;
        stats.bytesIn += d.data.length;
      }
      this.host.onReceive(this, d.channel, d.data, d.flags);
      this.emit('receive', d.channel, d.data, d.flags);
    }
    this.armPing(now);
  }

  /** Builds and sends datagrams until nothing more may go now. */
  flush(): void {
    if (this.state === 'disconnected') return;
    const now = this.host.now();
    const head = 4 + (this.host.checksum ? 4 : 0);
    const mtu = this.mtu;
    for (;;) {
      const picked: EnetCommand[] = [];
      let size = head;
      let needsSentTime = false;
      while (this.acks.length > 0 && picked.length < ENET.maxCommandsPerDatagram && size + 8 <= mtu) {
        const ack = this.acks.shift()!;
        picked.push({
          type: EnetCommandType.Acknowledge,
          acknowledge: false,
          unsequenced: false,
          channelId: ack.channelId,
          reliableSequenceNumber: ack.sequence,
          receivedReliableSequenceNumber: ack.sequence,
          receivedSentTime: ack.sentTime,
        });
        size += 8;
      }
      const windowBytes = Math.max(Math.floor((this.packetThrottle * this.windowSize) / PACKET_THROTTLE_SCALE), mtu);
      // In queue order; a reliable command the window holds back stays queued while later unreliable
      // ones go (as in ENet), so unreliable data never overtakes the reliable data queued after it.
      const queue = this.outgoing;
      const rest: Outgoing[] = [];
      let windowExceeded = false;
      let droppedGroup: EnetCommand | null = null;
      let i = 0;
      for (; i < queue.length; i++) {
        const out = queue[i]!;
        if (out.reliable) {
          if (
            !windowExceeded &&
            out.payloadLength > 0 &&
            this.reliableDataInTransit + out.payloadLength > windowBytes
          ) {
            windowExceeded = true;
          }
          if ((windowExceeded && out.payloadLength > 0) || (out.sendAttempts === 0 && !this.spanAllows(out.command))) {
            rest.push(out);
            continue;
          }
        } else if (droppedGroup !== null && sameFragmentGroup(droppedGroup, out.command)) {
          continue;
        }
        if (picked.length >= ENET.maxCommandsPerDatagram || size + out.size > mtu) break;
        if (!out.reliable) {
          if (this.throttleDrops(out)) {
            droppedGroup = out.command;
            continue;
          }
          picked.push(out.command);
          size += out.size;
          continue;
        }
        picked.push(out.command);
        size += out.size;
        needsSentTime = true;
        out.sentTime = now;
        out.sendAttempts++;
        if (out.roundTripTimeout === 0) {
          out.roundTripTimeout = this.roundTripTime + 4 * this.roundTripTimeVariance;
          out.roundTripTimeoutLimit = this.timeouts.limit * out.roundTripTimeout;
        }
        if (out.sendAttempts === 1 && !this.inFlightPerChannel.has(out.command.channelId)) {
          this.inFlightPerChannel.set(out.command.channelId, out.command.reliableSequenceNumber);
        }
        this.sent.set(key(out.command.channelId, out.command.reliableSequenceNumber), out);
        this.reliableDataInTransit += out.payloadLength;
        this.stats.reliableSent++;
        this.armTimer(now + out.roundTripTimeout);
      }
      if (rest.length === 0 && i === queue.length) this.outgoing = [];
      else if (rest.length === 0) this.outgoing = i === 0 ? queue : queue.slice(i);
      else {
        for (; i < queue.length; i++) rest.push(queue[i]!);
        this.outgoing = rest;
      }
      if (picked.length === 0) break;
      this.sendDatagram(picked, size, needsSentTime, now);
    }
    if (this.zombieAfterFlush) {
      this.zombieAfterFlush = false;
      this.finish(this.eventData, 'remote', true);
    }
  }

  // ---- incoming commands ------------------------------------------------------------------------

  private handle(command: EnetCommand, now: number, deliveries: Delivery[]): 'ok' | 'no-ack' | 'error' {
    switch (command.type) {
      case EnetCommandType.Acknowledge:
        return this.handleAcknowledge(
          command.channelId,
          command.receivedReliableSequenceNumber,
          command.receivedSentTime,
          now,
        );
      case EnetCommandType.Connect:
        return 'error';
      case EnetCommandType.VerifyConnect:
        return this.handleVerifyConnect(command);
      case EnetCommandType.Disconnect:
        return this.handleDisconnect(command.data, command.acknowledge);
      case EnetCommandType.Ping:
        return 'ok';
      case EnetCommandType.BandwidthLimit:
        if (!this.connected) return 'error';
        this.incomingBandwidth = command.incomingBandwidth;
        this.outgoingBandwidth = command.outgoingBandwidth;
        this.windowSize = clamp(
          peerWindow(this.host.outgoingBandwidth, this.incomingBandwidth),
          ENET.minWindowSize,
          ENET.maxWindowSize,
        );
        return 'ok';
      case EnetCommandType.ThrottleConfigure:
        if (!this.connected) return 'error';
        this.packetThrottleInterval = command.packetThrottleInterval;
        this.packetThrottleAcceleration = command.packetThrottleAcceleration;
        this.packetThrottleDeceleration = command.packetThrottleDeceleration;
        return 'ok';
      default:
        return this.handleData(command, deliveries);
    }
  }

  private handleData(command: EnetCommand, deliveries: Delivery[]): 'ok' | 'no-ack' | 'error' {
    if (!this.connected || command.channelId >= this.channelCount) return 'error';
    const channel = this.incoming[command.channelId]!;
    if (command.acknowledge && !shouldAcknowledge(command.reliableSequenceNumber, channel.reliableSequenceNumber)) {
      return 'no-ack';
    }
    const reliableOut: Uint8Array[] = [];
    const unreliableOut: Uint8Array[] = [];
    let refusal: Refusal | null = null;
    switch (command.type) {
      case EnetCommandType.SendReliable:
        refusal = channel.reliable(command.reliableSequenceNumber, command.data, reliableOut, unreliableOut);
        break;
      case EnetCommandType.SendFragment:
        refusal = channel.fragment(command, reliableOut, unreliableOut);
        break;
      case EnetCommandType.SendUnreliable:
        refusal = channel.unreliable(
          command.reliableSequenceNumber,
          command.unreliableSequenceNumber,
          command.data,
          unreliableOut,
        );
        break;
      case EnetCommandType.SendUnreliableFragment:
        refusal = channel.unreliableFragment(command.reliableSequenceNumber, command, unreliableOut);
        break;
      case EnetCommandType.SendUnsequenced:
        if (this.acceptUnsequenced(command.unsequencedGroup)) {
          deliveries.push({ channel: command.channelId, data: command.data, flags: PacketFlag.Unsequenced });
        }
        return 'ok';
      default:
        return 'error';
    }
    for (const data of reliableOut) deliveries.push({ channel: command.channelId, data, flags: PacketFlag.Reliable });
    for (const data of unreliableOut) deliveries.push({ channel: command.channelId, data, flags: 0 });
    if (refusal === 'malformed' || refusal === 'over-cap') return 'error';
    return 'ok';
  }

  private acceptUnsequenced(groupIn: number): boolean {
    const index = groupIn % UNSEQUENCED_WINDOW_SIZE;
    let group = groupIn;
    if (group < this.incomingUnsequencedGroup) group += 0x10000;
    if (group >= this.incomingUnsequencedGroup + FREE_UNSEQUENCED_WINDOWS * UNSEQUENCED_WINDOW_SIZE) return false;
    group &= 0xffff;
    if (group - index !== this.incomingUnsequencedGroup) {
      this.incomingUnsequencedGroup = group - index;
      this.unsequencedWindow.fill(0);
    } else if (this.unsequencedWindow[index >>> 5]! & (1 << (index & 31))) return false;
    this.unsequencedWindow[index >>> 5]! |= 1 << (index & 31);
    return true;
  }

  private handleAcknowledge(channelId: number, sequence: number, sentTime16: number, now: number): 'ok' | 'error' {
    if (this.state === 'disconnected') return 'ok';
    let sentTime = (now & ~0xffff) | sentTime16;
    if ((sentTime & 0x8000) > (now & 0x8000)) sentTime -= 0x10000;
    if (now < sentTime) return 'ok';
    const rtt = Math.max(now - sentTime, 1);
    this.updateRoundTrip(rtt, now);
    this.earliestTimeout = 0;
    const removed = this.removeSent(channelId, sequence);
    switch (this.state) {
      case 'acknowledging-connect':
        if (removed !== EnetCommandType.VerifyConnect) return 'error';
        this.state = 'connected';
        this.host.onConnect(this, this.eventData);
        this.emit('connect', this.eventData);
        break;
      case 'disconnecting':
        if (removed !== EnetCommandType.Disconnect) return 'error';
        this.finish(this.eventData, 'local', true);
        break;
      case 'disconnect-later':
        if (this.outgoing.length === 0 && this.sent.size === 0) {
          this.disconnect(this.eventData);
        }
        break;
      default:
        break;
    }
    return 'ok';
  }

  private handleVerifyConnect(command: VerifyConnectCommand): 'ok' | 'no-ack' | 'error' {
    if (this.state !== 'connecting') return 'ok';
    if (
      command.channelCount < ENET.minChannelCount ||
      command.channelCount > ENET.maxChannelCount ||
      command.packetThrottleInterval !== this.packetThrottleInterval ||
      command.packetThrottleAcceleration !== this.packetThrottleAcceleration ||
      command.packetThrottleDeceleration !== this.packetThrottleDeceleration ||
      command.connectId !== this.connectId
    ) {
      this.finish(0, 'refused', true);
      return 'error';
    }
    this.removeSent(ENET.connectionChannel, 1);
    if (command.channelCount < this.channelCount) this.channelCount = command.channelCount;
    this.outgoingPeerId = command.outgoingPeerId;
    this.incomingSessionId = command.incomingSessionId;
    this.outgoingSessionId = command.outgoingSessionId;
    this.mtu = Math.min(this.mtu, clamp(command.mtu, ENET.minMtu, ENET.maxMtu));
    this.windowSize = Math.min(this.windowSize, clamp(command.windowSize, ENET.minWindowSize, ENET.maxWindowSize));
    this.incomingBandwidth = command.incomingBandwidth;
    this.outgoingBandwidth = command.outgoingBandwidth;
    this.state = 'connected';
    this.host.onConnect(this, this.eventData);
    this.emit('connect', this.eventData);
    return 'ok';
  }

  private handleDisconnect(data: number, acknowledge: boolean): 'ok' | 'no-ack' {
    if (this.state === 'disconnected' || this.state === 'acknowledging-disconnect') return 'ok';
    this.resetQueues();
    this.eventData = data;
    if (this.state === 'connecting' || this.state === 'disconnecting' || this.state === 'acknowledging-connect') {
      this.finish(data, 'remote', true);
      return 'no-ack';
    }
    if (acknowledge) {
      // The ack must reach the wire before the peer is forgotten: done at the end of the next flush.
      this.state = 'acknowledging-disconnect';
      this.zombieAfterFlush = true;
      return 'ok';
    }
    this.finish(data, 'remote', true);
    return 'no-ack';
  }

  // ---- outgoing ---------------------------------------------------------------------------------

  private queue(command: EnetCommand, reliable: boolean): void {
    const out: Outgoing = {
      command,
      size:
        COMMAND_SIZES[command.type]! +
        ('data' in command && command.data instanceof Uint8Array ? command.data.length : 0),
      reliable,
      payloadLength: 'data' in command && command.data instanceof Uint8Array ? command.data.length : 0,
      sentTime: 0,
      roundTripTimeout: 0,
      roundTripTimeoutLimit: 0,
      sendAttempts: 0,
    };
    this.outgoing.push(out);
    this.host.scheduleFlush(this);
  }

  private queueConnectionCommand(
    fields:
      | Omit<ConnectCommand, 'acknowledge' | 'unsequenced' | 'channelId' | 'reliableSequenceNumber'>
      | Omit<VerifyConnectCommand, 'acknowledge' | 'unsequenced' | 'channelId' | 'reliableSequenceNumber'>
      | { type: typeof EnetCommandType.Disconnect; data: number }
      | { type: typeof EnetCommandType.Ping },
    reliable: boolean,
  ): void {
    this.outgoingReliableSequenceNumber = (this.outgoingReliableSequenceNumber + 1) & 0xffff;
    const command = {
      ...fields,
      acknowledge: reliable,
      unsequenced: !reliable,
      channelId: ENET.connectionChannel,
      reliableSequenceNumber: this.outgoingReliableSequenceNumber,
    } as EnetCommand;
    this.queue(command, reliable);
  }

  /** Keeps the unacknowledged span of a channel inside what the receiver's windows accept. */
  private spanAllows(command: EnetCommand): boolean {
    const oldest = this.inFlightPerChannel.get(command.channelId);
    if (oldest === undefined) return true;
    return ((command.reliableSequenceNumber - oldest) & 0xffff) < MAX_RELIABLE_SPAN;
  }

  private removeSent(channelId: number, sequence: number): number | null {
    const k = key(channelId, sequence);
    let out = this.sent.get(k);
    if (out !== undefined) {
      this.sent.delete(k);
      this.reliableDataInTransit -= out.payloadLength;
    } else {
      // Acknowledged while queued for a retransmit.
      for (let i = 0; i < this.outgoing.length; i++) {
        const q = this.outgoing[i]!;
        if (q.sendAttempts > 0 && q.command.channelId === channelId && q.command.reliableSequenceNumber === sequence) {
          out = q;
          this.outgoing.splice(i, 1);
          break;
        }
      }
      if (out === undefined) return null;
    }
    if (this.inFlightPerChannel.get(channelId) === sequence) this.recomputeOldest(channelId);
    return out.command.type;
  }

  private recomputeOldest(channelId: number): void {
    let oldest: number | undefined;
    let oldestAge = -1;
    const newest = this.outgoingSequenceOf(channelId);
    const consider = (o: Outgoing) => {
      if (o.command.channelId !== channelId || o.sendAttempts === 0) return;
      const age = (newest - o.command.reliableSequenceNumber) & 0xffff;
      if (age > oldestAge) {
        oldestAge = age;
        oldest = o.command.reliableSequenceNumber;
      }
    };
    for (const o of this.sent.values()) consider(o);
    for (const o of this.outgoing) if (o.reliable) consider(o);
    if (oldest === undefined) this.inFlightPerChannel.delete(channelId);
    else this.inFlightPerChannel.set(channelId, oldest);
  }

  private outgoingSequenceOf(channelId: number): number {
    return channelId === ENET.connectionChannel
      ? this.outgoingReliableSequenceNumber
      : (this.outgoingChannels[channelId]?.reliableSequenceNumber ?? 0);
  }

  /**
   * ENet's packet throttle for everything unreliable: while the throttle is below its scale, some
   * packets are dropped at the sender rather than queued into a congested link (the caller drops a
   * dropped packet's remaining fragments with it).
   */
  private throttleDrops(out: Outgoing): boolean {
    const c = out.command;
    if (c.type === EnetCommandType.SendUnreliableFragment && c.fragmentOffset !== 0) return false;
    this.packetThrottleCounter = (this.packetThrottleCounter + PACKET_THROTTLE_COUNTER) % PACKET_THROTTLE_SCALE;
    if (this.packetThrottleCounter <= this.packetThrottle) return false;
    return true;
  }

  private sendDatagram(commands: EnetCommand[], size: number, withSentTime: boolean, now: number): void {
    const checksum = this.host.checksum;
    const head = (withSentTime ? 4 : 2) + (checksum ? 4 : 0);
    const total = size - 4 - (checksum ? 4 : 0) + head;
    const bytes = Buffer.allocUnsafe(total);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = head;
    for (const c of commands) pos = writeCommand(bytes, view, pos, c);
    const sessionId = this.outgoingPeerId < ENET.maxPeerId ? this.outgoingSessionId : 0;
    // Before the peer knows its id for us (a CONNECT), the checksum is seeded with 0, as ENet does.
    const seed = this.outgoingPeerId < ENET.maxPeerId ? this.connectId : 0;
    finishHeader(
      bytes,
      view,
      this.outgoingPeerId,
      sessionId,
      withSentTime ? now & 0xffff : undefined,
      checksum ? seed : undefined,
    );
    this.stats.datagramsOut++;
    this.stats.bytesOut += total;
    this.host.send(this, bytes);
  }

  private queueAck(command: EnetCommand, sentTime: number): void {
    if (this.state === 'disconnected' || this.state === 'disconnecting' || this.state === 'acknowledging-connect')
      return;
    if (this.state === 'acknowledging-disconnect' && command.type !== EnetCommandType.Disconnect) return;
    this.acks.push({ channelId: command.channelId, sequence: command.reliableSequenceNumber, sentTime });
  }

  // ---- time -------------------------------------------------------------------------------------

  private updateRoundTrip(rtt: number, now: number): void {
    this.throttle(rtt);
    if (!this.hasRoundTripSample) {
      this.hasRoundTripSample = true;
      this.roundTripTime = rtt;
      this.roundTripTimeVariance = Math.floor((rtt + 1) / 2);
    } else {
      this.roundTripTimeVariance -= Math.floor(this.roundTripTimeVariance / 4);
      if (rtt >= this.roundTripTime) {
        const diff = rtt - this.roundTripTime;
        this.roundTripTimeVariance += Math.floor(diff / 4);
        this.roundTripTime += Math.floor(diff / 8);
      } else {
        const diff = this.roundTripTime - rtt;
        this.roundTripTimeVariance += Math.floor(diff / 4);
        this.roundTripTime -= Math.floor(diff / 8);
      }
    }
    if (this.roundTripTime < this.lowestRoundTripTime) this.lowestRoundTripTime = this.roundTripTime;
    if (this.roundTripTimeVariance > this.highestRoundTripTimeVariance) {
      this.highestRoundTripTimeVariance = this.roundTripTimeVariance;
    }
    if (this.packetThrottleEpoch === 0 || now - this.packetThrottleEpoch >= this.packetThrottleInterval) {
      this.lastRoundTripTime = this.lowestRoundTripTime;
      this.lastRoundTripTimeVariance = Math.max(this.highestRoundTripTimeVariance, 1);
      this.lowestRoundTripTime = this.roundTripTime;
      this.highestRoundTripTimeVariance = this.roundTripTimeVariance;
      this.packetThrottleEpoch = now;
    }
  }

  /** ENet's packet throttle: faster when RTT falls, slower when it rises past its variance. */
  private throttle(rtt: number): void {
    if (this.lastRoundTripTime <= this.lastRoundTripTimeVariance) {
      this.packetThrottle = this.packetThrottleLimit;
    } else if (rtt <= this.lastRoundTripTime) {
      this.packetThrottle = Math.min(this.packetThrottle + this.packetThrottleAcceleration, this.packetThrottleLimit);
    } else if (rtt > this.lastRoundTripTime + 2 * this.lastRoundTripTimeVariance) {
      this.packetThrottle = Math.max(this.packetThrottle - this.packetThrottleDeceleration, 0);
    }
  }

  private armTimer(due: number): void {
    if (this.state === 'disconnected') return;
    if (this.timer !== null && this.timerDue <= due) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, due - this.host.now()));
    this.timer.unref?.();
  }

  private armPing(now: number): void {
    if (this.connected && this.sent.size === 0)
      this.armTimer(Math.max(this.lastReceiveTime + this.pingIntervalMs, now));
  }

  private onTimer(): void {
    // Timers may fire a fraction of a millisecond early against the ms clock: what was due is due.
    const now = Math.max(this.host.now(), this.timerDue);
    this.timer = null;
    this.timerDue = Infinity;
    if (this.state === 'disconnected') return;
    if (this.checkTimeouts(now)) return;
    if (this.connected && this.sent.size === 0 && !this.outgoing.some((o) => o.reliable)) {
      if (now - this.lastReceiveTime >= this.pingIntervalMs) {
        this.queueConnectionCommand({ type: EnetCommandType.Ping }, true);
      }
    }
    this.updateLoss(now);
    this.flush();
    let next = Infinity;
    for (const o of this.sent.values()) next = Math.min(next, o.sentTime + o.roundTripTimeout);
    if (next !== Infinity) this.armTimer(next);
    this.armPing(now);
  }

  /** True when the peer was declared lost. */
  private checkTimeouts(now: number): boolean {
    const resend: Outgoing[] = [];
    for (const [k, out] of this.sent) {
      if (now - out.sentTime < out.roundTripTimeout) continue;
      if (this.earliestTimeout === 0 || out.sentTime < this.earliestTimeout) this.earliestTimeout = out.sentTime;
      const waited = now - this.earliestTimeout;
      if (
        waited >= this.timeouts.maximumMs ||
        (out.roundTripTimeout >= out.roundTripTimeoutLimit && waited >= this.timeouts.minimumMs)
      ) {
        this.finish(this.eventData, 'timeout', true);
        return true;
      }
      this.stats.retransmits++;
      out.roundTripTimeout *= 2;
      this.sent.delete(k);
      this.reliableDataInTransit -= out.payloadLength;
      resend.push(out);
    }
    if (resend.length > 0) {
      resend.sort((a, b) => a.sentTime - b.sentTime);
      this.outgoing = resend.concat(this.outgoing);
    }
    return false;
  }

  private updateLoss(now: number): void {
    const s = this.stats;
    if (s.lossWindowStart === 0) {
      s.lossWindowStart = now;
      return;
    }
    if (now - s.lossWindowStart < LOSS_INTERVAL) return;
    const sent = s.reliableSent - s.lossSentAtStart;
    const lost = s.retransmits - s.lossLostAtStart;
    const ratio = sent > 0 ? Math.min(1, lost / sent) : 0;
    s.packetLoss = s.packetLoss * 0.5 + ratio * 0.5;
    s.lossWindowStart = now;
    s.lossSentAtStart = s.reliableSent;
    s.lossLostAtStart = s.retransmits;
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  private setupChannels(count: number): void {
    this.channelCount = count;
    const limits = {
      maxPacketSize: this.host.maxPacketSize,
      reserve: (bytes: number) => {
        if (this.waitingData + bytes > this.host.maxWaitingData) return false;
        this.waitingData += bytes;
        return true;
      },
      release: (bytes: number) => {
        this.waitingData -= bytes;
      },
    };
    this.incoming = Array.from({ length: count }, () => new IncomingChannel(limits));
    this.outgoingChannels = Array.from({ length: count }, () => ({
      reliableSequenceNumber: 0,
      unreliableSequenceNumber: 0,
    }));
    this.channelStats = Array.from({ length: count }, () => ({ packetsIn: 0, bytesIn: 0, packetsOut: 0, bytesOut: 0 }));
  }

  /**
   * Drops queued and unacknowledged data. Acknowledgements already owed stay queued unless the peer
   * is gone: one of them may be the ack of VERIFY_CONNECT, without which the other side never leaves
   * its connecting state and would ignore our DISCONNECT.
   */
  private resetQueues(keepAcks = true): void {
    if (!keepAcks) this.acks = [];
    this.outgoing = [];
    this.sent.clear();
    this.inFlightPerChannel.clear();
    this.reliableDataInTransit = 0;
    for (const c of this.incoming) c.reset();
  }

  private finish(data: number, reason: DisconnectReason, notify: boolean): void {
    if (this.state === 'disconnected') return;
    // A listener-side peer that never finished connecting goes silently, as in ENet.
    const silent = !notify || this.state === 'acknowledging-connect';
    this.state = 'disconnected';
    this.resetQueues(false);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
    this.host.release(this);
    if (silent) return;
    this.host.onDisconnect(this, data, reason);
    this.emit('disconnect', data, reason);
  }
}

function sameFragmentGroup(a: EnetCommand, b: EnetCommand): boolean {
  return (
    a.type === EnetCommandType.SendUnreliableFragment &&
    b.type === EnetCommandType.SendUnreliableFragment &&
    a.channelId === b.channelId &&
    a.startSequenceNumber === b.startSequenceNumber
  );
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function windowFromBandwidth(bandwidth: number): number {
  if (bandwidth === 0) return ENET.maxWindowSize;
  return clamp(Math.floor(bandwidth / 65536) * ENET.minWindowSize, ENET.minWindowSize, ENET.maxWindowSize);
}

function peerWindow(hostOutgoing: number, peerIncoming: number): number {
  if (hostOutgoing === 0 && peerIncoming === 0) return ENET.maxWindowSize;
  if (hostOutgoing === 0 || peerIncoming === 0) {
    return Math.floor(Math.max(hostOutgoing, peerIncoming) / 65536) * ENET.minWindowSize;
  }
  return Math.floor(Math.min(hostOutgoing, peerIncoming) / 65536) * ENET.minWindowSize;
}
