/**
 * The Pupil Companion client: one phone (Invisible or Neon) as a Source (protocol notes,
 * docs/protocols/pupil.md §1, §2, §4, §10.2).
 *
 * - REST `GET /api/status` answers first (connect() resolves on it), then the status WebSocket
 *   keeps the device model current and reconnects with backoff on its own.
 * - Scene video and gaze come over RTSP (UDP by default, TCP interleaved on request), each kept
 *   alive by an RtspKeeper. A Sensor message restarts a stream only when it changed.
 * - Time: RTCP sender reports give each sample its phone time; Time Echo gives the phone-to-host
 *   offset (ClockModel), so deviceTimeNs is in host time. Samples before the first sender report
 *   have no phone time and no deviceTimeNs: they are unsynced, not shifted by a guess. Until Time
 *   Echo has answered, deviceTimeNs is the phone time as is (phones are NTP-synced, docs/protocols/pupil.md §4.4).
 * - Video: RTP H.264 → Annex B access units (H264Depacketizer), held after a loss until an IDR.
 */
import { EventEmitter } from 'node:events';
import type {
  AnalogSample,
  ConnectionState,
  EventSample,
  GazeSample,
  Source,
  SourceCapabilities,
  SourceCounters,
  SourceEvents,
  SourceStatus,
  VideoSample,
} from '../../hub/source';
import { H264Depacketizer } from '../../net/rtsp/h264-rtp';
import { parseSpropParameterSets } from '../../net/rtsp/h264';
import type { RtpDelivery, RtspSession } from '../../net/rtsp/client';
import { RtspKeeper } from '../../net/rtsp/keeper';
import type { SdpMedia, SessionDescription } from '../../net/rtsp/sdp';
import { ClockModel } from '../../time/clock-model';
import { hostTimeNs } from '../../time/host-clock';
import { decodeEyeEvent, decodeGaze, decodeImu } from './payloads';
import { PupilRestClient } from './rest';
import { CompanionModel, sensorUrl, type StatusComponent } from './status';
import { StatusSocket } from './status-socket';
import { measureTimeEcho } from './time-echo';
import { StaleClock } from '../../hub/stale-clock';
import { deviceStateFromCompanion, type CompanionState } from './companion-state';

export interface PupilClientOptions {
  id?: string;
  label?: string;
  host: string;
  /** REST/WebSocket port. Default 8080. */
  port?: number;
  /** RTP over UDP (default) or interleaved in the RTSP TCP connection. */
  transport?: 'udp' | 'tcp';
  /** Which streams to play. Default both. */
  streams?: { world?: boolean; gaze?: boolean; imu?: boolean; eye_events?: boolean };
  /** REST timeout. Default 3000. */
  requestTimeoutMs?: number;
  /** Time Echo cadence. Default 10 s (first right after connect); 0 disables it. */
  timeEchoIntervalMs?: number;
  /** No RTP for this long restarts a stream. Default 10000. */
  rtpSilenceMs?: number;
  /** No sample for this long → 'stale'. Default 1000. */
  staleAfterMs?: number;
  /** Status WebSocket down and no sample for this long → `down` (the Hub reconnects). Default 5000. */
  phoneGoneMs?: number;
}

/** Scene camera sizes by family, used for gaze until the video's SPS says otherwise (docs/protocols/pupil.md §8). */
const SCENE_SIZE = { 'Pupil Invisible': [1088, 1080], Neon: [1600, 1200] } as const;

export const selectWorld = (d: SessionDescription): SdpMedia | undefined =>
  d.media.find((m) => m.type === 'video' && m.encoding === 'H264');
export const selectGaze = (d: SessionDescription): SdpMedia | undefined =>
  d.media.find((m) => m.type === 'application' && m.encoding === 'COM.PUPILLABS.GAZE1');
/** The IMU and eye-event encoding names are not documented (docs/protocols/pupil.md §11): the sensor's only application medium. */
const selectApplication = (d: SessionDescription): SdpMedia | undefined =>
  d.media.find((m) => m.type === 'application');

/** The DIRECT sensors streamed: scene video, gaze, and on Neon IMU and eye events (when the phone has them). */
const STREAMS = ['world', 'gaze', 'imu', 'eye_events'] as const;
type StreamName = (typeof STREAMS)[number];
const SELECT: Record<StreamName, (d: SessionDescription) => SdpMedia | undefined> = {
  world: selectWorld,
  gaze: selectGaze,
  imu: selectApplication,
  eye_events: selectApplication,
};

/** Pupil-specific details beyond the Source counters, for the CLI and tests. */
export interface PupilDiagnostics {
  gazeSamples: number;
  unsyncedGaze: number;
  videoUnits: number;
  droppedUnits: number;
  badGaze: number;
  /** IMU and eye-event payloads that did not decode. */
  badPayloads: number;
  streamRestarts: number;
  statusReconnects: number;
  timeEchoRuns: number;
  lastStreamProblem?: string;
}

export class PupilClient extends EventEmitter<SourceEvents> implements Source {
  readonly id: string;
  readonly kind = 'pupil' as const;
  readonly label: string;
  readonly capabilities: SourceCapabilities;
  readonly model = new CompanionModel();
  readonly rest: PupilRestClient;
  readonly clock = new ClockModel({ windowSize: 64, minDriftSpanNs: 30e9 });
  private readonly options: PupilClientOptions;
  private state: ConnectionState = 'idle';
  private lastError: string | undefined;
  private statusSocket: StatusSocket | undefined;
  private readonly keepers = new Map<StreamName, { keeper: RtspKeeper; url: string }>();
  private depacketizer: H264Depacketizer | undefined;
  private depacketizerSession: RtspSession | undefined;
  private videoSize: { width: number; height: number; codec: string } | undefined;
  private lastSampleMs = 0;
  /** Stale after a few of the stream's own periods (gaze at 200 Hz: tens of ms), at most staleAfterMs. */
  private staleClock: StaleClock | null = null;
  /** Latest gaze transit (arrival − phone time through Time Echo), ms. */
  private transitMs: number | undefined;
  private statusDownSinceMs: number | undefined;
  private downEmitted = false;
  /** Streams start only once the first clock estimate was tried (see connect()). */
  private streamsAllowed = false;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private samples = 0;
  private statusMessages = 0;
  private readonly diag: PupilDiagnostics = {
    gazeSamples: 0,
    unsyncedGaze: 0,
    videoUnits: 0,
    droppedUnits: 0,
    badGaze: 0,
    badPayloads: 0,
    streamRestarts: 0,
    statusReconnects: 0,
    timeEchoRuns: 0,
  };
  private pastDepacketizer = { droppedUnits: 0, malformedPayloads: 0 };
  /** Counts of streams and sockets that have been replaced or closed. */
  private readonly retired = { packets: 0, bytes: 0, malformed: 0, dropped: 0 };

  constructor(options: PupilClientOptions) {
    super();
    this.options = options;
    this.id = options.id ?? `pupil-${options.host}`;
    this.label = options.label ?? `Pupil Companion @ ${options.host}`;
    this.rest = new PupilRestClient(options.host, options.port ?? 8080, options.requestTimeoutMs ?? 3000);
    this.capabilities = {
      recording: {
        start: async () => {
          await this.rest.recordingStart();
        },
        stop: async () => {
          await this.rest.recordingStopAndSave();
        },
        cancel: async () => {
          await this.rest.recordingCancel();
        },
      },
      events: {
        send: async (name, timestampNs) => {
          await this.sendEvent(name, timestampNs);
        },
      },
      deviceState: { current: () => deviceStateFromCompanion(this.companionState()) },
    };
  }

  /** Sends an event; a host-time timestamp is converted to the phone's clock first (docs/protocols/pupil.md §4.3). */
  sendEvent(name: string, hostTimestampNs?: number) {
    return this.rest.event(name, hostTimestampNs === undefined ? undefined : this.hostToPhoneNs(hostTimestampNs));
  }

  /** Phone Unix ns for a host Unix ns, through Time Echo (unchanged before the first estimate). */
  hostToPhoneNs(hostNs: number): number {
    const offset = this.clock.estimate()?.offsetNs ?? 0;
    return hostNs - offset;
  }

  async connect(): Promise<void> {
    this.closed = false;
    this.streamsAllowed = false;
    this.downEmitted = false;
    this.statusDownSinceMs = undefined;
    this.lastSampleMs = Date.now();
    this.staleClock = new StaleClock({ ceilingMs: this.options.staleAfterMs ?? 1000 });
    this.setState('connecting');
    let status;
    try {
      status = await this.rest.status();
    } catch (e) {
      this.lastError = (e as Error).message;
      this.setState('connecting');
      throw e;
    }
    if (this.closed) return;
    for (const c of status.components) this.apply(c);
    this.model.badComponents += status.skipped;
    this.lastError = undefined;
    this.setState('connected');

    // Clock offset first, so that every sample's deviceTimeNs is converted the same way from the start
    // (a frame converted before the first estimate and gaze converted after it would not match).
    if ((this.options.timeEchoIntervalMs ?? 10_000) > 0) await this.runTimeEcho();
    if (this.closed) return;
    this.streamsAllowed = true;
    for (const name of STREAMS) this.syncStream(name);

    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const socket = new StatusSocket(`ws://${host}:${this.options.port ?? 8080}/api/status`);
    this.statusSocket = socket;
    socket.on('component', (c) => {
      this.statusMessages++;
      this.apply(c);
    });
    socket.on('close', () => {
      this.diag.statusReconnects++;
      this.statusDownSinceMs ??= Date.now();
      this.emitStatus();
    });
    socket.on('open', () => {
      this.statusDownSinceMs = undefined;
      this.emitStatus();
    });
    socket.start();

    // Often enough for the rate-aware threshold (StaleClock's floor is 100 ms).
    this.every(50, () => this.watch());
    const echoEvery = this.options.timeEchoIntervalMs ?? 10_000;
    if (echoEvery > 0) this.every(echoEvery, () => void this.runTimeEcho());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.statusSocket?.close();
    this.retired.malformed += this.statusSocket?.bad ?? 0;
    this.statusSocket = undefined;
    const keepers = [...this.keepers.values()];
    this.keepers.clear();
    await Promise.all(keepers.map((k) => this.retireKeeper(k.keeper)));
    this.setState('closed');
  }

  counters(): SourceCounters {
    let packets = this.statusMessages;
    let bytes = 0;
    let malformed =
      this.diag.badGaze +
      this.diag.badPayloads +
      this.pastDepacketizer.malformedPayloads +
      (this.depacketizer?.counts.malformedPayloads ?? 0);
    let dropped = this.pastDepacketizer.droppedUnits + (this.depacketizer?.counts.droppedUnits ?? 0);
    for (const { keeper } of this.keepers.values()) {
      const t = keeper.totals();
      packets += t.packets;
      bytes += t.bytes;
      malformed += t.malformed;
      dropped += t.lost;
    }
    malformed += (this.statusSocket?.bad ?? 0) + this.model.badComponents;
    // Streams and sockets of earlier connections still count: the counters never go back.
    return {
      packets: packets + this.retired.packets,
      bytes: bytes + this.retired.bytes,
      samples: this.samples,
      malformed: malformed + this.retired.malformed,
      dropped: dropped + this.retired.dropped,
    };
  }

  status(): SourceStatus {
    const phone = this.model.phone;
    const family = this.model.family;
    const peer = phone
      ? `${family ?? 'Companion'} · ${phone.device_name} (${phone.device_id})${this.videoSize ? ` · ${this.videoSize.width}×${this.videoSize.height} ${this.videoSize.codec}` : ''}`
      : undefined;
    return {
      state: this.state,
      peer,
      lastError: this.lastError,
      clock: this.clock.estimate(),
      latency: this.transitMs === undefined ? undefined : { transitMs: this.transitMs },
      recording: phone ? this.model.isRecording : undefined,
    };
  }

  diagnostics(): PupilDiagnostics {
    let restarts = 0;
    for (const { keeper } of this.keepers.values()) restarts += keeper.restarts;
    return { ...this.diag, streamRestarts: restarts, droppedUnits: this.counters().dropped };
  }

  companionState(): CompanionState {
    const m = this.model;
    const sensors = [...m.sensors.values()]
      .filter((s) => s.conn_type === 'DIRECT')
      .map((s) => ({ name: s.sensor, connected: s.connected, streamError: s.stream_error ?? false }));
    const r = m.recording;
    const e = m.lastEvent;
    return {
      family: m.family ?? null,
      phoneName: m.phone?.device_name ?? null,
      deviceId: m.phone?.device_id ?? null,
      batteryLevel: m.phone?.battery_level ?? null,
      batteryState: m.phone?.battery_state ?? null,
      storageBytes: m.phone?.memory ?? null,
      storageState: m.phone?.memory_state ?? null,
      sensors,
      recording: r
        ? {
            id: r.id,
            action: r.action,
            durationNs: r.rec_duration_ns,
            receivedAtMs: r.receivedAtMs,
            message: r.message || null,
          }
        : null,
      lastEvent: e ? { name: e.name ?? null, timestampNs: e.timestamp, recordingId: e.recording_id ?? null } : null,
      live: this.statusSocket?.connected ?? false,
    };
  }

  // ---- status ----

  private apply(c: StatusComponent): void {
    const { changed } = this.model.apply(c);
    if (c.model === 'Sensor' && changed && c.data.conn_type === 'DIRECT') {
      const name = c.data.sensor;
      if ((STREAMS as readonly string[]).includes(name)) this.syncStream(name as StreamName);
    }
    if (changed) this.emitStatus();
  }

  private syncStream(name: StreamName): void {
    if (this.closed || !this.streamsAllowed) return;
    const wanted = this.options.streams?.[name] ?? true;
    const sensor = this.model.directSensor(name);
    const url = sensor && wanted ? sensorUrl(sensor, this.options.host) : undefined;
    const existing = this.keepers.get(name);
    if (existing && existing.url === url) return;
    if (existing) {
      this.keepers.delete(name);
      void this.retireKeeper(existing.keeper);
    }
    if (!url) return;
    const keeper = new RtspKeeper({
      url,
      transport: this.options.transport ?? 'udp',
      select: SELECT[name],
      rtpSilenceMs: this.options.rtpSilenceMs ?? 10_000,
      userAgent: 'Sightline',
      socketOwner: this.id,
    });
    keeper.on('problem', (reason) => {
      this.diag.lastStreamProblem = `${name}: ${reason}`;
      this.lastError = `${name} stream: ${reason}`;
      this.emitStatus();
    });
    keeper.on('ready', (media, session) => {
      if (name === 'world') this.resetVideo(media, session);
    });
    keeper.on('playing', () => {
      if (this.lastError?.startsWith(`${name} stream`)) this.lastError = undefined;
      this.emitStatus();
    });
    keeper.on('rtp', (d, session) => {
      if (name === 'world') this.onVideo(d, session);
      else if (name === 'gaze') this.onGaze(d);
      else if (name === 'imu') this.onImu(d);
      else this.onEyeEvent(d);
    });
    this.keepers.set(name, { keeper, url });
    keeper.start();
  }

  private async retireKeeper(keeper: RtspKeeper): Promise<void> {
    keeper.removeAllListeners();
    // Counted as retired at once (the caller already dropped it from the map), then topped up with
    // what arrived while it stopped.
    const before = keeper.totals();
    this.addRetired(before, 1);
    await keeper.stop();
    this.addRetired(before, -1);
    this.addRetired(keeper.totals(), 1);
  }

  private addRetired(t: { packets: number; bytes: number; malformed: number; lost: number }, sign: 1 | -1): void {
    this.retired.packets += sign * t.packets;
    this.retired.bytes += sign * t.bytes;
    this.retired.malformed += sign * t.malformed;
    this.retired.dropped += sign * t.lost;
  }

  // ---- samples ----

  private deviceTimes(senderUnixNs: number | undefined): { deviceClockNs?: number; deviceTimeNs?: number } {
    if (senderUnixNs === undefined) return {};
    return { deviceClockNs: senderUnixNs, deviceTimeNs: this.clock.toHostNs(senderUnixNs) ?? senderUnixNs };
  }

  private sceneSize(): { width: number; height: number } {
    if (this.videoSize) return this.videoSize;
    const [width, height] = SCENE_SIZE[this.model.family ?? 'Pupil Invisible'];
    return { width, height };
  }

  private onGaze(d: RtpDelivery): void {
    let g;
    try {
      g = decodeGaze(d.packet.payload);
    } catch {
      this.diag.badGaze++;
      return;
    }
    const { width, height } = this.sceneSize();
    const times = this.deviceTimes(d.senderUnixNs);
    if (times.deviceClockNs === undefined) this.diag.unsyncedGaze++;
    // Gaze leaves the phone as it is computed: arrival − phone time (in host time) is the transit.
    if (times.deviceTimeNs !== undefined && this.clock.estimate())
      this.transitMs = (d.arrivalNs - times.deviceTimeNs) / 1e6;
    const sample: GazeSample = {
      kind: 'gaze',
      hostTimeNs: d.arrivalNs,
      ...times,
      x: g.x / width,
      y: g.y / height,
      worn: g.worn,
    };
    this.diag.gazeSamples++;
    this.emitSample(sample);
  }

  /** IMU as an analog sample: accel x,y,z (g), gyro x,y,z (deg/s), quaternion w,x,y,z; time from its own tsNs. */
  private onImu(d: RtpDelivery): void {
    let imu;
    try {
      imu = decodeImu(d.packet.payload);
    } catch {
      this.diag.badPayloads++;
      return;
    }
    const sample: AnalogSample = {
      kind: 'analog',
      hostTimeNs: d.arrivalNs,
      ...this.deviceTimes(imu.timestampNs),
      channels: [...imu.accelG, ...imu.gyroDegPerS, ...imu.quaternion],
    };
    this.emitSample(sample);
  }

  /** Eye events as named events (fixation, saccade, blink, onsets); keep-alives carry nothing. */
  private onEyeEvent(d: RtpDelivery): void {
    let e;
    try {
      e = decodeEyeEvent(d.packet.payload);
    } catch {
      this.diag.badPayloads++;
      return;
    }
    if (!e) return;
    const sample: EventSample = {
      kind: 'event',
      hostTimeNs: d.arrivalNs,
      ...this.deviceTimes(e.startNs),
      name: e.type,
      // Duration in ms, to the µs (Unix ns as doubles carry ±256 ns).
      ...('endNs' in e ? { value: Math.round((e.endNs - e.startNs) / 1e3) / 1e3 } : {}),
    };
    this.emitSample(sample);
  }

  private resetVideo(media: SdpMedia, session: RtspSession): void {
    if (this.depacketizer) {
      this.pastDepacketizer.droppedUnits += this.depacketizer.counts.droppedUnits;
      this.pastDepacketizer.malformedPayloads += this.depacketizer.counts.malformedPayloads;
    }
    this.depacketizer = new H264Depacketizer(parseSpropParameterSets(media.fmtp.get('sprop-parameter-sets') ?? ''));
    this.depacketizerSession = session;
    const f = this.depacketizer.format;
    if (f) this.videoSize = { width: f.width, height: f.height, codec: f.codec };
  }

  private onVideo(d: RtpDelivery, session: RtspSession): void {
    const dep = this.depacketizer;
    if (!dep || this.depacketizerSession !== session) return;
    const p = d.packet;
    for (const au of dep.push(p.payload, p.timestamp, p.marker, d.afterGap)) {
      // A unit closed by a timestamp change belongs to the previous timestamp.
      const ticks = au.timestamp === p.timestamp ? d.ticks : session.clock!.ticks(au.timestamp);
      const senderNs = session.clock!.toUnixNs(ticks);
      if (au.sps) this.videoSize = { width: au.sps.width, height: au.sps.height, codec: au.sps.codec };
      const sample: VideoSample = {
        kind: 'video',
        hostTimeNs: d.arrivalNs,
        ...this.deviceTimes(senderNs),
        key: au.key,
        ptsUs: session.clock!.ticksToUs(ticks),
        data: au.data,
        width: this.videoSize?.width,
        height: this.videoSize?.height,
        codec: this.videoSize?.codec,
      };
      this.diag.videoUnits++;
      this.emitSample(sample);
    }
  }

  private emitSample(sample: GazeSample | VideoSample | AnalogSample | EventSample): void {
    this.samples++;
    this.lastSampleMs = Date.now();
    this.staleClock?.sample(this.lastSampleMs);
    if (this.state !== 'streaming') this.setState('streaming');
    this.emit('sample', sample);
  }

  // ---- time ----

  private async runTimeEcho(): Promise<void> {
    const port = this.model.phone?.time_echo_port;
    if (port === undefined || this.closed) return;
    try {
      const rounds = await measureTimeEcho(this.options.host, port, 20, hostTimeNs, 1500);
      for (const r of rounds) this.clock.addRoundTrip(r.hostSendNs, r.phoneNs, r.hostReceiveNs);
      this.diag.timeEchoRuns++;
      this.emitStatus();
    } catch {
      // Old Companion apps have no Time Echo; phone time is then used as host time (documented above).
    }
  }

  // ---- state ----

  private watch(): void {
    const now = Date.now();
    const staleAfterMs = this.staleClock?.thresholdMs() ?? this.options.staleAfterMs ?? 1000;
    if (this.state === 'streaming' && now - this.lastSampleMs > staleAfterMs) this.setState('stale');
    // The status socket gone and no sample for a while: the phone has left the network.
    const gone = this.options.phoneGoneMs ?? 5000;
    if (
      this.statusDownSinceMs !== undefined &&
      now - this.statusDownSinceMs > gone &&
      now - this.lastSampleMs > gone &&
      !this.downEmitted
    ) {
      this.downEmitted = true;
      this.emit('down', `the phone stopped answering (no status and no samples for ${Math.round(gone / 1000)} s)`);
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emitStatus();
  }

  private emitStatus(): void {
    if (this.listenerCount('status') > 0) this.emit('status', this.status());
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref?.();
    this.timers.push(t);
  }
}
