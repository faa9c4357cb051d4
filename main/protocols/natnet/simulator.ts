/**
 * A faithful Motive for tests, demo mode and the CLI (docs/protocols/natnet.md §13.3–13.4): the packets, ports and
 * timing that real clients (libNatNet, the official Python sample, ours) depend on.
 *
 * - Two sockets, like Motive: commands on the command port (1510), frames FROM the data port
 *   (1511) — in unicast TO the endpoint each client's NAT_CONNECT came from (libNatNet has a single
 *   socket and drops frames from any other port), in multicast to group:dataPort.
 * - One monotonic tick source (10 MHz by default) for echo replies and all three suffix stamps. Like
 *   QueryPerformanceCounter it keeps running across restart(); the live frame counter does not.
 * - A bitstream per unicast client (connect options or `Bitstream,x.y`); multicast uses the native one.
 * - Faults (loss, duplicates, reordering, truncation, garbage) are injected on the data path only,
 *   per datagram and per destination, from a seeded PRNG. Command replies are never faulted, so a
 *   test can tell data-path handling from command handling (use pause('commands') for the latter).
 */
import type dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import {
  DEFAULT_BITSTREAM,
  decodeMessage,
  descriptionTypeId,
  encodeMessage,
  formatVersion,
  parseVersion,
  versionAtLeast,
} from './codec';
import { FaultInjector, seededRandom, type FaultCounts, type SimulatorFaults } from './simulator-faults';
import { MotiveScene, MAX_SIMULATED_BODIES } from './simulator-scene';
import {
  FrameParams,
  type DataDescription,
  type FrameOfData,
  type NatNetMessage,
  type ServerInfo,
  type Version4,
} from './types';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait } from '../../net/udp';
import { hostTimeNs } from '../../time/host-clock';

export type { FaultCounts, SimulatorFaults } from './simulator-faults';

export interface SimulatorStats {
  /** Frames built and handed to the sockets (once per frame, whatever the number of clients). */
  framesSent: number;
  /** Frames never sent: due while paused, or while the process was stalled for longer than a catch-up burst. */
  framesSkipped: number;
  /** What the fault injector did to data datagrams. */
  faults: FaultCounts;
}

export interface MotiveSimulatorOptions {
  /** Address both sockets bind to. Default 127.0.0.1. */
  host?: string;
  /** 0 = the OS picks (tests); real Motive uses 1510. */
  commandPort?: number;
  /** 0 = the OS picks (tests); real Motive uses 1511. */
  dataPort?: number;
  /** Rigid bodies in the scene, 0–1000. Default 3. */
  bodies?: number;
  /** Frames per second, 1–1000. Default 120. */
  rateHz?: number;
  /** Motive's native NatNet version (ServerInfo, multicast frames, clients that ask for nothing). Default 4.1. */
  bitstream?: Version4;
  /** Stream to a multicast group instead of unicast. `port` defaults to the data port (what clients assume). */
  multicast?: { group: string; port?: number; interfaceAddress?: string } | false;
  /** Tick rate of the server clock. Default 10 MHz. */
  clockFrequency?: number;
  /** Injected clock error (time-alignment tests): the simulated clock runs this many ppm fast. Default 0. */
  clockDriftPpm?: number;
  /** What the simulated clock reads at start, seconds (Motive's uptime). Default 3600. */
  clockStartS?: number;
  /** ServerInfo application name. Default "Motive". */
  appName?: string;
  faults?: Partial<SimulatorFaults>;
  /** Unicast clients that sent nothing for this long stop getting frames. Default 10 s. */
  clientTimeoutMs?: number;
}

export interface SimulatorPeer {
  address: string;
  port: number;
}

export interface SimulatorClientEvent extends SimulatorPeer {
  event: 'connected' | 'disconnected' | 'timedOut';
  /** The bitstream frames are sent to this client in, e.g. "4.1". */
  bitstream: string;
  /** The name in the client's sender block, when it sent one. */
  name?: string;
}

export interface SimulatorEvents {
  client: [SimulatorClientEvent];
  /** Every NAT_REQUEST string, as received. */
  command: [string, SimulatorPeer];
  recording: [boolean];
  /** Datagrams the simulator could not decode, and socket errors: reported, never thrown. */
  warning: [string];
}

/** 'replies': requests are still acted on but every answer is lost, as on a one-way broken link. */
export type PauseScope = 'all' | 'commands' | 'frames' | 'replies';

interface ClientState extends SimulatorPeer {
  key: string;
  bitstream: Version4;
  name?: string;
  lastSeenMs: number;
  /** Frames still to carry params bit 3 after a bitstream switch. */
  bitstreamChangedFrames: number;
}

/** Frames that carry a flag after a one-off change, so that a client losing one datagram still sees it. */
const FLAG_FRAMES = 3;
/** The most frames sent in one catch-up burst after a stall; older due frames are skipped, as Motive drops frames. */
const MAX_BURST_SECONDS = 0.1;
const OLDEST_BITSTREAM: Version4 = [2, 0, 0, 0];
/** Real Motive's QPC counts since boot; start the simulated machine an hour into its uptime. */
const UPTIME_AT_START_S = 3600;
/** Simulated camera pipeline: mid-exposure → data received → transmit. */
const CAMERA_TO_RECEIVED_S = 4.6e-3;
const RECEIVED_TO_TRANSMIT_S = 0.8e-3;

export class MotiveSimulator extends EventEmitter<SimulatorEvents> {
  private readonly host: string;
  private readonly rateHz: number;
  private readonly nativeBitstream: Version4;
  private readonly multicast: { group: string; port?: number; interfaceAddress: string } | undefined;
  private readonly clockFrequency: number;
  private readonly appName: string;
  private readonly clientTimeoutMs: number;
  private readonly faults: FaultInjector;
  private readonly scene: MotiveScene;
  private readonly requestedPorts: { command: number; data: number };
  /** The simulated machine's clock origin: survives restart(), like QueryPerformanceCounter. */
  private readonly tickOrigin = process.hrtime.bigint();
  /** Host time at tickOrigin: the ground truth a time-alignment test compares recorded times with. */
  private readonly tickOriginHostNs = hostTimeNs();
  private readonly clockRate: number;
  private readonly clockStartS: number;

  private commandSocket: dgram.Socket | undefined;
  private dataSocket: dgram.Socket | undefined;
  private boundPorts = { command: 0, data: 0 };
  private clients = new Map<string, ClientState>();
  private frameTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** hrtime of frame index 0 of this "process". */
  private streamOrigin = 0n;
  private nextFrameIndex = 0;
  private framesSent = 0;
  private framesSkipped = 0;
  private lastFrameNumber = 0;
  private commandsPaused = false;
  private repliesPaused = false;
  private framesPaused = false;
  private isRecording = false;
  private editMode = false;
  private recordTakeName = '';
  private modelsChangedFrames = 0;
  /** Seeded, so a run's latency figures are reproducible. */
  private readonly pipelineJitter = seededRandom(0x5eed);

  constructor(options: MotiveSimulatorOptions = {}) {
    super();
    this.host = options.host ?? '127.0.0.1';
    this.rateHz = clamp(options.rateHz ?? 120, 1, 1000);
    this.nativeBitstream = options.bitstream ?? DEFAULT_BITSTREAM;
    this.clockFrequency = options.clockFrequency ?? 10_000_000;
    this.clockRate = 1 + (options.clockDriftPpm ?? 0) / 1e6;
    this.clockStartS = options.clockStartS ?? UPTIME_AT_START_S;
    this.appName = options.appName ?? 'Motive';
    this.clientTimeoutMs = options.clientTimeoutMs ?? 10_000;
    this.requestedPorts = { command: options.commandPort ?? 0, data: options.dataPort ?? 0 };
    this.multicast = options.multicast
      ? { ...options.multicast, interfaceAddress: options.multicast.interfaceAddress ?? this.host }
      : undefined;
    this.faults = new FaultInjector(options.faults);
    this.scene = new MotiveScene(clamp(options.bodies ?? 3, 0, MAX_SIMULATED_BODIES));
  }

  get commandPort(): number {
    return this.boundPorts.command;
  }

  get dataPort(): number {
    return this.boundPorts.data;
  }

  get recording(): boolean {
    return this.isRecording;
  }

  /** The name the next take gets (SetRecordTakeName). */
  get takeName(): string {
    return this.recordTakeName;
  }

  /** The number of the last frame sent (0 before the first). */
  get frameNumber(): number {
    return this.lastFrameNumber;
  }

  get running(): boolean {
    return this.commandSocket !== undefined;
  }

  clientCount(): number {
    return this.clients.size;
  }

  stats(): SimulatorStats {
    return { framesSent: this.framesSent, framesSkipped: this.framesSkipped, faults: this.faults.stats() };
  }

  /** The names of the rigid bodies as the model definitions announce them. */
  bodyNames(): { id: number; name: string }[] {
    return this.scene.bodyNames();
  }

  async start(): Promise<{ commandPort: number; dataPort: number }> {
    if (this.running) return { commandPort: this.commandPort, dataPort: this.dataPort };
    await this.open(this.requestedPorts.command, this.requestedPorts.data);
    return { commandPort: this.commandPort, dataPort: this.dataPort };
  }

  async stop(): Promise<void> {
    clearTimeout(this.frameTimer);
    clearInterval(this.sweepTimer);
    this.frameTimer = undefined;
    this.sweepTimer = undefined;
    const sockets = [this.commandSocket, this.dataSocket];
    this.commandSocket = undefined;
    this.dataSocket = undefined;
    this.clients.clear();
    await Promise.all(sockets.map((s) => (s ? closeUdpSocket(s) : undefined)));
  }

  /**
   * A new Motive process on the same ports: clients are forgotten (they must connect again),
   * frame numbers start over, recording stops. `downtimeMs` keeps the ports closed for a while
   * first, as a real restart does.
   */
  async restart(options: { downtimeMs?: number } = {}): Promise<void> {
    const ports = { command: this.commandPort, data: this.dataPort };
    await this.stop();
    this.isRecording = false;
    this.editMode = false;
    this.modelsChangedFrames = 0;
    if (options.downtimeMs) await new Promise((resolve) => setTimeout(resolve, options.downtimeMs));
    await this.open(ports.command, ports.data);
  }

  setFaults(faults: Partial<SimulatorFaults>): void {
    this.faults.set(faults);
  }

  /** Stops handling commands, streaming, or both ('all'), as a hung Motive would; or loses every reply. */
  pause(scope: PauseScope = 'all'): void {
    if (scope === 'all' || scope === 'commands') this.commandsPaused = true;
    if (scope === 'all' || scope === 'frames') this.framesPaused = true;
    if (scope === 'replies') this.repliesPaused = true;
  }

  resume(): void {
    this.commandsPaused = false;
    this.repliesPaused = false;
    if (this.framesPaused) {
      this.framesPaused = false;
      // Frames due while hung are gone, as the cameras kept counting.
      this.skipTo(this.dueFrameIndex() + 1);
    }
  }

  /** Changes the number of rigid bodies; frames then flag "models changed" (params bit 1). */
  setBodyCount(count: number): void {
    this.scene.setBodyCount(clamp(count, 0, MAX_SIMULATED_BODIES));
    this.modelsChangedFrames = FLAG_FRAMES;
  }

  /** Server clock now, in ticks. */
  ticks(): number {
    const ns = Number(process.hrtime.bigint() - this.tickOrigin);
    return Math.round((this.clockStartS + (ns / 1e9) * this.clockRate) * this.clockFrequency);
  }

  /** The truth: the host time (Unix ns, this process's host clock) at which the simulated clock read `ticks`. */
  hostTimeOfTicks(ticks: number): number {
    return this.tickOriginHostNs + ((ticks / this.clockFrequency - this.clockStartS) / this.clockRate) * 1e9;
  }

  // ---------------------------------------------------------------------------------------------
  // sockets

  private async open(commandPort: number, dataPort: number): Promise<void> {
    const command = await openUdpSocket({ address: this.host, port: commandPort });
    let data: dgram.Socket;
    try {
      // reuseAddr in multicast so that a client on this machine can bind the same port to join the group.
      data = await openUdpSocket({ address: this.host, port: dataPort, reuseAddr: this.multicast !== undefined });
    } catch (error) {
      await closeUdpSocket(command);
      throw error;
    }
    if (this.multicast) {
      const loopback = /^127\.|^::1$/.test(this.multicast.interfaceAddress);
      data.setMulticastInterface(this.multicast.interfaceAddress);
      data.setMulticastLoopback(true);
      // On a loopback interface, TTL 0 guarantees the group traffic never leaves this machine.
      data.setMulticastTTL(loopback ? 0 : 1);
    }
    command.on('message', (msg, rinfo) => this.onCommandDatagram(msg, rinfo));
    command.on('error', (error) => this.emit('warning', `command socket: ${error.message}`));
    data.on('error', (error) => this.emit('warning', `data socket: ${error.message}`));
    // Motive ignores what arrives on its data port; so do we (but the socket must be read).
    data.on('message', () => undefined);
    this.commandSocket = command;
    this.dataSocket = data;
    this.boundPorts = { command: command.address().port, data: data.address().port };
    this.streamOrigin = process.hrtime.bigint();
    this.nextFrameIndex = 0;
    this.lastFrameNumber = 0;
    this.scheduleFrames();
    this.sweepTimer = setInterval(() => this.dropSilentClients(), Math.min(1000, this.clientTimeoutMs / 2));
  }

  private send(message: NatNetMessage, bitstream: Version4, to: SimulatorPeer): void {
    if (!this.commandSocket || this.repliesPaused) return;
    sendUdpNoWait(this.commandSocket, encodeMessage(message, bitstream), to.port, to.address);
  }

  // ---------------------------------------------------------------------------------------------
  // command port

  private onCommandDatagram(datagram: Buffer, from: dgram.RemoteInfo): void {
    if (this.commandsPaused) return;
    const peer: SimulatorPeer = { address: from.address, port: from.port };
    const client = this.clients.get(endpointKey(peer));
    if (client) client.lastSeenMs = Date.now();
    let message: NatNetMessage;
    try {
      message = decodeMessage(datagram, client?.bitstream ?? this.nativeBitstream);
    } catch (error) {
      this.emit('warning', `undecodable datagram from ${endpointKey(peer)}: ${(error as Error).message}`);
      return;
    }
    const bitstream = client?.bitstream ?? this.nativeBitstream;
    switch (message.type) {
      case 'connect':
        this.register(peer, message.options?.bitstreamVersion, message.sender?.name);
        this.send({ type: 'serverInfo', server: this.serverInfo() }, this.nativeBitstream, peer);
        break;
      case 'discovery':
        this.send({ type: 'serverInfo', server: this.serverInfo() }, this.nativeBitstream, peer);
        break;
      case 'keepAlive':
        break;
      case 'echoRequest':
        // Echo arrived with NatNet 3.0; an older Motive would not answer.
        if (versionAtLeast(this.nativeBitstream, 3, 0)) {
          this.send(
            { type: 'echoResponse', clientStamp: message.clientStamp, serverTicks: this.ticks() },
            bitstream,
            peer,
          );
        }
        break;
      case 'requestModelDef':
        this.send({ type: 'modelDef', descriptions: this.descriptions(message.typeMask) }, bitstream, peer);
        break;
      case 'request':
        this.emit('command', message.command, peer);
        this.send(this.answer(message.command, peer), bitstream, peer);
        break;
      case 'disconnect':
        this.unregister(peer, 'disconnected');
        break;
      default:
        // Frames, responses, unknown ids: not something a client sends to Motive.
        break;
    }
  }

  private serverInfo(): ServerInfo {
    const [major, minor] = this.nativeBitstream;
    const info: ServerInfo = {
      name: this.appName,
      // NatNet 4.x ships with Motive 3.x, 3.x with Motive 2.x, 2.x with Motive 1.x (docs/protocols/natnet.md §1).
      appVersion: [Math.max(1, major - 1), minor, 0, 0],
      natnetVersion: this.nativeBitstream,
    };
    if (versionAtLeast(this.nativeBitstream, 3, 0)) {
      info.connectionInfo = {
        clockFrequency: this.clockFrequency,
        dataPort: this.dataPort,
        multicast: this.multicast !== undefined,
        multicastGroup: this.multicast?.group ?? '239.255.42.99',
      };
    }
    return info;
  }

  private register(peer: SimulatorPeer, requested: Version4 | undefined, name: string | undefined): void {
    const key = endpointKey(peer);
    const existing = this.clients.get(key);
    const bitstream = this.negotiate(requested) ?? existing?.bitstream ?? this.nativeBitstream;
    const client: ClientState = {
      ...peer,
      key,
      bitstream,
      name,
      lastSeenMs: Date.now(),
      bitstreamChangedFrames: 0,
    };
    this.clients.set(key, client);
    if (!existing) this.emit('client', { event: 'connected', ...peer, bitstream: formatVersion(bitstream), name });
  }

  private unregister(peer: SimulatorPeer, event: 'disconnected' | 'timedOut'): void {
    const key = endpointKey(peer);
    const client = this.clients.get(key);
    if (!client) return;
    this.clients.delete(key);
    this.faults.forget(key);
    this.emit('client', { event, ...peer, bitstream: formatVersion(client.bitstream), name: client.name });
  }

  private dropSilentClients(): void {
    const now = Date.now();
    for (const client of [...this.clients.values()]) {
      if (now - client.lastSeenMs > this.clientTimeoutMs) this.unregister(client, 'timedOut');
    }
  }

  /**
   * The bitstream a unicast client gets when it asks for one. Multicast always streams the native
   * version (docs/protocols/natnet.md §0 item 5). A request above the native version is clamped to it:
   * what real Motive does then is not documented (docs/protocols/natnet.md §14), and the simulator
   * cannot invent a newer layout.
   */
  private negotiate(requested: Version4 | undefined): Version4 | undefined {
    if (!requested || requested[0] === 0 || this.multicast) return undefined;
    if (!versionAtLeast(requested, OLDEST_BITSTREAM[0], OLDEST_BITSTREAM[1])) return undefined;
    return versionAtLeast(this.nativeBitstream, requested[0], requested[1]) ? requested : this.nativeBitstream;
  }

  /** The type mask is read as bit n = description type n (libNatNet sends 0xFFFFFFFF; others send none). */
  private descriptions(typeMask: number | undefined): DataDescription[] {
    const all = this.scene.descriptions();
    if (typeMask === undefined) return all;
    return all.filter((d) => {
      const id = descriptionTypeId(d);
      return id >= 0 && id < 32 && (typeMask & (1 << id)) !== 0;
    });
  }

  /** The reply to a NAT_REQUEST string (docs/protocols/natnet.md §7). */
  private answer(command: string, peer: SimulatorPeer): NatNetMessage {
    const comma = command.indexOf(',');
    const verb = comma < 0 ? command : command.slice(0, comma);
    const argument = comma < 0 ? undefined : command.slice(comma + 1);
    const ok = int32Response(0);
    switch (verb) {
      case 'FrameRate':
        return float32Response(this.rateHz);
      case 'UnitsToMillimeters':
        return float32Response(1000);
      case 'SetRecordTakeName':
        if (argument === undefined) return int32Response(1);
        this.recordTakeName = argument;
        return ok;
      case 'StartRecording':
        // Motive records live data only.
        if (this.editMode) return int32Response(1);
        this.setRecording(true);
        return ok;
      case 'StopRecording':
        this.setRecording(false);
        return ok;
      case 'LiveMode':
        this.editMode = false;
        return ok;
      case 'EditMode':
        this.setRecording(false);
        this.editMode = true;
        return ok;
      case 'CurrentMode':
        // NatNetRequests.h: 0 live, 1 recording, 2 edit (the docs page disagrees, docs/protocols/natnet.md §7).
        return int32Response(this.editMode ? 2 : this.isRecording ? 1 : 0);
      case 'AnalogSamplesPerMocapFrame':
        return int32Response(0);
      case 'Bitstream':
        return argument === undefined ? this.bitstreamQuery(peer) : this.bitstreamSwitch(argument, peer);
      case 'Disconnect':
        this.unregister(peer, 'disconnected');
        return ok;
      default:
        return { type: 'unrecognizedRequest', payload: new Uint8Array(0) };
    }
  }

  private bitstreamQuery(peer: SimulatorPeer): NatNetMessage {
    const current = this.clients.get(endpointKey(peer))?.bitstream ?? this.nativeBitstream;
    return stringResponse(`Bitstream,${current[0]}.${current[1]}`);
  }

  private bitstreamSwitch(argument: string, peer: SimulatorPeer): NatNetMessage {
    const client = this.clients.get(endpointKey(peer));
    let wanted: Version4;
    try {
      wanted = parseVersion(argument);
    } catch {
      return int32Response(1);
    }
    // Unicast clients of a NatNet ≥ 4.0 Motive only, and only versions this Motive can write.
    const switchable =
      client !== undefined &&
      !this.multicast &&
      versionAtLeast(this.nativeBitstream, 4, 0) &&
      versionAtLeast(wanted, OLDEST_BITSTREAM[0], OLDEST_BITSTREAM[1]) &&
      versionAtLeast(this.nativeBitstream, wanted[0], wanted[1]);
    if (!switchable) return int32Response(1);
    client.bitstream = wanted;
    client.bitstreamChangedFrames = FLAG_FRAMES;
    return int32Response(0);
  }

  private setRecording(on: boolean): void {
    if (this.isRecording === on) return;
    this.isRecording = on;
    this.emit('recording', on);
  }

  // ---------------------------------------------------------------------------------------------
  // data port

  /** Index of the frame whose time has most recently come, -1 before the first. */
  private dueFrameIndex(): number {
    const elapsedS = Number(process.hrtime.bigint() - this.streamOrigin) / 1e9;
    return Math.floor(elapsedS * this.rateHz);
  }

  /**
   * Drift-free pacing: frame k is due at origin + k/rate, whatever the timers did. Each tick sends
   * every frame that has come due, then sleeps until the next one (Node timers have 1 ms
   * granularity, so at 1000 Hz a tick usually sends one or two frames).
   */
  private scheduleFrames(): void {
    const tick = () => {
      if (!this.running) return;
      const due = this.dueFrameIndex();
      if (this.framesPaused) {
        this.skipTo(due + 1);
      } else {
        this.skipTo(due - Math.max(1, Math.ceil(this.rateHz * MAX_BURST_SECONDS)) + 1);
        for (; this.nextFrameIndex <= due; this.nextFrameIndex++) this.sendFrame(this.nextFrameIndex);
      }
      const nextDueNs = (this.nextFrameIndex * 1e9) / this.rateHz;
      const nowNs = Number(process.hrtime.bigint() - this.streamOrigin);
      this.frameTimer = setTimeout(tick, Math.max(0, (nextDueNs - nowNs) / 1e6));
    };
    tick();
  }

  /** Moves the schedule forward to `index` (never back), counting the frames passed over. */
  private skipTo(index: number): void {
    if (index <= this.nextFrameIndex) return;
    this.framesSkipped += index - this.nextFrameIndex;
    this.nextFrameIndex = index;
  }

  private sendFrame(index: number): void {
    const frameNumber = index + 1;
    this.lastFrameNumber = frameNumber;
    this.framesSent++;
    const timestamp = frameNumber / this.rateHz;
    const needsLegacyMarkers =
      !versionAtLeast(this.nativeBitstream, 3, 0) ||
      (!this.multicast && [...this.clients.values()].some((c) => !versionAtLeast(c.bitstream, 3, 0)));
    const transmitTicks = this.ticks();
    // A little deterministic jitter so latency figures look like a real pipeline, not constants.
    const wobble = (this.pipelineJitter() - 0.5) * 0.2e-3;
    const receivedTicks = transmitTicks - Math.round((RECEIVED_TO_TRANSMIT_S + wobble) * this.clockFrequency);
    const midTicks = receivedTicks - Math.round((CAMERA_TO_RECEIVED_S - wobble) * this.clockFrequency);
    const baseParams =
      (this.isRecording ? FrameParams.Recording : 0) |
      (this.editMode ? FrameParams.EditMode : 0) |
      (this.modelsChangedFrames > 0 ? FrameParams.ModelsChanged : 0);
    if (this.modelsChangedFrames > 0) this.modelsChangedFrames--;
    const frame: FrameOfData = {
      frameNumber,
      ...this.scene.frame(timestamp, needsLegacyMarkers),
      timecode: smpteTimecode(timestamp),
      timecodeSubframe: 0,
      timestamp,
      cameraMidExposureTicks: midTicks,
      cameraDataReceivedTicks: receivedTicks,
      transmitTicks,
      precisionTimestampSeconds: 0,
      precisionTimestampFraction: 0,
      params: baseParams,
    };

    if (this.multicast) {
      const port = this.multicast.port ?? this.dataPort;
      this.deliver(encodeMessage({ type: 'frameOfData', frame }, this.nativeBitstream), this.multicast.group, port);
      return;
    }
    // Clients on the same bitstream and flags share one encoding.
    const encoded = new Map<string, Uint8Array>();
    for (const client of this.clients.values()) {
      const params = baseParams | (client.bitstreamChangedFrames > 0 ? FrameParams.BitstreamChanged : 0);
      if (client.bitstreamChangedFrames > 0) client.bitstreamChangedFrames--;
      const key = `${formatVersion(client.bitstream)}/${params}`;
      let bytes = encoded.get(key);
      if (!bytes) {
        bytes = encodeMessage({ type: 'frameOfData', frame: { ...frame, params } }, client.bitstream);
        encoded.set(key, bytes);
      }
      this.deliver(bytes, client.address, client.port);
    }
  }

  private deliver(datagram: Uint8Array, address: string, port: number): void {
    const socket = this.dataSocket;
    if (!socket) return;
    for (const wire of this.faults.apply(datagram, endpointKey({ address, port }))) {
      sendUdpNoWait(socket, wire, port, address);
    }
  }
}

function endpointKey(peer: SimulatorPeer): string {
  return `${peer.address}:${peer.port}`;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}

function int32Response(value: number): NatNetMessage {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setInt32(0, value, true);
  return { type: 'response', payload };
}

function float32Response(value: number): NatNetMessage {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setFloat32(0, value, true);
  return { type: 'response', payload };
}

function stringResponse(text: string): NatNetMessage {
  const bytes = new TextEncoder().encode(text);
  const payload = new Uint8Array(bytes.length + 1);
  payload.set(bytes);
  return { type: 'response', payload };
}

/** SMPTE packed (hour 24–31, minute 16–23, second 8–15, frame 0–7) at 30 fps, from the frame timestamp. */
function smpteTimecode(seconds: number): number {
  const whole = Math.floor(seconds);
  const frames = Math.floor((seconds - whole) * 30);
  const hours = Math.floor(whole / 3600) % 24;
  const minutes = Math.floor(whole / 60) % 60;
  return ((hours << 24) | (minutes << 16) | ((whole % 60) << 8) | frames) >>> 0;
}
