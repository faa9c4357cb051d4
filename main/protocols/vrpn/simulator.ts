/**
 * A VRPN server the way mainline `vrpn_server` 07.38 behaves on the wire (protocol notes, docs/protocols/vrpn.md §2,
 * §3, §5, §7, §9–§11.2), serving simulated trackers, buttons, analogs and dials:
 *
 *  - TCP and UDP on the same port. TCP: both sides write their cookie at once; a bad cookie (other
 *    major, log digit outside 0..3, not VRPN at all) closes the connection. UDP: the client's
 *    connection request "<ip> <port>" (letters, digits and dots; port ≥ 1024), answered by connecting
 *    back to the address IN the request, then UDP_DESCRIPTIONs both ways and tracker and analog data
 *    by UDP in datagrams of at most 1472 bytes. A UDP_DESCRIPTION on a connection the client opened
 *    itself is ignored, as mainline does (docs/protocols/vrpn.md §2.3).
 *  - Descriptions in id order: `VRPN Control`, the devices, then the connection types, the tracker
 *    types, base, button, dial and analog types; then `vrpn_Button States` of every button device
 *    (timestamp 0 until it changed, as DTrack's in the capture).
 *  - Pings from a described device name get a pong from that name (buttons send their States first);
 *    the tracker requests get the stock Phantom room transform and workspace (docs/protocols/vrpn.md §10.1).
 *  - Faults for tests: cut every connection, write garbage, stop reading (a slow reader), withhold pongs.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait } from '../../net/udp';
import {
  BASE_TYPES,
  BUTTON_TYPES,
  CONNECTION_TYPES,
  CONTROL_SENDER,
  decodeBody,
  decodeLobRequest,
  DEFAULT_PORT,
  encodeBody,
  isKnownType,
  TRACKER_TYPES,
  TypeName,
  type Quat,
  type Vec3,
  type VrpnBody,
} from './codec';
import { VrpnEndpoint, wallClock, type EndpointIo, type NamedMessage } from './endpoint';
import { axisAngleQuat } from '../../../preload/shared/quaternion';

const Z_AXIS = [0, 0, 1] as const;

export interface SimTracker {
  name: string;
  sensors: number;
  rateHz: number;
}
export interface SimButton {
  name: string;
  count: number;
  /** One button changes state every this many ms (0: only when told, see press()). */
  periodMs: number;
}
export interface SimAnalog {
  name: string;
  channels: number;
  rateHz: number;
}
export interface SimDial {
  name: string;
  /** One report of `delta` revolutions every this many ms. */
  periodMs: number;
  delta: number;
}

export interface VrpnSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 3883; 0 lets the OS pick (TCP first, then UDP on the same number). */
  port?: number;
  trackers?: SimTracker[];
  buttons?: SimButton[];
  analogs?: SimAnalog[];
  dials?: SimDial[];
  /** The server's wall clock as VRPN headers carry it; time-alignment tests inject an offset and drift. */
  clock?: () => { tsSec: number; tsUsec: number };
}

/** `sightline sim vrpn --trackers N --sensors N --rate HZ`: Tracker0…, plus Button0, Analog0 and Dial0. */
export function simulatorDevices(
  trackers = 1,
  sensors = 2,
  rateHz = 60,
): Required<Omit<VrpnSimulatorOptions, 'host' | 'port' | 'clock'>> {
  return {
    trackers: Array.from({ length: trackers }, (_, i) => ({ name: `Tracker${i}`, sensors, rateHz })),
    buttons: [{ name: 'Button0', count: 4, periodMs: 500 }],
    analogs: [{ name: 'Analog0', channels: 4, rateHz: 30 }],
    dials: [{ name: 'Dial0', periodMs: 500, delta: 0.25 }],
  };
}

/** Mainline's DESKTOP_PHANTOM_DEFAULTS, which every stock tracker reports (docs/protocols/vrpn.md §10.1). */
export const STOCK_ROOM: { position: Vec3; quaternion: Quat } = { position: [0, 0, -0.28], quaternion: [0, 0, 0, 1] };
export const STOCK_WORKSPACE: { min: Vec3; max: Vec3 } = { min: [-0.2, -0.2, -0.1], max: [0.2, 0.2, 0.2] };

const FORWARDER = 'vrpn_Forwarder_Brain';
const FORWARDER_TYPES = ['vrpn_Forwarder_Brain start_forwarding', 'vrpn_Forwarder_Brain forward'];
const MAX_RATE_HZ = 1000;
/** A client that stopped reading is dropped once this much output waits for it (mainline would block instead). */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
/** After a long event-loop pause, send at most this much of the missed schedule. */
const MAX_BURST_S = 0.25;

export interface SimulatorCounters {
  connections: number;
  rejected: number;
  /** Messages sent, by type name, over all connections. */
  sent: Record<string, number>;
  pingsAnswered: number;
}

export interface VrpnSimulatorEvents {
  connection: [{ mode: 'tcp' | 'udp'; peer: string }];
  rejected: [string];
  text: [{ sender: string | null; severity: number; text: string }];
  closed: [{ peer: string; reason: string }];
}

interface Connection {
  readonly socket: net.Socket;
  readonly endpoint: VrpnEndpoint;
  readonly io: EndpointIo;
  readonly mode: 'tcp' | 'udp';
  readonly peer: string;
  udp: dgram.Socket | null;
  /** Counts per connection, for the zero-loss check. */
  posQuatSent: number;
}

interface Stream {
  rateHz: number;
  next: number;
  send(index: number, atS: number): void;
}

export class VrpnSimulator extends EventEmitter<VrpnSimulatorEvents> {
  readonly host: string;
  private wantedPort: number;
  private readonly trackers: SimTracker[];
  private readonly buttons: SimButton[];
  private readonly analogs: SimAnalog[];
  private readonly dials: SimDial[];
  private readonly clock: () => { tsSec: number; tsUsec: number };
  private readonly senders: string[];
  private readonly types: string[];
  private tcp: net.Server | null = null;
  private lobSocket: dgram.Socket | null = null;
  private readonly connections = new Set<Connection>();
  private readonly pendingLobs = new Set<string>();
  private readonly buttonStates = new Map<string, { states: number[]; ts: { tsSec: number; tsUsec: number } }>();
  private timers: NodeJS.Timeout[] = [];
  private streamTimer: NodeJS.Timeout | null = null;
  private streams: Stream[] = [];
  private origin = 0n;
  private running = false;
  private readingPausedUntil = 0;
  private pongs = true;
  readonly counters: SimulatorCounters = { connections: 0, rejected: 0, sent: {}, pingsAnswered: 0 };

  constructor(options: VrpnSimulatorOptions = {}) {
    super();
    const defaults = simulatorDevices();
    this.host = options.host ?? '127.0.0.1';
    this.wantedPort = options.port ?? DEFAULT_PORT;
    this.trackers = (options.trackers ?? defaults.trackers).map((t) => ({
      ...t,
      sensors: Math.max(1, Math.min(1024, Math.floor(t.sensors))),
      rateHz: Math.max(0.1, Math.min(MAX_RATE_HZ, t.rateHz)),
    }));
    this.buttons = options.buttons ?? defaults.buttons;
    this.analogs = options.analogs ?? defaults.analogs;
    this.dials = options.dials ?? defaults.dials;
    this.clock = options.clock ?? wallClock;
    const names = [...this.trackers, ...this.buttons, ...this.analogs, ...this.dials].map((d) => d.name);
    // One sender per name, as mainline does when several device classes share one (DTrack in the capture).
    // vrpn_server always adds its forwarder, with two types of its own (docs/protocols/vrpn.md §5.3); clients ignore it.
    this.senders = [CONTROL_SENDER, ...new Set(names), FORWARDER];
    this.types = [
      ...CONNECTION_TYPES,
      ...(this.trackers.length ? TRACKER_TYPES : []),
      ...BASE_TYPES,
      ...(this.buttons.length ? BUTTON_TYPES : []),
      ...(this.dials.length ? [TypeName.Dial] : []),
      ...(this.analogs.length ? [TypeName.Analog] : []),
      ...FORWARDER_TYPES,
    ];
    for (const b of this.buttons)
      this.buttonStates.set(b.name, { states: new Array<number>(b.count).fill(0), ts: { tsSec: 0, tsUsec: 0 } });
  }

  /** The port TCP and UDP listen on (after start). */
  get port(): number {
    return this.wantedPort;
  }

  get deviceNames(): readonly string[] {
    return this.senders.slice(1, -1);
  }

  /** Pos_Quat messages sent to each connection so far (oldest connection first). */
  posQuatSentPerConnection(): number[] {
    return [...this.connections].map((c) => c.posQuatSent);
  }

  async start(): Promise<{ port: number }> {
    if (this.running) return { port: this.wantedPort };
    // With port 0, TCP picks a number and UDP takes the same; rarely UDP finds it taken: try again.
    for (let attempt = 0; ; attempt++) {
      const server = net.createServer((socket) => this.accept(socket));
      server.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: this.wantedPort, host: this.host }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const port = (server.address() as net.AddressInfo).port;
      try {
        this.lobSocket = await openUdpSocket({ address: this.host, port });
      } catch (error) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (this.wantedPort !== 0 || attempt >= 5) throw error;
        continue;
      }
      this.lobSocket.on('message', (data, rinfo) => this.onLobRequest(data, rinfo.address));
      this.lobSocket.on('error', () => {});
      this.tcp = server;
      this.wantedPort = port;
      break;
    }
    this.running = true;
    this.startStreams();
    return { port: this.wantedPort };
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.streamTimer) clearTimeout(this.streamTimer);
    this.streamTimer = null;
    // Graceful: what was already sent still reaches the clients, as when a real server exits.
    for (const c of [...this.connections]) this.drop(c, 'simulator stopped', true);
    const tcp = this.tcp;
    this.tcp = null;
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (this.lobSocket) await closeUdpSocket(this.lobSocket);
    this.lobSocket = null;
    this.pendingLobs.clear();
  }

  /** Stop, wait, start again on the same port: a server restart as clients see it. */
  async restart(downtimeMs = 0): Promise<void> {
    await this.stop();
    if (downtimeMs > 0) await new Promise((resolve) => setTimeout(resolve, downtimeMs));
    await this.start();
  }

  // ---------------------------------------------------------------------------------------------
  // Faults

  /** Drops every connection at once (network cut, server crash without a restart). */
  cut(reason = 'cut by fault injection'): void {
    for (const c of [...this.connections]) this.drop(c, reason);
  }

  /** Writes bytes that are not VRPN into every connection's TCP stream. */
  garbage(bytes = 64): void {
    const junk = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) junk[i] = (i * 151 + 7) & 0xff;
    // A length field of gigabytes first, so the junk cannot pass for a message.
    junk.writeUInt32BE(0xfffffff0, 0);
    for (const c of this.connections) {
      c.endpoint.flush();
      c.socket.write(junk);
    }
  }

  /** Stops reading from clients for a while (a slow reader): their pings wait, the client sees no pong. */
  slowReader(ms: number): void {
    this.readingPausedUntil = Date.now() + ms;
    for (const c of this.connections) c.socket.pause();
    const timer = setTimeout(() => {
      for (const c of this.connections) c.socket.resume();
    }, ms);
    this.timers.push(timer);
  }

  /** Answer pings or not (a server whose device objects stopped responding). */
  setPongs(on: boolean): void {
    this.pongs = on;
  }

  /** Sets a button (sends a Change when it differs), for tests and demos that need a known press. */
  press(device: string, button: number, state: 0 | 1): void {
    const entry = this.buttonStates.get(device);
    if (!entry || button < 0 || button >= entry.states.length || entry.states[button] === state) return;
    entry.states[button] = state;
    entry.ts = this.clock();
    this.broadcast(device, { type: TypeName.ButtonChange, button, state }, { ts: entry.ts });
  }

  // ---------------------------------------------------------------------------------------------
  // Connections

  private accept(socket: net.Socket): void {
    this.open(socket, 'tcp', `${socket.remoteAddress}:${socket.remotePort}`, null);
  }

  private onLobRequest(data: Buffer, from: string): void {
    let request: { address: string; port: number };
    try {
      request = decodeLobRequest(data);
    } catch (error) {
      this.reject(`UDP connection request from ${from} refused: ${(error as Error).message}`);
      return;
    }
    const key = `${request.address}:${request.port}`;
    // The client repeats its request until we call; one call per request.
    if (this.pendingLobs.has(key)) return;
    this.pendingLobs.add(key);
    const socket = net.connect({ host: request.address, port: request.port });
    socket.once('error', () => {
      this.pendingLobs.delete(key);
      this.reject(`calling back ${key} failed`);
    });
    socket.once('connect', () => {
      openUdpSocket({ address: this.host })
        .then((udp) => {
          if (!this.running || socket.destroyed) {
            void closeUdpSocket(udp);
            socket.destroy();
            return;
          }
          this.open(socket, 'udp', key, udp);
        })
        .catch(() => socket.destroy());
    });
    socket.once('close', () => this.pendingLobs.delete(key));
  }

  private open(socket: net.Socket, mode: 'tcp' | 'udp', peer: string, udp: dgram.Socket | null): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const io: EndpointIo = { writeTcp: (bytes) => this.write(connection, bytes) };
    const udpDescription = udp ? { address: this.host, port: udp.address().port } : undefined;
    const endpoint = new VrpnEndpoint(
      io,
      {
        onReady: () => this.onReady(connection),
        onMessage: (m) => this.onMessage(connection, m),
        onUdpDescription: (address, port) => {
          // Only on connections we called back: mainline ignores it on TCP-accepted ones.
          if (connection.mode !== 'udp' || !connection.udp) return;
          const out = connection.udp;
          io.writeUdp = (bytes) => sendUdpNoWait(out, bytes, port, address);
        },
        onFatal: (reason) => {
          this.reject(`${peer}: ${reason}`);
          this.drop(connection, reason);
        },
      },
      { senders: this.senders, types: this.types, udpDescription, clock: this.clock },
    );
    const connection: Connection = { socket, endpoint, io, mode, peer, udp, posQuatSent: 0 };
    this.connections.add(connection);
    udp?.on('message', (data) => endpoint.receiveUdp(data));
    udp?.on('error', () => {});
    socket.on('data', (chunk) => endpoint.receiveTcp(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.drop(connection, 'peer closed the connection'));
    if (Date.now() < this.readingPausedUntil) socket.pause();
    endpoint.start();
  }

  private write(connection: Connection, bytes: Uint8Array): void {
    if (connection.socket.destroyed) return;
    if (connection.socket.writableLength > MAX_BACKLOG_BYTES) {
      this.drop(connection, `the client stopped reading (${connection.socket.writableLength} bytes waiting)`);
      return;
    }
    connection.socket.write(bytes);
  }

  private drop(connection: Connection, reason: string, graceful = false): void {
    if (!this.connections.delete(connection)) return;
    if (graceful) connection.endpoint.flush();
    connection.endpoint.close();
    if (graceful) {
      const socket = connection.socket;
      socket.end();
      // A client that never closes its side must not keep stop() waiting.
      setTimeout(() => socket.destroy(), 1000).unref();
    } else connection.socket.destroy();
    if (connection.udp) void closeUdpSocket(connection.udp);
    this.emit('closed', { peer: connection.peer, reason });
  }

  private reject(reason: string): void {
    this.counters.rejected++;
    this.emit('rejected', reason);
  }

  private onReady(connection: Connection): void {
    this.counters.connections++;
    this.emit('connection', { mode: connection.mode, peer: connection.peer });
    // What mainline's button objects do on Got_Connection (docs/protocols/vrpn.md §5.3 step 5).
    for (const [name, entry] of this.buttonStates) {
      this.sendTo(connection, name, { type: TypeName.ButtonStates, states: entry.states }, { ts: entry.ts });
    }
  }

  private onMessage(connection: Connection, m: NamedMessage): void {
    if (m.sender === null || !this.deviceNames.includes(m.sender) || !isKnownType(m.type)) return;
    let body: VrpnBody;
    try {
      body = decodeBody(m.type, m.body);
    } catch {
      return;
    }
    const device = m.sender;
    switch (body.type) {
      case TypeName.Ping: {
        if (!this.pongs) return;
        const buttons = this.buttonStates.get(device);
        if (buttons)
          this.sendTo(connection, device, { type: TypeName.ButtonStates, states: buttons.states }, { ts: buttons.ts });
        this.sendTo(connection, device, { type: TypeName.Pong });
        this.counters.pingsAnswered++;
        return;
      }
      case TypeName.RequestToRoom:
        this.sendTo(connection, device, { type: TypeName.ToRoom, ...STOCK_ROOM });
        return;
      case TypeName.RequestWorkspace:
        this.sendTo(connection, device, { type: TypeName.Workspace, ...STOCK_WORKSPACE });
        return;
      case TypeName.RequestUnitToSensor: {
        const tracker = this.trackers.find((t) => t.name === device);
        for (let s = 0; s < (tracker?.sensors ?? 0); s++) {
          this.sendTo(connection, device, {
            type: TypeName.UnitToSensor,
            sensor: s,
            pad: 0,
            position: [0, 0, 0],
            quaternion: [0, 0, 0, 1],
          });
        }
        return;
      }
      case TypeName.Text:
        this.emit('text', { sender: m.sender, severity: body.severity, text: body.text });
        return;
      default:
        return;
    }
  }

  private sendTo(
    connection: Connection,
    sender: string,
    body: VrpnBody,
    options: { udp?: boolean; ts?: { tsSec: number; tsUsec: number } } = {},
  ): void {
    this.sendEncoded(connection, sender, body.type, encodeBody(body), options);
  }

  private sendEncoded(
    connection: Connection,
    sender: string,
    type: string,
    bytes: Uint8Array,
    options: { udp?: boolean; ts?: { tsSec: number; tsUsec: number } },
  ): void {
    if (!connection.endpoint.isReady) return;
    connection.endpoint.send(sender, type, bytes, options);
    this.counters.sent[type] = (this.counters.sent[type] ?? 0) + 1;
    if (type === TypeName.PosQuat) connection.posQuatSent++;
  }

  private broadcast(
    sender: string,
    body: VrpnBody,
    options: { udp?: boolean; ts?: { tsSec: number; tsUsec: number } } = {},
  ): void {
    if (this.connections.size === 0) return;
    const bytes = encodeBody(body);
    for (const c of this.connections) this.sendEncoded(c, sender, body.type, bytes, options);
  }

  // ---------------------------------------------------------------------------------------------
  // Streams

  private startStreams(): void {
    this.origin = process.hrtime.bigint();
    this.streams = [
      ...this.trackers.map((t, ti): Stream => ({
        rateHz: t.rateHz,
        next: 0,
        send: (_index, atS) => {
          for (let s = 0; s < t.sensors; s++) {
            const pose = trackerPath(ti, s, atS);
            // Mainline repeats the sensor number in the pad word (docs/protocols/vrpn.md §0); tracker data is low-latency: UDP when there is a channel.
            this.broadcast(t.name, { type: TypeName.PosQuat, sensor: s, pad: s, ...pose }, { udp: true });
          }
        },
      })),
      ...this.analogs.map((a): Stream => ({
        rateHz: a.rateHz,
        next: 0,
        send: (_index, atS) => {
          const channels = Array.from(
            { length: a.channels },
            (_, c) => Math.round(Math.sin(atS * (0.5 + c * 0.3) * 2 * Math.PI) * 1000) / 1000,
          );
          this.broadcast(a.name, { type: TypeName.Analog, channels }, { udp: true });
        },
      })),
    ];
    for (const b of this.buttons) {
      if (b.periodMs <= 0) continue;
      let next = 0;
      this.timers.push(
        setInterval(() => {
          const states = this.buttonStates.get(b.name)!.states;
          const button = next++ % b.count;
          this.press(b.name, button, states[button] ? 0 : 1);
        }, b.periodMs),
      );
    }
    for (const d of this.dials) {
      this.timers.push(
        setInterval(() => this.broadcast(d.name, { type: TypeName.Dial, delta: d.delta, dial: 0 }), d.periodMs),
      );
    }
    this.tickStreams();
  }

  /** Drift-free: sample k of a stream is due at origin + k / rate, whatever the timers did. */
  private tickStreams(): void {
    if (!this.running) return;
    const nowS = Number(process.hrtime.bigint() - this.origin) / 1e9;
    let wakeS = Infinity;
    for (const s of this.streams) {
      const due = Math.floor(nowS * s.rateHz);
      s.next = Math.max(s.next, due - Math.ceil(s.rateHz * MAX_BURST_S) + 1);
      for (; s.next <= due; s.next++) s.send(s.next, s.next / s.rateHz);
      wakeS = Math.min(wakeS, s.next / s.rateHz);
    }
    if (wakeS === Infinity) return;
    this.streamTimer = setTimeout(() => this.tickStreams(), Math.max(0, (wakeS - nowS) * 1000));
  }
}

/** A smooth path per sensor in a Z-up room (VRPN's usual convention): a circle at 1.2 m with a bob and a yaw. */
export function trackerPath(tracker: number, sensor: number, atS: number): { position: Vec3; quaternion: Quat } {
  const phase = tracker * 1.3 + sensor * (Math.PI / 2);
  const w = 0.6;
  const radius = 0.6 + 0.25 * tracker + 0.15 * sensor;
  const angle = w * atS + phase;
  const yaw = angle + Math.PI / 2;
  return {
    position: [radius * Math.cos(angle), radius * Math.sin(angle), 1.2 + 0.15 * Math.sin(2 * w * atS + phase)],
    quaternion: axisAngleQuat(Z_AXIS, yaw),
  };
}
