/**
 * A Teleport server of the ENet era (2022), for demo mode, tests and `sightline sim teleport`
 * (protocol notes, docs/protocols/teleport-enet.md §A5): a discovery responder, one ENet host with 8 channels on the
 * service port, Setup → Handshake → AcknowledgeHandshake, then nodes moving (movement updates) with
 * visibility and enabled-state changes. It enforces the server's application idle rule (a client
 * silent for idle_connection_timeout / 1000 + 2 s is reset, which ENet pings do not prevent), and
 * offers two faults: a silent reset (as the server's stopSession does) and Shutdown.
 * Either 2022 variant: with the 8-byte vtable prefix on commands ('2022a') or without ('2022b').
 */
import type dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { EnetHost, PacketFlag, type EnetPeer } from '../../net/enet/host';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait } from '../../net/udp';
import {
  decodeDiscoveryRequest,
  decodeHandshake,
  encodeDiscoveryResponse,
  encodeServerCommand,
  TELEPORT_CHANNEL_COUNT,
  TeleportChannel,
  type Handshake,
  type MovementUpdate,
  type ServerCommand,
  type Setup,
  type TeleportVariant,
  type VideoConfig,
} from './codec';
import { axisAngleQuat } from '../../../preload/shared/quaternion';

/** The simulated nodes turn about the scene's up axis. */
const Y_AXIS = [0, 1, 0] as const;

export interface TeleportSimulatorOptions {
  host?: string;
  /** 0 lets the OS pick. Default 10600. */
  discoveryPort?: number;
  /** 0 lets the OS pick. Default 10500. */
  servicePort?: number;
  variant?: TeleportVariant;
  nodes?: number;
  /** Movement updates per second. Default 30. */
  rateHz?: number;
  /** Setup.idle_connection_timeout in ms (Unity's default 13000). */
  idleTimeoutMs?: number;
  /** Toggle one node's visibility every this many ms (0 = never). Default 3000. */
  visibilityPeriodMs?: number;
}

export interface TeleportSimulatorEvents {
  /** Human-readable happenings, for the CLI's stderr. */
  log: [string];
  handshake: [Handshake];
  /** A client was dropped by the idle rule. */
  idle: [string];
  /** A discovery request answered: the id replied, and whether it was minted for a request with 0. */
  discovery: [{ clientId: bigint; minted: boolean }];
}

interface ClientSession {
  peer: EnetPeer;
  clientId: bigint;
  lastPacketMs: number;
  handshaken: boolean;
}

export const DEFAULT_VIDEO_CONFIG: VideoConfig = {
  videoWidth: 3840,
  videoHeight: 1920,
  depthWidth: 1920,
  depthHeight: 960,
  perspectiveWidth: 1920,
  perspectiveHeight: 1080,
  perspectiveFov: 110,
  nearClipPlane: 0.05,
  webcamWidth: 0,
  webcamHeight: 0,
  webcamOffsetX: 0,
  webcamOffsetY: 0,
  use10BitDecoding: 0,
  useYuv444Decoding: 0,
  useAlphaLayerDecoding: 1,
  colourCubemapSize: 512,
  composeCube: 1,
  useCubemap: 1,
  streamWebcam: 0,
  videoCodec: 2,
  specularX: 0,
  specularY: 1536,
  specularCubemapSize: 128,
  specularMips: 3,
  diffuseX: 0,
  diffuseY: 1856,
  diffuseCubemapSize: 64,
  lightX: 64,
  lightY: 1856,
  lightCubemapSize: 32,
  shadowmapX: 0,
  shadowmapY: 0,
  shadowmapSize: 0,
};

export class TeleportSimulator extends EventEmitter<TeleportSimulatorEvents> {
  readonly variant: TeleportVariant;
  private readonly options: Required<TeleportSimulatorOptions>;
  private discovery: dgram.Socket | null = null;
  private enet: EnetHost | null = null;
  private readonly sessions = new Map<EnetPeer, ClientSession>();
  private readonly knownClients = new Set<bigint>();
  private nextClientId = 0x5e00_0001n;
  private serverId = BigInt(Date.now()) * 1000n + 7n;
  private readonly startMs = Date.now();
  private streamTimer: NodeJS.Timeout | null = null;
  private hidden = new Set<number>();
  private lastVisibilityToggle = 0;

  constructor(options: TeleportSimulatorOptions = {}) {
    super();
    this.options = {
      host: options.host ?? '127.0.0.1',
      discoveryPort: options.discoveryPort ?? 10600,
      servicePort: options.servicePort ?? 10500,
      variant: options.variant ?? '2022a',
      nodes: options.nodes ?? 4,
      rateHz: options.rateHz ?? 30,
      idleTimeoutMs: options.idleTimeoutMs ?? 13000,
      visibilityPeriodMs: options.visibilityPeriodMs ?? 3000,
    };
    this.variant = this.options.variant;
  }

  async start(): Promise<{ discoveryPort: number; servicePort: number }> {
    const enet = await EnetHost.create({
      address: this.options.host,
      port: this.options.servicePort,
      peerLimit: 16,
      channelLimit: TELEPORT_CHANNEL_COUNT,
    });
    this.enet = enet;
    try {
      this.discovery = await openUdpSocket({ address: this.options.host, port: this.options.discoveryPort });
    } catch (error) {
      await enet.close();
      throw error;
    }
    const servicePort = enet.address().port;
    this.discovery.on('message', (msg, rinfo) => this.onDiscovery(msg, rinfo.address, rinfo.port, servicePort));
    enet.on('connect', (peer) => this.onConnect(peer));
    enet.on('receive', (peer, channel, data) => this.onReceive(peer, channel, data));
    enet.on('disconnect', (peer, _data, reason) => {
      if (this.sessions.delete(peer)) this.emit('log', `client left (${reason})`);
    });
    const period = Math.max(1, Math.round(1000 / this.options.rateHz));
    this.streamTimer = setInterval(() => this.tick(), period);
    return { discoveryPort: this.discovery.address().port, servicePort };
  }

  async stop(): Promise<void> {
    if (this.streamTimer) clearInterval(this.streamTimer);
    this.streamTimer = null;
    const enet = this.enet;
    this.enet = null;
    this.sessions.clear();
    if (this.discovery) await closeUdpSocket(this.discovery);
    this.discovery = null;
    if (enet) await enet.close();
  }

  /** Clients with a session (after CONNECT). */
  clientCount(): number {
    return this.sessions.size;
  }

  /** Fault: the server forgets every client without telling them, and starts a new server session. */
  silentReset(): void {
    for (const s of this.sessions.values()) s.peer.reset();
    this.sessions.clear();
    this.serverId += 1n;
    this.emit('log', 'silent reset: every client forgotten');
  }

  /** Fault: Shutdown to every client (they should close the stream). */
  shutdown(): void {
    for (const s of this.sessions.values()) this.send(s.peer, { type: 'shutdown' });
    this.emit('log', 'sent Shutdown');
  }

  setup(): Setup {
    const servicePort = this.enet?.address().port ?? this.options.servicePort;
    return {
      serverStreamingPort: servicePort + 2,
      serverHttpPort: servicePort + 1,
      debugStream: 0,
      doChecksums: 0,
      debugNetworkPackets: 0,
      requiredLatencyMs: 30,
      idleConnectionTimeoutMs: this.options.idleTimeoutMs,
      serverId: this.serverId.toString(),
      controlModel: 2,
      videoConfig: DEFAULT_VIDEO_CONFIG,
      drawDistance: 15,
      bodyOffsetFromHead: [0, -0.2, 0],
      axesStandard: 70,
      audioInputEnabled: false,
      usingSsl: false,
      startTimestampUnixMs: this.startMs,
      backgroundMode: 1,
    };
  }

  /** Node uids: small numbers so they are exact as JS numbers too. */
  nodeIds(): string[] {
    return Array.from({ length: this.options.nodes }, (_, i) => String(1001 + i));
  }

  private onDiscovery(msg: Buffer, address: string, port: number, servicePort: number): void {
    let request;
    try {
      request = decodeDiscoveryRequest(msg);
    } catch {
      return; // not a discovery request
    }
    let clientId = request.clientId;
    const minted = clientId === 0n;
    if (minted) clientId = this.nextClientId++;
    else if (this.knownClients.has(clientId)) this.emit('log', `client ${clientId} asks to reconnect`);
    this.knownClients.add(clientId);
    if (this.discovery) sendUdpNoWait(this.discovery, encodeDiscoveryResponse(clientId, servicePort), port, address);
    this.emit('discovery', { clientId, minted });
  }

  private onConnect(peer: EnetPeer): void {
    // Discovery is complete once the ENet connection exists; the server then sends Setup.
    peer.setTimeouts(0, this.options.idleTimeoutMs, this.options.idleTimeoutMs * 6);
    this.sessions.set(peer, { peer, clientId: 0n, lastPacketMs: Date.now(), handshaken: false });
    this.emit('log', `client connected from ${peer.address}:${peer.port}`);
    this.send(peer, { type: 'setup', setup: this.setup() });
  }

  private onReceive(peer: EnetPeer, channel: number, data: Uint8Array): void {
    const session = this.sessions.get(peer);
    if (!session) return;
    session.lastPacketMs = Date.now();
    if (channel !== TeleportChannel.Handshake) return;
    let handshake: Handshake;
    try {
      handshake = decodeHandshake(data);
    } catch (error) {
      this.emit('log', `bad handshake: ${(error as Error).message}`);
      return;
    }
    session.handshaken = true;
    this.emit('handshake', handshake);
    // With no cached resources the client gets an empty list, then the nodes as they become visible.
    const nodes = handshake.resources.length === 0 ? [] : this.visibleNodes();
    this.send(peer, { type: 'acknowledge-handshake', nodes });
    this.send(peer, {
      type: 'set-position',
      originPosition: [0, 0, 0],
      orientation: [0, 0, 0, 1],
      validCounter: '1',
      setRelativePosition: false,
      relativePosition: [0, 0, 0],
    });
    this.send(peer, { type: 'node-bounds', show: this.visibleNodes(), hide: [] });
    this.send(peer, {
      type: 'node-enabled',
      states: this.nodeIds().map((nodeId) => ({ nodeId, enabled: true })),
    });
  }

  private visibleNodes(): string[] {
    return this.nodeIds().filter((_, i) => !this.hidden.has(i));
  }

  private send(peer: EnetPeer, command: ServerCommand, flags: number = PacketFlag.Reliable): void {
    peer.send(TeleportChannel.Control, encodeServerCommand(command, this.variant), flags);
  }

  private tick(): void {
    const now = Date.now();
    // The server's idle rule counts application packets only.
    const limit = this.options.idleTimeoutMs + 2000;
    for (const s of [...this.sessions.values()]) {
      if (now - s.lastPacketMs > limit) {
        this.sessions.delete(s.peer);
        s.peer.reset();
        this.emit('idle', `client silent for ${now - s.lastPacketMs} ms`);
        this.emit('log', `dropped an idle client (nothing for ${now - s.lastPacketMs} ms)`);
      }
    }
    const ready = [...this.sessions.values()].filter((s) => s.handshaken);
    if (ready.length === 0) return;
    let bounds: ServerCommand | null = null;
    if (this.options.visibilityPeriodMs > 0 && now - this.lastVisibilityToggle >= this.options.visibilityPeriodMs) {
      this.lastVisibilityToggle = now;
      // The last node blinks: hidden for one period, shown for the next.
      const i = this.options.nodes - 1;
      if (i >= 1) {
        const id = String(1001 + i);
        if (this.hidden.has(i)) {
          this.hidden.delete(i);
          bounds = { type: 'node-bounds', show: [id], hide: [] };
        } else {
          this.hidden.add(i);
          bounds = { type: 'node-bounds', show: [], hide: [id] };
        }
      }
    }
    const movement: ServerCommand = { type: 'node-movement', updates: this.movements(now) };
    for (const s of ready) {
      if (bounds) this.send(s.peer, bounds);
      this.send(s.peer, movement);
    }
  }

  private movements(now: number): MovementUpdate[] {
    const t = (now - this.startMs) / 1000;
    return this.visibleNodes().map((nodeId) => {
      const i = Number(nodeId) - 1001;
      const phase = t * (0.4 + 0.1 * i) + i;
      return {
        timestampUnixMs: now,
        isGlobal: true,
        nodeId,
        position: [Math.cos(phase) * (0.5 + 0.3 * i), 1 + 0.2 * Math.sin(2 * phase), Math.sin(phase) * (0.5 + 0.3 * i)],
        rotation: axisAngleQuat(Y_AXIS, phase),
        scale: [1, 1, 1],
        velocity: [0, 0, 0],
        angularVelocityAxis: [0, 1, 0],
        angularVelocityAngle: 0,
      };
    });
  }
}
