/**
 * The VRPN client: the devices one VRPN server serves (several names share one connection, as in
 * mainline) as one Source (protocol notes, docs/protocols/vrpn.md §1, §2, §5.4, §7, §8, §11.1).
 *
 * Modes: TCP only (`Tracker0@tcp://host:port`, our default in the device file because it crosses
 * firewalls), or mainline's default UDP+TCP: a UDP connection request "<our ip> <our tcp port>"
 * every second, the server calls back on TCP, UDP_DESCRIPTIONs both ways, then tracker and analog
 * data arrive by UDP. The server calls back the IPv4 address written in the request, so this mode
 * needs an IPv4 route both ways (no NAT).
 *
 * Data: Pos_Quat → PosesSample bodies named `Device/sensor`, through the device's transform (Z up →
 * Y up etc.) before anything else sees them; buttons and dials → EventSample with `control`; analogs
 * → AnalogSample. Every decoded message goes to `onMessage` too (the CLI's probe).
 *
 * Liveness, per device as mainline does it: a ping from each device name about once a second; no
 * pong for 3 s is mainline's warning (shown as state 'stale' with the reason), for 10 s its
 * "flatlined" error, which we report as `down` so the Hub reconnects. Ping/pong round trips also
 * feed a clock model (the pong's header time is the server's wall clock), which maps every message's
 * header time into host time (docs/protocols/vrpn.md §8: there is no clock sync in the protocol itself).
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { lookup } from 'node:dns/promises';
import net, { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type {
  BodyCatalog,
  BodyPose,
  ConnectionState,
  PoseTransform,
  Sample,
  Source,
  SourceCapabilities,
  SourceCounters,
  SourceEvents,
  SourceStatus,
} from '../../hub/source';
import { StaleClock } from '../../hub/stale-clock';
import { ClockModel } from '../../time/clock-model';
import { hostTimeNs } from '../../time/host-clock';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait } from '../../net/udp';
import {
  BASE_TYPES,
  CONTROL_SENDER,
  decodeBody,
  DEFAULT_PORT,
  encodeBody,
  encodeLobRequest,
  isKnownType,
  TypeName,
  type VrpnBody,
} from './codec';
import { VrpnEndpoint, type EndpointIo, type NamedMessage } from './endpoint';
import { applyTransform, describeTransform, IDENTITY_TRANSFORM } from './transform';

export interface VrpnClientOptions {
  id?: string;
  label?: string;
  host: string;
  /** Default 3883. */
  port?: number;
  /** Sender names to follow; empty: every device the server describes. */
  devices?: readonly string[];
  /** Default true. false: mainline's UDP request + TCP callback, data by UDP. */
  tcpOnly?: boolean;
  /** Local IPv4 address written in the UDP connection request; default: the one that routes to the server. */
  localAddress?: string;
  transform?: PoseTransform;
  /** Default 3000. */
  connectTimeoutMs?: number;
  /** Default 1000 (mainline's cadence). */
  pingIntervalMs?: number;
  /** Default 3000 and 10000: mainline's warning and "flatlined" thresholds. */
  warnAfterMs?: number;
  flatlineAfterMs?: number;
  /** No sample for this long → 'stale', at most; a fast device is stale after a few of its periods (StaleClock). Default 1000. */
  staleAfterMs?: number;
  /** Every decoded device message (after the transform for poses), for the probe. */
  onMessage?: (m: VrpnDeviceMessage) => void;
}

export interface VrpnDeviceMessage {
  device: string;
  type: string;
  body: VrpnBody;
  /** Header time (the server's wall clock) in Unix ns, as sent. */
  deviceTimeNs: number;
  /** The same mapped into host time by the ping/pong clock model; undefined before the first pong. */
  deviceHostTimeNs: number | undefined;
  hostTimeNs: number;
  udp: boolean;
}

/** Names a server always describes that are not devices (docs/protocols/vrpn.md §5.3, §11.1 item 4). */
const NOT_DEVICES = new Set([CONTROL_SENDER, 'vrpn_Forwarder_Brain']);
const WATCHDOG_MS = 100;
const LOB_REPEAT_MS = 1000;

interface Liveness {
  /** performance.now() of the oldest unanswered ping, null when answered. */
  waitingSince: number | null;
  /** hostTimeNs of the last ping sent, for the clock model. */
  sentNs: number;
  lastPingAt: number;
  warned: boolean;
}

export class VrpnClient extends EventEmitter<SourceEvents> implements Source {
  readonly id: string;
  readonly kind = 'vrpn' as const;
  readonly label: string;
  readonly capabilities: SourceCapabilities;

  private readonly host: string;
  private readonly port: number;
  private readonly tcpOnly: boolean;
  private readonly wanted: Set<string>;
  private readonly options: VrpnClientOptions;
  private transform: PoseTransform;
  private state: ConnectionState = 'idle';
  private lastError: string | undefined;
  private peerVersion: string | undefined;
  private socket: net.Socket | null = null;
  private listener: net.Server | null = null;
  private udp: dgram.Socket | null = null;
  private endpoint: VrpnEndpoint | null = null;
  private timers: NodeJS.Timeout[] = [];
  private connecting: Promise<void> | null = null;
  private generation = 0;
  private downReported = false;
  private lastSampleAt = 0;
  private connectedAt = 0;
  private readonly clock = new ClockModel();
  /** The server's IPv4 address in UDP mode (datagrams are accepted from it only). */
  private serverAddress: string | null = null;
  private staleClock: StaleClock | null = null;
  private readonly liveness = new Map<string, Liveness>();
  private readonly counts: SourceCounters = { packets: 0, bytes: 0, samples: 0, malformed: 0, dropped: 0 };
  /** Endpoint counters of earlier connections, so ours stay monotonic across reconnects. */
  private readonly previous = { packets: 0, bytes: 0, malformed: 0, dropped: 0 };
  /** `Device/sensor` → body id (stable for the client's life, so the scene keeps its objects). */
  private readonly bodyIds = new Map<string, number>();
  private readonly catalog: { id: number; name: string }[] = [];
  private bodies: BodyPose[] = [];
  private readonly buttonStates = new Map<string, number[]>();

  constructor(options: VrpnClientOptions) {
    super();
    this.options = options;
    this.host = options.host;
    this.port = options.port ?? DEFAULT_PORT;
    this.tcpOnly = options.tcpOnly ?? true;
    this.wanted = new Set(options.devices ?? []);
    this.id = options.id ?? `vrpn-${this.host}:${this.port}`;
    this.label = options.label ?? `VRPN @ ${this.host}:${this.port}`;
    this.transform = options.transform ?? IDENTITY_TRANSFORM;
    this.capabilities = {
      transform: { get: () => ({ ...this.transform }), set: (t) => this.setTransform(t) },
    };
  }

  counters(): SourceCounters {
    const e = this.endpoint?.counters;
    return {
      packets: this.previous.packets + (e?.messages ?? 0),
      bytes: this.previous.bytes + (e?.bytes ?? 0),
      samples: this.counts.samples,
      malformed: this.previous.malformed + (e?.malformed ?? 0) + this.counts.malformed,
      dropped: this.previous.dropped + (e?.undescribed ?? 0),
    };
  }

  status(): SourceStatus {
    const status: SourceStatus = { state: this.state };
    if (this.peerVersion) {
      const mode = this.tcpOnly ? 'TCP' : 'UDP + TCP';
      const devices = this.wanted.size ? [...this.wanted].join(', ') : 'all devices';
      status.peer = `VRPN ${this.peerVersion} · ${mode} · ${devices} · ${describeTransform(this.transform)}`;
    }
    if (this.lastError) status.lastError = this.lastError;
    const clock = this.clock.estimate();
    if (clock) status.clock = clock;
    return status;
  }

  setTransform(t: PoseTransform): void {
    this.transform = { ...t };
    this.emit('status', this.status());
  }

  connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    if (this.endpoint?.isReady) return Promise.resolve();
    this.connecting = this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    this.generation++;
    await this.release();
    this.setState('closed');
  }

  // ---------------------------------------------------------------------------------------------
  // Connection

  private async open(): Promise<void> {
    const generation = ++this.generation;
    await this.release();
    this.downReported = false;
    this.lastError = undefined;
    this.setState('connecting');
    const timeoutMs = this.options.connectTimeoutMs ?? 3000;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const how = this.tcpOnly
            ? `no VRPN answer from ${this.host}:${this.port} within ${timeoutMs} ms`
            : `no VRPN server called back after UDP connection requests to ${this.host}:${this.port} within ${timeoutMs} ms (a firewall or NAT breaks this mode; try tcp://)`;
          reject(new Error(how));
        }, timeoutMs);
        const done = (error?: Error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        };
        const start = this.tcpOnly ? this.openTcp(done) : this.openUdpMode(done);
        start.catch((error: unknown) => done(error instanceof Error ? error : new Error(String(error))));
      });
      if (generation !== this.generation) throw new Error('VRPN connection closed while connecting');
    } catch (error) {
      if (generation === this.generation) {
        await this.release();
        this.lastError = (error as Error).message;
        this.setState('idle');
      }
      throw error;
    }
    this.connectedAt = performance.now();
    this.setState('connected');
    this.timers.push(setInterval(() => this.watchdog(), WATCHDOG_MS));
    this.pingAll();
  }

  private async openTcp(done: (error?: Error) => void): Promise<void> {
    const socket = net.connect({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.once('connect', () => this.attach(socket, null, done));
    socket.once('error', (error) => {
      done(new Error(`cannot connect to VRPN at ${this.host}:${this.port}: ${error.message}`));
      this.reportDown(`VRPN connection to ${this.host}:${this.port} failed: ${error.message}`);
    });
  }

  private async openUdpMode(done: (error?: Error) => void): Promise<void> {
    // The server calls back the IPv4 address we write, and its datagrams come from its address: an IP, not a name.
    const server = isIP(this.host) ? this.host : (await lookup(this.host, { family: 4 })).address;
    this.serverAddress = server;
    const local = this.options.localAddress ?? (await localAddressFor(server, this.port));
    const listener = net.createServer();
    this.listener = listener;
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host: local, port: 0 }, () => resolve());
    });
    const udp = await openUdpSocket({ address: local, owner: this.id });
    this.udp = udp;
    udp.on('error', () => {});
    const tcpPort = (listener.address() as net.AddressInfo).port;
    const request = encodeLobRequest(local, tcpPort);
    const lob = () => sendUdpNoWait(udp, request, this.port, server);
    lob();
    const repeat = setInterval(lob, LOB_REPEAT_MS);
    this.timers.push(repeat);
    listener.on('connection', (socket) => {
      // One call back per connection; later ones answer requests the server had queued.
      if (this.socket) {
        socket.destroy();
        return;
      }
      clearInterval(repeat);
      this.socket = socket;
      socket.setNoDelay(true);
      listener.close();
      this.attach(socket, { udp, address: local }, done);
    });
  }

  private attach(
    socket: net.Socket,
    udp: { udp: dgram.Socket; address: string } | null,
    done: (error?: Error) => void,
  ): void {
    const io: EndpointIo = { writeTcp: (bytes) => socket.write(bytes) };
    const senders = [CONTROL_SENDER, ...this.wanted];
    const endpoint = new VrpnEndpoint(
      io,
      {
        onReady: (cookie) => {
          this.peerVersion = cookie.version;
          done();
        },
        onMessage: (m) => this.onMessage(m),
        onUdpDescription: (address, port) => {
          if (udp) io.writeUdp = (bytes) => sendUdpNoWait(udp.udp, bytes, port, address);
        },
        onFatal: (reason) => {
          const message = `VRPN server at ${this.host}:${this.port}: ${reason}`;
          done(new Error(message));
          this.reportDown(message);
        },
      },
      {
        senders,
        types: [...BASE_TYPES],
        udpDescription: udp ? { address: udp.address, port: udp.udp.address().port } : undefined,
      },
    );
    this.endpoint = endpoint;
    udp?.udp.on('message', (data, rinfo) => {
      // Only the server's datagrams; anything else on our port is not for us.
      if (rinfo.address === this.serverAddress || isLoopback(rinfo.address)) endpoint.receiveUdp(data);
    });
    socket.on('data', (chunk) => endpoint.receiveTcp(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      done(new Error(`VRPN server at ${this.host}:${this.port} closed the connection during the handshake`));
      this.reportDown(`VRPN server at ${this.host}:${this.port} closed the connection`);
    });
    endpoint.start();
  }

  private async release(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const e = this.endpoint;
    if (e) {
      this.previous.packets += e.counters.messages;
      this.previous.bytes += e.counters.bytes;
      this.previous.malformed += e.counters.malformed;
      this.previous.dropped += e.counters.undescribed;
      e.close();
    }
    this.endpoint = null;
    this.socket?.destroy();
    this.socket = null;
    this.listener?.close();
    this.listener = null;
    if (this.udp) await closeUdpSocket(this.udp);
    this.udp = null;
    this.liveness.clear();
    this.staleClock?.reset();
    this.peerVersion = undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  private onMessage(m: NamedMessage): void {
    const device = m.sender;
    if (device === null || NOT_DEVICES.has(device)) return;
    if (this.wanted.size > 0 && !this.wanted.has(device)) return;
    if (!isKnownType(m.type)) return;
    let body: VrpnBody;
    try {
      body = decodeBody(m.type, m.body);
    } catch {
      this.counts.malformed++;
      return;
    }
    const hostNs = hostTimeNs();
    const deviceNs = m.tsSec * 1e9 + m.tsUsec * 1e3;
    // DTrack's first States carry time 0 (docs/protocols/vrpn.md §5.3): not a time.
    const deviceHostNs = m.tsSec === 0 ? undefined : this.clock.toHostNs(deviceNs);
    const base: { hostTimeNs: number; deviceTimeNs?: number; deviceClockNs?: number } =
      deviceHostNs === undefined ? { hostTimeNs: hostNs } : { hostTimeNs: hostNs, deviceTimeNs: deviceHostNs };
    // The server's own timestamp, kept raw for the recorder (it can re-align later).
    if (m.tsSec !== 0) base.deviceClockNs = deviceNs;
    switch (body.type) {
      case TypeName.Pong:
        this.onPong(device, hostNs, deviceNs);
        break;
      case TypeName.PosQuat:
        this.onPose(device, body, base);
        break;
      case TypeName.ButtonChange:
        this.setButton(device, body.button, body.state, base);
        break;
      case TypeName.ButtonStates:
        body.states.forEach((state, i) => this.setButton(device, i, state, base));
        break;
      case TypeName.Dial:
        this.sample({
          kind: 'event',
          name: `${device}/dial ${body.dial}`,
          value: body.delta,
          control: { device, kind: 'dial', index: body.dial },
          ...base,
        });
        break;
      case TypeName.Analog:
        this.sample({ kind: 'analog', channels: body.channels, device, ...base });
        break;
      default:
        break;
    }
    this.liveOf(device);
    this.options.onMessage?.({
      device,
      type: m.type,
      body,
      deviceTimeNs: deviceNs,
      deviceHostTimeNs: deviceHostNs,
      hostTimeNs: hostNs,
      udp: m.udp,
    });
  }

  private onPose(
    device: string,
    body: Extract<VrpnBody, { type: typeof TypeName.PosQuat }>,
    base: { hostTimeNs: number; deviceTimeNs?: number; deviceClockNs?: number },
  ): void {
    const name = `${device}/${body.sensor}`;
    let id = this.bodyIds.get(name);
    let index: number;
    if (id === undefined) {
      id = this.catalog.length + 1;
      this.bodyIds.set(name, id);
      this.catalog.push({ id, name });
      this.emit('catalog', { bodies: this.catalog.map((b) => ({ ...b })) } satisfies BodyCatalog);
      index = this.bodies.length;
      this.bodies = [...this.bodies, { id, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: true }];
    } else {
      index = this.bodies.findIndex((b) => b.id === id);
    }
    const pose = applyTransform(this.transform, body.position, body.quaternion, {
      id,
      x: 0,
      y: 0,
      z: 0,
      qx: 0,
      qy: 0,
      qz: 0,
      qw: 1,
      valid: true,
    });
    // A new array per sample: a sample handed out is never changed afterwards (the link may still hold it).
    const bodies = this.bodies.slice();
    bodies[index] = pose;
    this.bodies = bodies;
    body.position = [pose.x, pose.y, pose.z];
    body.quaternion = [pose.qx, pose.qy, pose.qz, pose.qw];
    this.sample({ kind: 'poses', bodies, raw: { device, sensor: body.sensor }, ...base });
  }

  private setButton(
    device: string,
    button: number,
    state: number,
    base: { hostTimeNs: number; deviceTimeNs?: number; deviceClockNs?: number },
  ): void {
    let states = this.buttonStates.get(device);
    if (!states) {
      states = [];
      this.buttonStates.set(device, states);
    }
    if (states[button] === state) return;
    states[button] = state;
    this.sample({
      kind: 'event',
      name: `${device}/button ${button}`,
      value: state,
      control: { device, kind: 'button', index: button },
      ...base,
    });
  }

  private sample(sample: Sample): void {
    this.counts.samples++;
    this.lastSampleAt = performance.now();
    this.staleClock ??= new StaleClock({ ceilingMs: this.options.staleAfterMs ?? 1000 });
    this.staleClock.sample(this.lastSampleAt);
    if (this.state !== 'streaming' && this.state !== 'stale') this.setState('streaming');
    else if (this.state === 'stale' && !this.anyWarning()) this.setState('streaming');
    this.emit('sample', sample);
  }

  // ---------------------------------------------------------------------------------------------
  // Liveness and clock

  private liveOf(device: string): Liveness {
    let l = this.liveness.get(device);
    if (!l) {
      l = { waitingSince: null, sentNs: 0, lastPingAt: -Infinity, warned: false };
      this.liveness.set(device, l);
    }
    return l;
  }

  private pingAll(): void {
    for (const name of this.wanted) this.liveOf(name);
    const now = performance.now();
    const interval = this.options.pingIntervalMs ?? 1000;
    for (const [device, l] of this.liveness) {
      if (now - l.lastPingAt < interval) continue;
      l.lastPingAt = now;
      l.waitingSince ??= now;
      l.sentNs = hostTimeNs();
      this.endpoint?.send(device, TypeName.Ping, encodeBody({ type: TypeName.Ping }));
    }
  }

  private onPong(device: string, hostNs: number, deviceNs: number): void {
    const l = this.liveOf(device);
    if (l.waitingSince !== null) this.clock.addRoundTrip(l.sentNs, deviceNs, hostNs);
    l.waitingSince = null;
    if (l.warned) {
      l.warned = false;
      if (!this.anyWarning()) {
        this.lastError = undefined;
        this.setState(
          performance.now() - this.lastSampleAt < (this.options.staleAfterMs ?? 1000) ? 'streaming' : 'connected',
        );
        this.emit('status', this.status());
      }
    }
  }

  private anyWarning(): boolean {
    for (const l of this.liveness.values()) if (l.warned) return true;
    return false;
  }

  private watchdog(): void {
    if (!this.endpoint?.isReady) return;
    this.pingAll();
    const now = performance.now();
    const warnAfter = this.options.warnAfterMs ?? 3000;
    const flatlineAfter = this.options.flatlineAfterMs ?? 10_000;
    for (const [device, l] of this.liveness) {
      if (l.waitingSince === null) continue;
      const silent = now - l.waitingSince;
      if (silent >= flatlineAfter) {
        this.reportDown(
          `no response from "${device}" for ${Math.round(silent / 1000)} s: flatlined (is there a device of that name on ${this.host}:${this.port}?)`,
        );
        return;
      }
      if (silent >= warnAfter && !l.warned) {
        l.warned = true;
        this.lastError = `no response from "${device}" for ≥ ${Math.floor(silent / 1000)} s`;
        this.setState('stale');
        this.emit('status', this.status());
      }
    }
    const staleAfter = this.staleClock?.thresholdMs() ?? this.options.staleAfterMs ?? 1000;
    const last = this.lastSampleAt || this.connectedAt;
    if (this.state === 'streaming' && now - last > staleAfter) this.setState('stale');
  }

  private reportDown(reason: string): void {
    if (this.downReported || this.state === 'closed' || this.state === 'idle' || this.state === 'connecting') return;
    this.downReported = true;
    this.lastError = reason;
    this.emit('status', this.status());
    this.emit('down', reason);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('status', this.status());
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

/** The local IPv4 address that routes to the server: what mainline writes in its connection request. */
async function localAddressFor(host: string, port: number): Promise<string> {
  if (isLoopback(host)) return '127.0.0.1';
  const probe = await openUdpSocket({ peer: host });
  try {
    await new Promise<void>((resolve, reject) =>
      probe.connect(port, host, (error?: Error) => (error ? reject(error) : resolve())),
    );
    return probe.address().address;
  } finally {
    await closeUdpSocket(probe);
  }
}
