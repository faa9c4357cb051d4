/**
 * The NatNet client: one Motive server as a Source (docs/protocols/natnet.md §0, §2, §4, §7, §8, §13.5).
 *
 * Transport, as libNatNet does it: one command socket on an ephemeral port sends NAT_CONNECT and
 * every request; in unicast Motive sends the frames to that same endpoint (from its data port), so
 * the command socket is also the data socket and keepalives keep the registration alive. In
 * multicast a second socket binds the data port on the wildcard address (Linux delivers group
 * traffic only to wildcard-bound sockets) and joins the group on the chosen interface.
 *
 * Time: echo round trips every echoIntervalMs feed a ClockModel (server ticks → host Unix ns).
 * A sample's deviceTimeNs is the camera MID-EXPOSURE instant converted to host time — the moment
 * the pose was physically true, which is what lab synchronisation needs — and the transmit instant
 * when the cameras give no mid-exposure stamp (USB cameras report 0).
 *
 * Failure: nothing thrown out of socket handlers. Undecodable datagrams count as malformed; frame
 * gaps count as dropped (a late frame is discarded and stays counted in its gap; duplicates are only
 * diagnostics), so samples + dropped = the frames Motive sent. Silence (no frames and no echo replies), a
 * server clock jump or live frame numbers starting over emit `down`; the Hub then closes and
 * connects again with backoff.
 */
import type dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type {
  BodyCatalog,
  ConnectionState,
  LatencyFigures,
  PosesSample,
  Source,
  SourceCapabilities,
  SourceCounters,
  SourceEvents,
  SourceStatus,
} from '../../hub/source';
import { ClockModel } from '../../time/clock-model';
import { hostTimeNs } from '../../time/host-clock';
import { closeUdpSocket, openUdpSocket, sendUdp, sendUdpNoWait } from '../../net/udp';
import {
  decodeMessage,
  encodeMessage,
  formatVersion,
  frameFlags,
  parseVersion,
  responseAsInt32,
  responseAsString,
  versionAtLeast,
} from './codec';
import { CommandQueue, NatNetCommandError } from './command-queue';
import { frameTiming, ticksToNs } from './frame-timing';
import { FrameSequencer } from './frame-sequencer';
import { sightlineSender } from './identity';
import { natnetRecordingControl } from './recording-control';
import { bonePoses, catalogFromModels, markerArrays, rigidBodyPoses } from './scene-data';
import type { DataDescription, FrameOfData, NatNetMessage, ServerInfo, Version4 } from './types';
import { StaleClock } from '../../hub/stale-clock';

export { NatNetCommandError } from './command-queue';

export interface NatNetClientOptions {
  id?: string;
  label?: string;
  /** Motive's address (IPv4, IPv6 or a name). */
  host: string;
  /** Default 1510. */
  commandPort?: number;
  /** Local address to bind, to pick the network on a multi-NIC machine. */
  localAddress?: string;
  /** undefined = follow ServerInfo's IsMulticast; true/false forces the mode. */
  multicast?: boolean;
  /** Interface address to join the multicast group on; default: localAddress, else the OS's choice. */
  multicastInterface?: string;
  /** Bitstream to ask for in NAT_CONNECT (unicast, NatNet ≥ 4.0 servers); default: the server's own. */
  requestBitstream?: Version4;
  /** Default 2000. */
  connectTimeoutMs?: number;
  /** Per request. Default 500. */
  commandTimeoutMs?: number;
  /** No frame for this long → 'stale', at most; a fast device is stale after a few of its frame periods (StaleClock). Default 1000. */
  staleAfterMs?: number;
  /** Default 250 (libNatNet's cadence; ≥ 4 Hz keeps the clock estimate fresh). */
  echoIntervalMs?: number;
  /** Neither frames nor echo replies for this long → `down`. Default max(1000, 4 × echoIntervalMs). */
  silenceTimeoutMs?: number;
}

export interface SendCommandOptions {
  /** Default: the client's commandTimeoutMs. */
  timeoutMs?: number;
  /** Resends after a timeout. Default 0: most requests are not idempotent (StartRecording). */
  retries?: number;
}

/** What the Source counters do not say but a developer debugging a link wants to know. */
export interface NatNetDiagnostics {
  /** Messages with ids we do not know, or that a server should not send. Harmless. */
  unknownMessages: number;
  /** Datagrams from addresses other than the server's: ignored, not counted as packets. */
  foreignDatagrams: number;
  /** Responses with no request outstanding (late answers after a timeout). */
  unmatchedResponses: number;
  /** Frames received twice; the copy is discarded. */
  duplicates: number;
  /** Frames that arrived after a newer one; discarded, and already counted as dropped in their gap. */
  lateFrames: number;
  /** NAT_CONNECTs resent because frames stopped while the server still answered. */
  reRegistrations: number;
  /** Why the last malformed datagram was rejected. */
  lastDecodeError?: string;
  /** The last NAT_MESSAGESTRING from Motive. */
  lastServerMessage?: string;
}

const DEFAULT_COMMAND_PORT = 1510;
const DEFAULT_DATA_PORT = 1511;
const DEFAULT_MULTICAST_GROUP = '239.255.42.99';
const KEEPALIVE_MS = 1000;
/** How often staleness and silence are checked. */
const WATCHDOG_MS = 100;
/** NAT_CONNECT attempts within connectTimeoutMs (UDP: the first may simply be lost). */
const CONNECT_ATTEMPTS = 4;
/** Quick echoes right after connecting, so the first frames already have a usable clock. */
const INITIAL_ECHOES = 5;
const INITIAL_ECHO_SPACING_MS = 30;
const MAX_OUTSTANDING_ECHOES = 32;
const MODEL_DEF_ATTEMPTS = 3;

interface ServerInfoWaiter {
  resolve: (info: ServerInfo) => void;
  reject: (error: Error) => void;
}

export class NatNetClient extends EventEmitter<SourceEvents> implements Source {
  readonly id: string;
  readonly kind = 'natnet' as const;
  readonly label: string;
  readonly capabilities: SourceCapabilities;

  private readonly host: string;
  private readonly commandPort: number;
  private readonly options: NatNetClientOptions;
  private readonly connectTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly staleAfterMs: number;
  private readonly echoIntervalMs: number;
  private readonly silenceTimeoutMs: number;

  private readonly counts: SourceCounters = { packets: 0, bytes: 0, samples: 0, malformed: 0, dropped: 0 };
  private readonly diag: NatNetDiagnostics = {
    unknownMessages: 0,
    foreignDatagrams: 0,
    unmatchedResponses: 0,
    reRegistrations: 0,
    duplicates: 0,
    lateFrames: 0,
  };
  private state: ConnectionState = 'idle';
  private lastError: string | undefined;
  /** Bumped by every connect() and close(): async work from an older one sees it and gives up. */
  private generation = 0;
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  // Per connection (reset by connect()).
  private serverAddress = '';
  private commandSocket: dgram.Socket | undefined;
  private dataSocket: dgram.Socket | undefined;
  private timers: NodeJS.Timeout[] = [];
  private info: ServerInfo | undefined;
  private models: DataDescription[] = [];
  private streamBitstream: Version4 = [0, 0, 0, 0];
  private multicastMode = false;
  private clockFrequency = 0;
  private clock = new ClockModel();
  private clockJumps = 0;
  private readonly echoes = new Map<bigint, number>();
  private readonly sequencer = new FrameSequencer();
  private readonly queue = new CommandQueue((command) => this.sendToServer({ type: 'request', command }));
  private serverInfoWaiter: ServerInfoWaiter | undefined;
  private modelDefWaiter: (() => void) | undefined;
  private modelDefInFlight = false;
  /** Last frame's "models changed" bit: Motive sets it on several frames, one request per change is enough. */
  private modelsChangedFlag = false;
  private connectedAtMs = 0;
  private lastFrameAtMs = 0;
  private readonly staleClock: StaleClock;
  private lastHeardAtMs = 0;
  private lastReRegisterMs = 0;
  private downReported = false;
  private latency: LatencyFigures | undefined;
  private recordingFlag: boolean | undefined;
  private editModeFlag = false;
  private readonly recordingWaiters = new Set<() => void>();

  constructor(options: NatNetClientOptions) {
    super();
    this.options = { ...options };
    this.host = options.host;
    this.commandPort = options.commandPort ?? DEFAULT_COMMAND_PORT;
    this.id = options.id ?? `natnet-${options.host}:${this.commandPort}`;
    this.label = options.label ?? `Motive @ ${options.host}`;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 500;
    this.staleAfterMs = options.staleAfterMs ?? 1000;
    this.staleClock = new StaleClock({ ceilingMs: this.staleAfterMs });
    this.echoIntervalMs = Math.max(10, options.echoIntervalMs ?? 250);
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? Math.max(1000, 4 * this.echoIntervalMs);
    const recording = natnetRecordingControl({
      sendCommand: (command, opts) => this.sendCommand(command, opts),
      recordingFlag: () => this.recordingFlag,
      editMode: () => this.editModeFlag,
      watchRecordingFlag: (on) => this.watchRecordingFlag(on),
      commandTimeoutMs: this.commandTimeoutMs,
      flagGraceMs: Math.max(this.commandTimeoutMs, this.staleAfterMs),
    });
    this.capabilities = { recording };
  }

  get serverInfo(): ServerInfo | undefined {
    return this.info;
  }

  get descriptions(): DataDescription[] {
    return this.models;
  }

  /** The layout frames and descriptions are decoded with. */
  get bitstream(): Version4 {
    return this.streamBitstream;
  }

  counters(): SourceCounters {
    return { ...this.counts };
  }

  diagnostics(): NatNetDiagnostics {
    return { ...this.diag, unmatchedResponses: this.queue.unmatchedResponses() };
  }

  status(): SourceStatus {
    const status: SourceStatus = { state: this.state };
    const peer = this.describePeer();
    if (peer) status.peer = peer;
    if (this.lastError) status.lastError = this.lastError;
    const clock = this.clock.estimate();
    if (clock) status.clock = clock;
    if (this.latency) status.latency = { ...this.latency };
    if (this.recordingFlag !== undefined) status.recording = this.recordingFlag;
    return status;
  }

  // ---------------------------------------------------------------------------------------------
  // connect / close

  connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    if (this.state === 'connected' || this.state === 'streaming' || this.state === 'stale') return Promise.resolve();
    this.connecting = this.openConnection().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = this.shutdown().finally(() => {
      this.closing = undefined;
    });
    return this.closing;
  }

  private async openConnection(): Promise<void> {
    if (this.closing) await this.closing;
    const generation = ++this.generation;
    this.resetConnection();
    this.lastError = undefined;
    this.setState('connecting');
    try {
      this.serverAddress = await resolveAddress(this.host);
      this.abortIfSuperseded(generation);
      const socket = await openUdpSocket({
        address: this.options.localAddress,
        peer: this.serverAddress,
        owner: this.id,
      });
      if (generation !== this.generation) {
        await closeUdpSocket(socket);
        this.abortIfSuperseded(generation);
      }
      this.attachSocket(socket);
      this.commandSocket = socket;

      const info = await this.awaitServerInfo(generation);
      this.abortIfSuperseded(generation);
      await this.adoptServer(info);
      this.abortIfSuperseded(generation);
    } catch (error) {
      if (generation === this.generation) {
        await this.releaseConnection();
        this.lastError = error instanceof Error ? error.message : String(error);
        this.setState('idle');
      }
      throw error instanceof Error ? error : new Error(String(error));
    }

    const now = performance.now();
    this.connectedAtMs = now;
    this.lastHeardAtMs = now;
    this.setState('connected');
    this.startTimers();
    void this.requestModelDefinitions();
    if (this.shouldConfirmBitstream()) {
      // Which layout Motive really streams when we asked for one is not documented (docs/protocols/natnet.md §14): ask.
      this.sendCommand('Bitstream').catch(() => undefined);
    }
  }

  private abortIfSuperseded(generation: number): void {
    if (generation !== this.generation) throw this.closedWhileConnecting();
  }

  private closedWhileConnecting(): Error {
    return new Error(`connection to Motive at ${this.host}:${this.commandPort} was closed while connecting`);
  }

  /** Sends NAT_CONNECT a few times within connectTimeoutMs and waits for NAT_SERVERINFO. */
  private awaitServerInfo(generation: number): Promise<ServerInfo> {
    return new Promise<ServerInfo>((resolve, reject) => {
      const spacing = this.connectTimeoutMs / CONNECT_ATTEMPTS;
      let attempts = 0;
      const timers: NodeJS.Timeout[] = [];
      const finish = () => {
        for (const t of timers) clearTimeout(t);
        this.serverInfoWaiter = undefined;
      };
      this.serverInfoWaiter = {
        resolve: (info) => {
          finish();
          resolve(info);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      };
      const attempt = () => {
        if (generation !== this.generation) return;
        attempts++;
        this.sendConnect();
        if (attempts < CONNECT_ATTEMPTS) timers.push(setTimeout(attempt, spacing));
      };
      timers.push(
        setTimeout(() => {
          finish();
          reject(
            new Error(
              `Motive at ${this.host}:${this.commandPort} did not answer NAT_CONNECT within ${this.connectTimeoutMs} ms ` +
                `(${attempts} attempts): is Motive running and streaming enabled, and is the command port right?`,
            ),
          );
        }, this.connectTimeoutMs),
      );
      attempt();
    });
  }

  private async adoptServer(info: ServerInfo): Promise<void> {
    this.info = info;
    const c = info.connectionInfo;
    this.clockFrequency = c && c.clockFrequency > 0 ? c.clockFrequency : 0;
    this.multicastMode = this.options.multicast ?? c?.multicast ?? false;
    this.streamBitstream = this.initialBitstream(info.natnetVersion);
    if (!this.multicastMode) return;
    const group = c?.multicastGroup && c.multicastGroup !== '0.0.0.0' ? c.multicastGroup : DEFAULT_MULTICAST_GROUP;
    const port = c?.dataPort || DEFAULT_DATA_PORT;
    const iface = this.options.multicastInterface ?? this.options.localAddress;
    const socket = await openUdpSocket({
      port,
      reuseAddr: true,
      owner: this.id,
    });
    try {
      socket.addMembership(group, iface);
    } catch (error) {
      await closeUdpSocket(socket);
      throw new Error(
        `could not join multicast group ${group} on ${iface ?? 'the default interface'}: ${(error as Error).message}` +
          ' (check the interface address, or use unicast)',
      );
    }
    this.attachSocket(socket);
    this.dataSocket = socket;
  }

  /**
   * What Motive will stream to us: in unicast a NatNet ≥ 4.0 server honours the bitstream asked for
   * in NAT_CONNECT (we assume it cannot go above its own and confirm with a `Bitstream` query);
   * multicast always carries the server's own version.
   */
  private initialBitstream(native: Version4): Version4 {
    const wanted = this.options.requestBitstream;
    if (!wanted || this.multicastMode || !versionAtLeast(native, 4, 0)) return native;
    return versionAtLeast(native, wanted[0], wanted[1]) ? wanted : native;
  }

  private shouldConfirmBitstream(): boolean {
    const wanted = this.options.requestBitstream;
    return (
      wanted !== undefined &&
      !this.multicastMode &&
      this.info !== undefined &&
      versionAtLeast(this.info.natnetVersion, 4, 0)
    );
  }

  private async shutdown(): Promise<void> {
    // A running connect() sees the new generation and gives up; what it opened is released below.
    this.generation++;
    this.serverInfoWaiter?.reject(this.closedWhileConnecting());
    if (this.connecting) await this.connecting.catch(() => undefined);
    const socket = this.commandSocket;
    if (socket && !this.multicastMode && this.info) {
      // Best effort: tells Motive to stop sending to this endpoint. Not waited for an answer.
      await sendUdp(
        socket,
        encodeMessage({ type: 'request', command: 'Disconnect' }, this.streamBitstream),
        this.commandPort,
        this.serverAddress,
      );
    }
    await this.releaseConnection();
    if (this.state !== 'closed') this.setState('closed');
  }

  /** Stops timers, fails waiters, closes sockets. */
  private async releaseConnection(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.serverInfoWaiter = undefined;
    this.modelDefWaiter?.();
    this.modelDefWaiter = undefined;
    this.queue.rejectAll(`connection to Motive at ${this.host}:${this.commandPort} closed`);
    const sockets = [this.commandSocket, this.dataSocket];
    this.commandSocket = undefined;
    this.dataSocket = undefined;
    for (const wake of [...this.recordingWaiters]) wake();
    await Promise.all(sockets.map((s) => (s ? closeUdpSocket(s) : undefined)));
  }

  private resetConnection(): void {
    this.info = undefined;
    this.models = [];
    this.streamBitstream = [0, 0, 0, 0];
    this.multicastMode = false;
    this.clockFrequency = 0;
    this.clock = new ClockModel();
    this.clockJumps = 0;
    this.echoes.clear();
    this.sequencer.reset();
    this.modelDefInFlight = false;
    this.modelsChangedFlag = false;
    this.downReported = false;
    this.latency = undefined;
    this.recordingFlag = undefined;
    this.editModeFlag = false;
    this.lastFrameAtMs = 0;
    this.staleClock.reset();
    this.lastReRegisterMs = 0;
  }

  private attachSocket(socket: dgram.Socket): void {
    socket.on('message', (datagram, from) => this.onDatagram(datagram, from));
    socket.on('error', (error) => this.reportDown(`socket error: ${error.message}`));
  }

  private startTimers(): void {
    const every = (ms: number, fn: () => void) => this.timers.push(setInterval(fn, ms));
    const after = (ms: number, fn: () => void) => this.timers.push(setTimeout(fn, ms));
    every(WATCHDOG_MS, () => this.watchdog());
    if (!this.multicastMode)
      every(KEEPALIVE_MS, () => this.sendToServer({ type: 'keepAlive', sender: sightlineSender() }));
    if (this.clockFrequency > 0) {
      for (let i = 0; i < INITIAL_ECHOES; i++) after(i * INITIAL_ECHO_SPACING_MS, () => this.sendEcho());
      every(this.echoIntervalMs, () => this.sendEcho());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // sending

  private sendToServer(message: NatNetMessage): void {
    const socket = this.commandSocket;
    if (!socket) return;
    sendUdpNoWait(socket, encodeMessage(message, this.streamBitstream), this.commandPort, this.serverAddress);
  }

  private sendConnect(): void {
    this.sendToServer({
      type: 'connect',
      sender: sightlineSender(),
      options: { subscribedDataOnly: false, bitstreamVersion: this.options.requestBitstream ?? [0, 0, 0, 0] },
    });
  }

  private sendEcho(): void {
    const sentNs = hostTimeNs();
    const stamp = BigInt(Math.round(sentNs));
    this.echoes.set(stamp, sentNs);
    if (this.echoes.size > MAX_OUTSTANDING_ECHOES) {
      const oldest = this.echoes.keys().next().value;
      if (oldest !== undefined) this.echoes.delete(oldest);
    }
    this.sendToServer({ type: 'echoRequest', clientStamp: stamp });
  }

  /**
   * Sends a NAT_REQUEST string and resolves with the response payload (see responseAs* in the codec).
   * One request is outstanding at a time; others queue behind it.
   */
  async sendCommand(command: string, opts: SendCommandOptions = {}): Promise<Uint8Array> {
    if (!this.commandSocket || !this.info) {
      throw new NatNetCommandError(`not connected to Motive at ${this.host}:${this.commandPort}`, 'closed', command);
    }
    const payload = await this.queue.request(command, opts.timeoutMs ?? this.commandTimeoutMs, opts.retries ?? 0);
    this.noteBitstreamAnswer(command, payload);
    return payload;
  }

  /** Keeps the decoding layout in step with `Bitstream` queries and switches that Motive accepted. */
  private noteBitstreamAnswer(command: string, payload: Uint8Array): void {
    let adopted: Version4 | undefined;
    try {
      if (command === 'Bitstream') {
        const text = responseAsString(payload);
        const version = text?.startsWith('Bitstream,') ? text.slice('Bitstream,'.length) : undefined;
        if (version) adopted = parseVersion(version);
      } else if (command.startsWith('Bitstream,') && responseAsInt32(payload) === 0) {
        adopted = parseVersion(command.slice('Bitstream,'.length));
      }
    } catch {
      return;
    }
    if (!adopted || formatVersion(adopted) === formatVersion(this.streamBitstream)) return;
    this.streamBitstream = adopted;
    // Description layouts differ between versions too: read them again in the new one.
    void this.requestModelDefinitions();
    this.emitStatus();
  }

  private async requestModelDefinitions(): Promise<void> {
    if (this.modelDefInFlight) return;
    this.modelDefInFlight = true;
    const generation = this.generation;
    try {
      for (let attempt = 0; attempt < MODEL_DEF_ATTEMPTS && generation === this.generation; attempt++) {
        const answered = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), this.commandTimeoutMs);
          this.modelDefWaiter = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        this.sendToServer({ type: 'requestModelDef' });
        if (await answered) return;
      }
    } finally {
      this.modelDefWaiter = undefined;
      if (generation === this.generation) this.modelDefInFlight = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // receiving

  private onDatagram(datagram: Buffer, from: dgram.RemoteInfo): void {
    const receivedNs = hostTimeNs();
    if (from.address !== this.serverAddress) {
      this.diag.foreignDatagrams++;
      return;
    }
    this.counts.packets++;
    this.counts.bytes += datagram.length;
    let message: NatNetMessage;
    try {
      message = decodeMessage(datagram, this.streamBitstream);
    } catch (error) {
      this.counts.malformed++;
      this.diag.lastDecodeError = error instanceof Error ? error.message : String(error);
      return;
    }
    try {
      this.handle(message, receivedNs);
    } catch (error) {
      // A bug of ours must not kill the socket: count it like bad input and keep it visible.
      this.counts.malformed++;
      this.diag.lastDecodeError = `internal error handling ${message.type}: ${(error as Error).message}`;
    }
  }

  private handle(message: NatNetMessage, receivedNs: number): void {
    const now = performance.now();
    switch (message.type) {
      case 'frameOfData':
        this.lastHeardAtMs = now;
        this.onFrame(message.frame, receivedNs, now);
        return;
      case 'echoResponse':
        this.onEcho(message.clientStamp, message.serverTicks, receivedNs, now);
        return;
      case 'serverInfo':
        this.lastHeardAtMs = now;
        this.serverInfoWaiter?.resolve(message.server);
        return;
      case 'modelDef':
        this.lastHeardAtMs = now;
        this.onModels(message.descriptions);
        return;
      case 'response':
        this.lastHeardAtMs = now;
        this.queue.onResponse(message.payload);
        return;
      case 'unrecognizedRequest':
        this.lastHeardAtMs = now;
        this.queue.onUnrecognized();
        return;
      case 'messageString':
        this.diag.lastServerMessage = message.text;
        return;
      case 'disconnectByTimeout':
      case 'disconnect':
        // Motive stopped sending to us: register again rather than wait for staleness.
        if (this.info) this.reRegister(now);
        return;
      default:
        this.diag.unknownMessages++;
        return;
    }
  }

  private onEcho(stamp: bigint, serverTicks: number, receivedNs: number, now: number): void {
    const sentNs = this.echoes.get(stamp);
    // Only answers to our own recent stamps: anything else could poison the clock.
    if (sentNs === undefined || this.clockFrequency <= 0) {
      this.diag.unknownMessages++;
      return;
    }
    this.echoes.delete(stamp);
    this.lastHeardAtMs = now;
    this.clock.addRoundTrip(sentNs, ticksToNs(serverTicks, this.clockFrequency), receivedNs);
    const jumps = this.clock.discontinuityCount();
    if (jumps > this.clockJumps) {
      this.clockJumps = jumps;
      this.reportDown(`Motive's clock jumped: the server at ${this.host} restarted`);
    }
  }

  private onModels(descriptions: DataDescription[]): void {
    this.models = descriptions;
    this.modelDefWaiter?.();
    const { bodies, bones } = catalogFromModels(descriptions);
    const catalog: BodyCatalog = bones.length > 0 ? { bodies, bones } : { bodies };
    this.emit('catalog', catalog);
  }

  private onFrame(frame: FrameOfData, receivedNs: number, now: number): void {
    const hasParams = frame.params !== undefined;
    const flags = frameFlags(frame.params);
    const transmitS =
      this.clockFrequency > 0 && frame.transmitTicks ? frame.transmitTicks / this.clockFrequency : undefined;
    const verdict = this.sequencer.check(frame.frameNumber, {
      transmitS,
      timestampS: frame.timestamp,
      editMode: flags.editMode,
    });
    switch (verdict.kind) {
      case 'duplicate':
        this.diag.duplicates++;
        return;
      case 'late':
        // Discarded: poses only move forward. It was counted as dropped when its gap was seen.
        this.diag.lateFrames++;
        return;
      case 'restart':
        // Its descriptions and clock may have changed too: the Hub reconnects to read them afresh.
        this.reportDown(
          `Motive restarted: its live frame numbering started again (frame ${verdict.to} after ${verdict.from})`,
        );
        break;
      case 'accept':
        this.counts.dropped += verdict.missed;
        break;
    }
    this.lastFrameAtMs = now;
    this.staleClock.sample(now);
    this.editModeFlag = flags.editMode;
    if (flags.modelsChanged && !this.modelsChangedFlag) void this.requestModelDefinitions();
    this.modelsChangedFlag = flags.modelsChanged;

    const timing = frameTiming(frame, this.clockFrequency, this.clock, receivedNs);
    const markers = markerArrays(frame);
    if (timing) this.latency = timing.latency;
    const sample: PosesSample = {
      kind: 'poses',
      hostTimeNs: receivedNs,
      frameNumber: frame.frameNumber,
      bodies: rigidBodyPoses(frame),
      markers: markers.xyz,
      markerFlags: markers.flags,
      raw: frame,
    };
    const bones = bonePoses(frame);
    if (bones.length > 0) sample.bones = bones;
    if (timing?.deviceTimeNs !== undefined) sample.deviceTimeNs = timing.deviceTimeNs;
    if (timing) sample.deviceClockNs = timing.deviceClockNs;
    if (hasParams) sample.recording = flags.recording;

    let changed = false;
    if (hasParams && flags.recording !== this.recordingFlag) {
      this.recordingFlag = flags.recording;
      for (const wake of this.recordingWaiters) wake();
      changed = true;
    }
    if (this.state !== 'streaming') {
      this.state = 'streaming';
      changed = true;
    }
    this.counts.samples++;
    this.emit('sample', sample);
    if (changed) this.emitStatus();
  }

  // ---------------------------------------------------------------------------------------------
  // liveness

  private watchdog(): void {
    const now = performance.now();
    const lastData = this.lastFrameAtMs || this.connectedAtMs;
    if ((this.state === 'connected' || this.state === 'streaming') && now - lastData > this.staleClock.thresholdMs()) {
      this.setState('stale');
    }
    // Frames stopped but Motive still answers: it may have forgotten us (restart, timeout). Registering
    // again is harmless if not, and brings the frames back if so.
    if (this.state === 'stale' && !this.multicastMode && now - this.lastReRegisterMs > this.staleAfterMs) {
      this.reRegister(now);
    }
    if (now - this.lastHeardAtMs > this.silenceTimeoutMs) {
      this.reportDown(
        `Motive at ${this.host}:${this.commandPort} went silent: no frames and no echo replies for ${this.silenceTimeoutMs} ms`,
      );
    }
  }

  private reRegister(now: number): void {
    this.lastReRegisterMs = now;
    this.diag.reRegistrations++;
    this.sendConnect();
  }

  private reportDown(reason: string): void {
    if (this.downReported || this.state === 'closed' || this.state === 'idle') return;
    this.downReported = true;
    this.lastError = reason;
    this.emitStatus();
    this.emit('down', reason);
  }

  /** `reached` resolves true when frames show the wanted recording state, false if the connection closes first. */
  private watchRecordingFlag(on: boolean): { reached: Promise<boolean>; stop(): void } {
    let wake: () => void = () => undefined;
    const reached = new Promise<boolean>((resolve) => {
      wake = () => {
        if (this.recordingFlag !== on && this.commandSocket) return;
        this.recordingWaiters.delete(wake);
        resolve(this.recordingFlag === on);
      };
    });
    this.recordingWaiters.add(wake);
    return { reached, stop: () => this.recordingWaiters.delete(wake) };
  }

  // ---------------------------------------------------------------------------------------------
  // status

  private describePeer(): string | undefined {
    const info = this.info;
    if (!info) return undefined;
    const iface = this.options.multicastInterface ?? this.options.localAddress;
    const mode = this.multicastMode
      ? `multicast ${info.connectionInfo?.multicastGroup ?? DEFAULT_MULTICAST_GROUP}${iface ? ` on ${iface}` : ''}`
      : 'unicast';
    const clock = this.clockFrequency > 0 ? `, ${formatFrequency(this.clockFrequency)} clock` : '';
    return `${info.name} ${formatVersion(info.appVersion)}, NatNet ${formatVersion(this.streamBitstream)}, ${mode}${clock}`;
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }
}

async function resolveAddress(host: string): Promise<string> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new Error(`cannot resolve Motive host ${JSON.stringify(host)}: ${(error as Error).message}`);
  }
}

function formatFrequency(hz: number): string {
  if (hz >= 1e6) return `${+(hz / 1e6).toFixed(3)} MHz`;
  if (hz >= 1e3) return `${+(hz / 1e3).toFixed(3)} kHz`;
  return `${hz} Hz`;
}
