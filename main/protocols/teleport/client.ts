/**
 * A Teleport server (ENet era, 2022) as a Source: discovery, the ENet service connection with 8
 * channels, Setup → Handshake → AcknowledgeHandshake, then the node commands. Nodes become
 * PosesSample bodies (id = the node uid). Details the Source contract has no field for (the whole
 * Setup, ENet link statistics, the node table) are in `teleportState()`.
 *
 * The server's idle check counts application packets only, so a monitor that only listens would be
 * dropped after idle_connection_timeout / 1000 + 2 s: a DisplayInfo goes out every keepAliveMs.
 * The client id from the first discovery is kept (in the process's TeleportClientIds book, so a new
 * client object for the same server inherits it) and offered again on reconnect (protocol notes,
 * docs/protocols/teleport-enet.md §A2).
 */
import { EventEmitter } from 'node:events';
import type { TeleportStatus } from '../../../preload/api';
import { isIP } from 'node:net';
import { EnetHost, PacketFlag, type EnetPeer } from '../../net/enet/host';
import type {
  BodyCatalog,
  BodyPose,
  ConnectionState,
  Source,
  SourceCapabilities,
  SourceCounters,
  SourceEvents,
  SourceStatus,
} from '../../hub/source';
import { hostTimeNs } from '../../time/host-clock';
import {
  decodeServerCommand,
  encodeDisplayInfo,
  encodeHandshake,
  TELEPORT_CHANNEL_COUNT,
  TeleportChannel,
  variantOfSetup,
  type MovementUpdate,
  type ServerCommand,
  type Setup,
  type TeleportVariant,
} from './codec';
import { teleportClientIds, type TeleportClientIds } from './client-ids';
import { DEFAULT_DISCOVERY_PORT, discoverTeleport } from './discovery';
import { teleportPanelStatus } from './panel-status';
import type { TeleportNode, TeleportState } from './state';
import { StaleClock } from '../../hub/stale-clock';

/** How often staleness is checked: below StaleClock's 100 ms floor. */
const STALE_CHECK_MS = 50;

export interface TeleportClientOptions {
  id?: string;
  label?: string;
  host: string;
  discoveryPort?: number;
  /** Default 5000. */
  connectTimeoutMs?: number;
  /** DisplayInfo cadence; default 1000. */
  keepAliveMs?: number;
  /** No node update for this long → 'stale'. Default 2000. */
  staleAfterMs?: number;
  /** Discovery id width: 8 (default) or 4 for builds before mid-2022. */
  idWidth?: 4 | 8;
  /** Where the id each server gave us is kept across client objects; default the process's one book. */
  clientIds?: TeleportClientIds;
}

export type { TeleportNode, TeleportState } from './state';

interface RateWindow {
  start: number;
  count: number;
}

export class TeleportClient extends EventEmitter<SourceEvents> implements Source {
  readonly id: string;
  readonly kind = 'teleport' as const;
  readonly label: string;
  readonly capabilities: SourceCapabilities = {};
  private readonly options: Required<Omit<TeleportClientOptions, 'id' | 'label' | 'clientIds'>>;
  private readonly clientIds: TeleportClientIds;
  private unhold: (() => void) | null = null;
  private enet: EnetHost | null = null;
  private peer: EnetPeer | null = null;
  private clientId = 0n;
  private servicePort: number | null = null;
  private serverAddress: string;
  private variant: TeleportVariant | null = null;
  private setup: Setup | null = null;
  private readonly nodes = new Map<string, TeleportNode>();
  private readonly rates = new Map<string, RateWindow>();
  private readonly commandCounts: Record<string, number> = {};
  private shutdownReceived = false;
  private videoReconfigurations = 0;
  private origin: TeleportState['origin'] = null;
  private state: ConnectionState = 'idle';
  private lastError: string | undefined;
  private keepAlive: NodeJS.Timeout | null = null;
  private staleWatch: NodeJS.Timeout | null = null;
  /** Stale after a few of the server's own update periods, at most staleAfterMs. */
  private staleClock = new StaleClock();
  private lastSampleMs = 0;
  private frame = 0;
  private readonly stats: SourceCounters = { packets: 0, bytes: 0, samples: 0, malformed: 0, dropped: 0 };
  private closing = false;

  constructor(options: TeleportClientOptions) {
    super();
    this.id = options.id ?? `teleport-${options.host}`;
    this.label = options.label ?? `Teleport @ ${options.host}`;
    this.serverAddress = options.host;
    this.options = {
      host: options.host,
      discoveryPort: options.discoveryPort ?? DEFAULT_DISCOVERY_PORT,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      keepAliveMs: options.keepAliveMs ?? 1000,
      staleAfterMs: options.staleAfterMs ?? 2000,
      idWidth: options.idWidth ?? 8,
    };
    this.clientIds = options.clientIds ?? teleportClientIds;
  }

  /** Discovers, connects ENet, and resolves once the server's Setup arrived. */
  async connect(): Promise<void> {
    this.closing = false;
    this.setState('connecting');
    const deadline = Date.now() + this.options.connectTimeoutMs;
    const servers = await discoverTeleport({
      host: this.options.host,
      port: this.options.discoveryPort,
      clientId: this.clientId || this.clientIds.idFor(this.options.host, this.options.discoveryPort),
      idWidth: this.options.idWidth,
      timeoutMs: this.options.connectTimeoutMs,
      first: true,
    });
    const server = servers[0];
    if (!server)
      return this.fail(`no Teleport discovery reply from ${this.options.host}:${this.options.discoveryPort}`);
    this.servers = [
      { address: server.address, servicePort: server.servicePort, replyMs: Math.round(server.replyMs * 10) / 10 },
      ...this.servers.filter((s) => s.address !== server.address || s.servicePort !== server.servicePort),
    ].slice(0, 8);
    this.clientId = server.clientId;
    for (const address of new Set([this.options.host, server.address])) {
      this.clientIds.remember({ ...server, address, discoveryPort: this.options.discoveryPort });
    }
    this.unhold?.();
    this.unhold = this.clientIds.hold(server.address, this.options.discoveryPort);
    this.servicePort = server.servicePort;
    this.serverAddress = server.address;
    const loopback = server.address.startsWith('127.') || server.address === '::1';
    const enet = await EnetHost.create({
      address: loopback ? server.address : isIP(server.address) === 6 ? '::' : '0.0.0.0',
      peerLimit: 1,
      channelLimit: TELEPORT_CHANNEL_COUNT,
      owner: this.id,
    });
    this.enet = enet;
    enet.on('drop', () => this.stats.malformed++);
    const peer = enet.connect(server.address, server.servicePort, TELEPORT_CHANNEL_COUNT, 0);
    this.peer = peer;
    peer.on('receive', (channel, data) => this.onReceive(channel, data));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Teleport server sent no Setup within ${this.options.connectTimeoutMs} ms`)),
        Math.max(0, deadline - Date.now()),
      );
      const onSetup = () => {
        clearTimeout(timer);
        resolve();
      };
      this.setupWaiter = onSetup;
      peer.once('disconnect', (_data, reason) => {
        clearTimeout(timer);
        reject(new Error(`ENet connection to ${server.address}:${server.servicePort} failed (${reason})`));
      });
    }).catch(async (error: Error) => {
      await this.release();
      return this.fail(error.message);
    });
    peer.on('disconnect', (_data, reason) => {
      if (this.closing) return;
      this.lastError = `ENet link lost (${reason})`;
      this.emit(
        'down',
        reason === 'timeout' ? 'the Teleport server stopped answering (ENet timeout)' : `ENet ${reason} disconnect`,
      );
    });
    this.keepAlive = setInterval(() => this.sendKeepAlive(), this.options.keepAliveMs);
    this.staleClock = new StaleClock({ ceilingMs: this.options.staleAfterMs });
    this.staleWatch = setInterval(() => this.checkStale(), STALE_CHECK_MS);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.peer?.connected) {
      const peer = this.peer;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 300);
        peer.once('disconnect', () => {
          clearTimeout(timer);
          resolve();
        });
        peer.disconnect(0);
      });
    }
    await this.release();
    this.setState('closed');
  }

  counters(): SourceCounters {
    return { ...this.stats };
  }

  status(): SourceStatus<TeleportStatus> {
    const s: SourceStatus<TeleportStatus> = { state: this.state };
    if (this.setup) {
      s.peer = `Teleport ${this.variant ?? ''} @ ${this.serverAddress}:${this.servicePort}, server id ${this.setup.serverId}, ${this.visibleCount()} visible nodes`;
    }
    if (this.lastError) s.lastError = this.lastError;
    s.detail = teleportPanelStatus(this.teleportState(), this.servers, Date.now());
    return s;
  }

  /** Everything the Teleport panel shows. */
  teleportState(): TeleportState {
    return {
      variant: this.variant,
      clientId: this.clientId ? this.clientId.toString() : null,
      serverAddress: this.serverAddress,
      servicePort: this.servicePort,
      setup: this.setup,
      link: this.peer ? this.peer.getStats() : null,
      nodes: [...this.nodes.values()].map((n) => ({ ...n })),
      commands: { ...this.commandCounts },
      shutdownReceived: this.shutdownReceived,
      videoReconfigurations: this.videoReconfigurations,
      origin: this.origin,
    };
  }

  // ---- internals ---------------------------------------------------------------------------------

  private setupWaiter: (() => void) | null = null;
  private servers: { address: string; servicePort: number; replyMs: number }[] = [];

  private fail(message: string): never {
    this.lastError = message;
    this.setState('reconnecting');
    throw new Error(message);
  }

  private async release(): Promise<void> {
    this.unhold?.();
    this.unhold = null;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    if (this.staleWatch) clearInterval(this.staleWatch);
    this.staleWatch = null;
    const enet = this.enet;
    this.enet = null;
    this.peer = null;
    this.setupWaiter = null;
    if (enet) await enet.close();
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('status', this.status());
  }

  private visibleCount(): number {
    let n = 0;
    for (const node of this.nodes.values()) if (node.visible) n++;
    return n;
  }

  private sendKeepAlive(): void {
    // Reliable, so the packet the server's idle rule needs is never the one ENet's throttle drops.
    this.peer?.send(TeleportChannel.DisplayInfo, encodeDisplayInfo(1920, 1080), PacketFlag.Reliable);
  }

  private checkStale(): void {
    if (this.state === 'streaming' && Date.now() - this.lastSampleMs > this.staleClock.thresholdMs())
      this.setState('stale');
  }

  private onReceive(channel: number, data: Uint8Array): void {
    this.stats.packets++;
    this.stats.bytes += data.length;
    if (channel !== TeleportChannel.Control) return;
    let command: ServerCommand;
    try {
      const variant = this.variant ?? variantOfSetup(data) ?? undefined;
      const decoded = decodeServerCommand(data, variant);
      command = decoded.command;
      if (!this.variant && command.type === 'setup') this.variant = decoded.variant;
    } catch (error) {
      this.stats.malformed++;
      this.lastError = `bad Teleport command: ${(error as Error).message}`;
      return;
    }
    this.commandCounts[command.type] = (this.commandCounts[command.type] ?? 0) + 1;
    this.apply(command);
  }

  private apply(command: ServerCommand): void {
    switch (command.type) {
      case 'setup':
        this.onSetup(command.setup);
        break;
      case 'acknowledge-handshake':
        for (const uid of command.nodes) this.node(uid).visible = true;
        this.emitCatalog();
        break;
      case 'node-bounds':
        for (const uid of command.show) this.node(uid).visible = true;
        for (const uid of command.hide) this.node(uid).visible = false;
        this.emitCatalog();
        break;
      case 'node-enabled':
        for (const s of command.states) this.node(s.nodeId).enabled = s.enabled;
        break;
      case 'node-structure':
        this.node(command.nodeId).parent = command.parentId;
        break;
      case 'node-movement':
        this.onMovement(command.updates);
        break;
      case 'set-position':
        if (this.origin === null || BigInt(command.validCounter) > BigInt(this.origin.validCounter)) {
          this.origin = {
            position: command.originPosition,
            orientation: command.orientation,
            validCounter: command.validCounter,
          };
        }
        break;
      case 'reconfigure-video':
        this.videoReconfigurations++;
        if (this.setup) this.setup = { ...this.setup, videoConfig: command.videoConfig };
        break;
      case 'shutdown':
        this.shutdownReceived = true;
        this.lastError = 'the Teleport server sent Shutdown';
        if (!this.closing) this.emit('down', 'the Teleport server sent Shutdown');
        break;
      default:
        break;
    }
  }

  private onSetup(setup: Setup): void {
    const sameServer = this.setup?.serverId === setup.serverId;
    this.setup = setup;
    if (!sameServer) this.nodes.clear();
    // The server's own timeout applies to our side of the link too (the reference client does this).
    this.peer?.setTimeouts(0, setup.idleConnectionTimeoutMs, setup.idleConnectionTimeoutMs * 6);
    this.peer?.send(
      TeleportChannel.Handshake,
      encodeHandshake({
        displayWidth: 1920,
        displayHeight: 1080,
        metresPerUnit: 1,
        fieldOfViewDegrees: 90,
        udpBufferSize: 0,
        maxBandwidthKbps: 0,
        axesStandard: 9,
        framerateHz: 60,
        usingHands: false,
        isVR: false,
        maxLightsSupported: 10,
        clientStreamingPort: setup.serverStreamingPort + 1,
        minimumPriority: 0,
        renderingNormals: false,
        renderingAmbientOcclusion: false,
        // A monitor caches nothing: the server lists its nodes as they become visible.
        resources: [],
      }),
      PacketFlag.Reliable,
    );
    this.setState('connected');
    this.emit('status', this.status());
    const waiter = this.setupWaiter;
    this.setupWaiter = null;
    waiter?.();
  }

  private node(uid: string): TeleportNode {
    let n = this.nodes.get(uid);
    if (!n) {
      n = { uid, visible: false, enabled: true, updates: 0, rateHz: 0 };
      this.nodes.set(uid, n);
    }
    return n;
  }

  private emitCatalog(): void {
    const catalog: BodyCatalog = {
      bodies: [...this.nodes.values()]
        .filter((n) => n.visible)
        .map((n) => ({ id: nodeNumber(n.uid), name: `node ${n.uid}` })),
    };
    this.emit('catalog', catalog);
  }

  private onMovement(updates: MovementUpdate[]): void {
    const now = Date.now();
    const bodies: BodyPose[] = [];
    let deviceMs = 0;
    for (const u of updates) {
      const n = this.node(u.nodeId);
      n.updates++;
      n.lastUpdate = u;
      n.lastUpdateHostMs = now;
      const w = this.rates.get(u.nodeId) ?? { start: now, count: 0 };
      w.count++;
      if (now - w.start >= 1000) {
        n.rateHz = (w.count * 1000) / (now - w.start);
        w.start = now;
        w.count = 0;
      }
      this.rates.set(u.nodeId, w);
      deviceMs = Math.max(deviceMs, u.timestampUnixMs);
      bodies.push({
        id: nodeNumber(u.nodeId),
        x: u.position[0],
        y: u.position[1],
        z: u.position[2],
        qx: u.rotation[0],
        qy: u.rotation[1],
        qz: u.rotation[2],
        qw: u.rotation[3],
        valid: n.visible && n.enabled,
      });
    }
    if (bodies.length === 0) return;
    this.lastSampleMs = now;
    this.staleClock.sample(now);
    this.stats.samples++;
    if (this.state !== 'streaming') this.setState('streaming');
    this.emit('sample', {
      kind: 'poses',
      hostTimeNs: hostTimeNs(),
      // The server stamps updates in UTC Unix ms; no clock model yet, so it is taken as is.
      ...(deviceMs > 0 ? { deviceTimeNs: deviceMs * 1e6 } : {}),
      frameNumber: ++this.frame,
      bodies,
      raw: updates,
    });
  }
}

/** Node uids are u64; the contract's body id is a number (exact for uids below 2^53). */
export function nodeNumber(uid: string): number {
  const n = Number(uid);
  return Number.isSafeInteger(n) ? n : Number(BigInt(uid) & 0x1f_ffff_ffff_ffffn);
}
