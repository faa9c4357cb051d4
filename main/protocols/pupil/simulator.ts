/**
 * The Companion simulator (`sightline sim pupil`, demo mode, every Pupil test): a Pupil Invisible
 * or Neon Companion phone on the network (protocol notes, docs/protocols/pupil.md §10.1).
 *
 * - HTTP (default 8080): the REST API under /api with the `{message, result}` envelope and the
 *   phone's error replies, and the status WebSocket on /api/status (a burst of every component on
 *   connect, then a push whenever something changes; an unchanged Sensor is never re-sent).
 * - RTSP (default 8086): world video, gaze, and on Neon IMU and eye events (simulator-streams.ts).
 * - Time Echo (default 12321) on the phone clock, which has a configurable offset and drift.
 * - mDNS: `PI monitor:<phone name>:<device id>` as `_http._tcp`.
 * - Faults (simulator-faults.ts) settable at run time.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RtspServer } from '../../net/rtsp/server';
import { PhoneAdvertisement, SERVICE_PREFIX } from './discovery';
import type { GazePayloadLength } from './payloads';
import { PhoneClock } from './phone-clock';
import { loadSceneClip, type SceneClip } from './scene-clip';
import { type PupilFaults, seededRandom } from './simulator-faults';
import { type Camera, CompanionStreams, type SimulatorStreamEvents } from './simulator-streams';
import type { Recording, Sensor, StatusComponent } from './status';
import { startTimeEchoServer } from './time-echo';

export interface CompanionSimulatorOptions {
  /** Default 'invisible'. */
  family?: 'invisible' | 'neon';
  host?: string;
  /** HTTP port (REST + status WebSocket). Default 8080; 0 lets the OS pick. */
  port?: number;
  /** RTSP port. Default 8086; 0 lets the OS pick. */
  rtspPort?: number;
  /** Time Echo port. Default 12321; 0 lets the OS pick. */
  timeEchoPort?: number;
  phoneName?: string;
  deviceId?: string;
  /** Phone clock − host clock, ms. Default 0. */
  clockOffsetMs?: number;
  clockDriftPpm?: number;
  /** Announce over mDNS on this interface address (e.g. 127.0.0.1); no announcement when undefined. */
  mdnsInterface?: string;
  /** Gaze payload size (9 = plain; 17, 25, 65, 89, 105 the richer formats). Default 9. */
  gazeLength?: GazePayloadLength;
  /** Echo `interleaved=` in TCP SETUP answers (Companion 2.9.31 does not). Default true. */
  echoInterleaved?: boolean;
  faults?: PupilFaults;
  /** RTSP session timeout announced in SETUP answers, s. Default 60 (what the phone says). */
  rtspSessionTimeoutS?: number;
  /** Seed of the fault generator. */
  seed?: number;
  /** The selected template has a required field with no answer (recording:start and stop refuse). */
  templateRequired?: boolean;
  batteryLevel?: number;
}

export interface SimulatorPorts {
  port: number;
  rtspPort: number;
  timeEchoPort: number;
}

export interface CompanionSimulatorEvents extends SimulatorStreamEvents {
  request: [string];
}

const TEMPLATE_ITEM = '5b2cf7d4-3e61-4f1e-9c44-0f7c0a2d1b11';

export class CompanionSimulator extends EventEmitter<CompanionSimulatorEvents> {
  readonly family: 'invisible' | 'neon';
  readonly clock: PhoneClock;
  readonly clip: SceneClip;
  readonly phoneName: string;
  readonly deviceId: string;
  faults: PupilFaults;
  worn = true;
  gazeLength: GazePayloadLength;
  batteryLevel: number;
  templateRequired: boolean;
  private readonly options: CompanionSimulatorOptions;
  private readonly host: string;
  private readonly random: () => number;
  private readonly streams: CompanionStreams;
  private readonly rtsp: RtspServer;
  private http: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  private readonly httpSockets = new Set<net.Socket>();
  private timeEcho: { port: number; close(): Promise<void> } | undefined;
  private advertisement: PhoneAdvertisement | undefined;
  private ports: SimulatorPorts | undefined;
  private recording: (Recording & { startedHostMs: number }) | undefined;
  private readonly sensorsConnected = new Map<Camera, boolean>();
  private templateData: Record<string, string[]> = {};
  /** Status components pushed to WebSocket clients so far (tests count churn). */
  pushes = 0;

  constructor(options: CompanionSimulatorOptions = {}) {
    super();
    this.options = options;
    this.family = options.family ?? 'invisible';
    this.host = options.host ?? '127.0.0.1';
    this.phoneName = options.phoneName ?? (this.family === 'neon' ? 'Neon Companion' : 'OnePlus8');
    this.deviceId = options.deviceId ?? 'd55a33b5ab845785';
    this.faults = { ...options.faults };
    this.gazeLength = options.gazeLength ?? 9;
    this.batteryLevel = options.batteryLevel ?? 77;
    this.templateRequired = options.templateRequired ?? false;
    this.random = seededRandom(options.seed ?? 1);
    this.clock = new PhoneClock({ offsetNs: (options.clockOffsetMs ?? 0) * 1e6, driftPpm: options.clockDriftPpm });
    this.clip = loadSceneClip();
    for (const c of this.cameras()) this.sensorsConnected.set(c, true);
    this.streams = new CompanionStreams({
      clip: this.clip,
      clock: this.clock,
      neon: this.family === 'neon',
      host: this.host,
      faults: () => this.faults,
      random: this.random,
      worn: () => this.worn,
      gazeLength: () => this.gazeLength,
      sensorConnected: (c) => this.sensorsConnected.get(c) ?? false,
    });
    for (const e of ['gaze', 'frame', 'receiverReport', 'rtcpGarbage'] as const)
      this.streams.on(e, (...args: unknown[]) => (this.emit as (e: string, ...a: unknown[]) => boolean)(e, ...args));
    this.rtsp = new RtspServer(
      {
        host: this.host,
        port: options.rtspPort ?? 8086,
        serverName: 'Pupil Invisible RTSP Server',
        echoInterleaved: options.echoInterleaved,
        sessionTimeoutS: options.rtspSessionTimeoutS,
      },
      this.streams,
    );
  }

  get serviceName(): string {
    return `${SERVICE_PREFIX}:${this.phoneName}:${this.deviceId}`;
  }

  async start(): Promise<SimulatorPorts> {
    const rtspPort = await this.rtsp.start();
    this.timeEcho = await startTimeEchoServer(
      this.host,
      this.options.timeEchoPort ?? 12321,
      () => this.clock.wallNs() / 1e6,
    );
    const server = http.createServer((req, res) => this.onHttp(req, res));
    server.on('connection', (s) => {
      this.httpSockets.add(s);
      s.on('close', () => this.httpSockets.delete(s));
    });
    this.http = server;
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] !== '/api/status') {
        socket.destroy();
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onStatusSocket(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 8080, this.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    const port = (server.address() as net.AddressInfo).port;
    this.ports = { port, rtspPort, timeEchoPort: this.timeEcho.port };
    if (this.options.mdnsInterface !== undefined)
      this.advertisement = new PhoneAdvertisement(this.serviceName, port, {
        interfaceAddress: this.options.mdnsInterface,
      });
    return this.ports;
  }

  async stop(): Promise<void> {
    for (const s of this.rtsp.activeSessions()) this.streams.bye(s);
    await this.advertisement?.stop();
    this.advertisement = undefined;
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    await this.rtsp.stop();
    await this.timeEcho?.close();
    const server = this.http;
    this.http = undefined;
    if (server) {
      for (const s of this.httpSockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  // ---- controls for tests, faults and the CLI ----

  /** Closes every status WebSocket (a Wi-Fi hiccup); clients must reconnect. */
  dropStatusSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** Drops every RTSP connection (the phone vanishing mid-stream). */
  dropStreams(): void {
    this.rtsp.dropConnections();
  }

  /** Steps the phone's wall clock (an NTP correction); the next sender reports show it. */
  stepClock(ms: number): void {
    this.clock.step(ms * 1e6);
  }

  setFaults(faults: PupilFaults): void {
    this.faults = { ...faults };
  }

  setSensorConnected(camera: Camera, connected: boolean): void {
    if (this.sensorsConnected.get(camera) === connected) return;
    this.sensorsConnected.set(camera, connected);
    for (const s of this.sensorComponents().filter((c) => c.data.sensor === camera)) this.push(s);
  }

  /** Re-sends every Sensor component unchanged (churn: the official simple client restarts streams on each). */
  repeatSensors(): void {
    for (const c of this.sensorComponents()) this.push(c);
  }

  setBattery(level: number): void {
    this.batteryLevel = level;
    this.push(this.phoneComponent());
  }

  /** The phone's recording watchdog failing mid-recording (Neon ≥ 2.9.0). */
  failRecording(message = 'Recording Watchdog failure'): void {
    if (!this.recording) return;
    this.pushRecording('ERROR', message);
    this.recording = undefined;
  }

  /** RTSP requests received so far with this method. */
  rtspRequests(method: string): number {
    return this.rtsp.requestCounts.get(method) ?? 0;
  }

  get activeRtspSessions(): number {
    return this.rtsp.activeSessions().filter((s) => s.playing).length;
  }

  // ---- status ----

  private cameras(): Camera[] {
    return this.family === 'neon' ? ['world', 'gaze', 'imu', 'eye_events'] : ['world', 'gaze'];
  }

  private phoneComponent(): StatusComponent {
    const level = this.batteryLevel;
    return {
      model: 'Phone',
      data: {
        ip: this.host,
        port: this.ports?.port ?? 8080,
        device_id: this.deviceId,
        device_name: this.phoneName,
        battery_level: level,
        battery_state: level < 5 ? 'CRITICAL' : level < 15 ? 'LOW' : 'OK',
        memory: 99_877_777_408,
        memory_state: 'OK',
        time_echo_port: this.ports?.timeEchoPort ?? 12321,
      },
    };
  }

  private hardwareComponent(): StatusComponent {
    return this.family === 'neon'
      ? {
          model: 'Hardware',
          data: { version: '2.0', glasses_serial: '-1', world_camera_serial: '-1', module_serial: '841684' },
        }
      : { model: 'Hardware', data: { version: '1.0', glasses_serial: 'pzhv7', world_camera_serial: 'km3j2' } };
  }

  private sensorComponents(): { model: 'Sensor'; data: Sensor }[] {
    const out: { model: 'Sensor'; data: Sensor }[] = [];
    for (const camera of this.cameras()) {
      for (const conn of ['DIRECT', 'WEBSOCKET'] as const) {
        out.push({
          model: 'Sensor',
          data: {
            sensor: camera,
            conn_type: conn,
            protocol: 'rtsp',
            ip: this.host,
            // WEBSOCKET tunnelling is not simulated: it shares the RTSP port so the status stays realistic.
            port: this.ports?.rtspPort ?? 8086,
            params: `camera=${camera}&audioenable=${conn === 'DIRECT' ? 'on' : 'off'}`,
            connected: this.sensorsConnected.get(camera) ?? false,
            stream_error: false,
          },
        });
      }
    }
    return out;
  }

  private recordingComponent(): StatusComponent | undefined {
    const r = this.recording;
    if (!r) return undefined;
    return {
      model: 'Recording',
      data: { id: r.id, action: r.action, rec_duration_ns: this.durationNs(), message: '' },
    };
  }

  private statusComponents(): StatusComponent[] {
    const rec = this.recordingComponent();
    return [this.phoneComponent(), this.hardwareComponent(), ...this.sensorComponents(), ...(rec ? [rec] : [])];
  }

  private durationNs(): number {
    return this.recording ? Math.round((Date.now() - this.recording.startedHostMs) * 1e6) : 0;
  }

  private onStatusSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => {});
    // The burst: the python client starts streams only on Sensor messages (docs/protocols/pupil.md §1.6).
    for (const c of this.statusComponents()) ws.send(JSON.stringify(c));
  }

  private push(c: StatusComponent): void {
    const text = JSON.stringify(c);
    for (const ws of this.sockets) {
      ws.send(text);
      this.pushes++;
    }
  }

  private pushRecording(action: Recording['action'], message = ''): void {
    const r = this.recording!;
    r.action = action;
    this.push({ model: 'Recording', data: { id: r.id, action, rec_duration_ns: this.durationNs(), message } });
  }

  // ---- REST ----

  private onHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://phone');
    this.emit('request', `${req.method} ${url.pathname}`);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        this.route(req.method ?? 'GET', url, Buffer.concat(chunks).toString('utf8'), res);
      } catch (e) {
        reply(res, 500, { message: `simulator error: ${(e as Error).message}` });
      }
    });
  }

  private route(method: string, url: URL, body: string, res: http.ServerResponse): void {
    const path = url.pathname;
    if (method === 'GET' && path === '/api/status')
      return reply(res, 200, { message: 'Success', result: this.statusComponents() });
    if (method === 'POST' && path === '/api/recording:start') return this.recordingStart(res);
    if (method === 'POST' && path === '/api/recording:stop_and_save') return this.recordingStop(res);
    if (method === 'POST' && path === '/api/recording:cancel') return this.recordingCancel(res);
    if (method === 'POST' && path === '/api/event') return this.event(body, res);
    if (method === 'GET' && path === '/api/template_def')
      return reply(res, 200, { message: 'Success', result: this.template() });
    if (method === 'GET' && path === '/api/template_data')
      return reply(res, 200, { message: 'Success', result: this.templateData });
    if (method === 'POST' && path === '/api/template_data') return this.postTemplateData(body, res);
    if (method === 'GET' && path === '/calibration.bin' && this.family === 'neon') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      return void res.end(calibrationBin());
    }
    if (method === 'GET' && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end('<!doctype html><title>Companion (simulated)</title><p>Monitor app not simulated.');
    }
    reply(res, 404, { message: 'Not found' });
  }

  private recordingStart(res: http.ServerResponse): void {
    if (this.recording) return reply(res, 500, { message: 'Recording already running' });
    if (this.batteryLevel < 5) return reply(res, 500, { message: 'Cannot start recording: battery level too low' });
    if (this.templateRequired && !this.templateData[TEMPLATE_ITEM]?.some((a) => a.length > 0))
      return reply(res, 500, { message: 'Cannot start recording: the selected template has required fields' });
    this.recording = { id: randomUUID(), action: 'START', rec_duration_ns: 0, startedHostMs: Date.now() };
    this.pushRecording('START');
    reply(res, 200, { message: 'Recording started', result: { id: this.recording.id } });
  }

  private recordingStop(res: http.ServerResponse): void {
    const r = this.recording;
    if (!r) return reply(res, 500, { message: 'Recording not running' });
    const duration = this.durationNs();
    this.pushRecording('STOP');
    this.pushRecording('SAVE');
    this.recording = undefined;
    reply(res, 200, { message: 'Recording stopped and saved', result: { id: r.id, rec_duration_ns: duration } });
  }

  private recordingCancel(res: http.ServerResponse): void {
    const r = this.recording;
    if (!r) return reply(res, 500, { message: 'Recording not running' });
    this.pushRecording('STOP');
    this.pushRecording('DISCARD');
    this.recording = undefined;
    reply(res, 200, { message: 'Recording cancelled', result: { id: r.id } });
  }

  private event(body: string, res: http.ServerResponse): void {
    let parsed: { name?: unknown; timestamp?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return replyText(res, 400, 'Bad Request: body is not JSON');
    }
    if (typeof parsed.name !== 'string') return replyText(res, 400, 'Bad Request: name must be a string');
    // A non-integer timestamp gets a text/plain answer, as real phones give (docs/protocols/pupil.md §1.2).
    if (parsed.timestamp !== undefined && !(typeof parsed.timestamp === 'number' && Number.isInteger(parsed.timestamp)))
      return replyText(res, 400, 'Bad Request: timestamp must be an integer');
    // Without a timestamp the phone stamps arrival, with ms resolution.
    const timestamp =
      typeof parsed.timestamp === 'number' ? parsed.timestamp : Math.floor(this.clock.wallNs() / 1e6) * 1e6;
    const event = { name: parsed.name, timestamp, recording_id: this.recording?.id ?? null };
    this.push({ model: 'Event', data: event });
    // The phone does not return the name (the official client puts it back).
    reply(res, 200, { message: 'Event received', result: { timestamp, recording_id: event.recording_id } });
  }

  private template(): unknown {
    return {
      id: 'a0c0f1e2-7d4b-4c1a-9d3e-2b1f0e9d8c7a',
      name: 'Lab session',
      description: 'Simulated template',
      published_at: '2026-01-01T00:00:00Z',
      items: [
        {
          id: TEMPLATE_ITEM,
          title: 'Participant',
          widget_type: 'TEXT',
          input_type: 'any',
          required: this.templateRequired,
          choices: null,
          help_text: 'Participant code',
        },
      ],
    };
  }

  private postTemplateData(body: string, res: http.ServerResponse): void {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return replyText(res, 400, 'Bad Request: body is not JSON');
    }
    for (const [key, value] of Object.entries(data)) {
      if (key !== TEMPLATE_ITEM) return reply(res, 404, { message: 'Field ID not found' });
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string'))
        return reply(res, 400, { message: `Invalid answer for ${key}` });
      this.templateData[key] = value as string[];
    }
    reply(res, 200, { message: 'Success', result: this.templateData });
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function replyText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** An 803-byte calibration.bin (docs/protocols/pupil.md §3.7) with plausible values; little-endian. */
function calibrationBin(): Uint8Array {
  const b = Buffer.alloc(803);
  b[0] = 1;
  b.write('841684', 1, 'ascii');
  const matrix = [896, 0, 791, 0, 896, 593, 0, 0, 1];
  matrix.forEach((v, i) => b.writeDoubleLE(v, 7 + i * 8));
  return b;
}
