/**
 * The Hub: the registry of devices, their connection lifecycle (connect, reconnect with backoff,
 * operator disconnect), per-device health, and the fan-out of samples to the recorder and the
 * renderer link. It knows sources only through the Source contract.
 *
 * Nothing a source does may escape from here: a source that throws from connect/close/status/counters,
 * emits 'error', or a sink that throws, is caught, reported, and the Hub carries on with the others.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { BodyName, DeviceSnapshot, DeviceState, LinkEvent } from '../../preload/api';
import { onReceiveBufferShort } from '../net/receive-buffer';
import { Backoff, type BackoffOptions } from './backoff';
import { HealthTracker } from './health';
import type {
  BodyCatalog,
  ConnectionState,
  DeviceKind,
  PosesSample,
  PoseTransform,
  Sample,
  Source,
  SourceCounters,
  SourceStatus,
} from './source';

/** Lightweight identity handed to sinks with every sample (full snapshots are too costly at full rate). */
export interface DeviceRef {
  readonly id: string;
  readonly handle: number;
  readonly kind: DeviceKind;
  readonly label: string;
  readonly simulated: boolean;
}

/** Called synchronously with every sample of every device, at full rate. Keep it cheap. */
export type SampleSink = (device: DeviceRef, sample: Sample) => void;

export type Notice = Extract<LinkEvent, { type: 'notice' }>;

export interface CatalogEntry {
  handle: number;
  bodies: BodyName[];
}

export interface HubEvents {
  /** On any state change (coalesced within a tick) and on the health tick. */
  devices: [DeviceSnapshot[]];
  catalog: [CatalogEntry];
  notice: [Notice];
}

export interface HubOptions {
  backoff?: BackoffOptions;
  /** Period of the health 'devices' event, ms (≈2 Hz). */
  healthTickMs?: number;
  /** Monotonic ms; injected by tests. */
  now?: () => number;
  /** How many recent notices a newly connected renderer is shown. */
  noticeHistory?: number;
}

export interface AddOptions {
  /** One of the demo simulators (shown as such to the operator). */
  simulated?: boolean;
}

/**
 * idle: added, never connected. active: the operator wants it up and an attempt is running or it is up
 * (the source's own state tells which). reconnecting: waiting for the next attempt. closed: the operator
 * disconnected it (or the Hub closed).
 */
type Phase = 'idle' | 'active' | 'reconnecting' | 'closed';

interface Device {
  readonly ref: DeviceRef;
  readonly source: Source;
  readonly health: HealthTracker;
  readonly backoff: Backoff;
  phase: Phase;
  /** Bumped whenever the operator or the Hub changes its mind, so a stale connect() result is ignored. */
  generation: number;
  /** The running connect attempt, so a second connect() joins it instead of racing it. */
  inflight: Promise<void> | null;
  /** The running close(), so the next connect() waits for the socket to be released. */
  closing: Promise<void> | null;
  /** Settles the running attempt as cancelled. */
  cancelAttempt: (() => void) | null;
  retryTimer: ReturnType<typeof setTimeout> | null;
  nextRetryAtMs: number | null;
  reconnects: number;
  lastError: string | null;
  catalog: BodyName[];
  latestPose: PosesSample | null;
  /** What the last 'devices' event said, to notice changes worth an immediate event. */
  lastReported: string;
  readonly detach: () => void;
}

const SINK_ERROR_REPORT_INTERVAL_MS = 5_000;
const ZERO_COUNTERS: SourceCounters = { packets: 0, bytes: 0, samples: 0, malformed: 0, dropped: 0 };

export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  // A message, never a stack; bounded because it travels to the renderer and into the UI.
  return (text.split('\n')[0] ?? '').slice(0, 500) || 'unknown error';
}

export class Hub extends EventEmitter<HubEvents> {
  private readonly devices = new Map<string, Device>();
  private readonly sinks: { fn: SampleSink; errors: number; lastReportMs: number }[] = [];
  private readonly recentNotices: Notice[] = [];
  private nextHandle = 1;
  private readonly now: () => number;
  private readonly options: HubOptions;
  private readonly tick: ReturnType<typeof setInterval>;
  private changeQueued = false;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(options: HubOptions = {}) {
    super();
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.tick = setInterval(() => this.emitDevices(), options.healthTickMs ?? 500);
    // Reporting alone must not keep a process alive; sockets and retry timers do that.
    this.tick.unref();
    // A device's socket got a smaller receive buffer than its rate needs: the operator is told which setting to raise.
    this.unsubscribe = onReceiveBufferShort((s) => {
      const device = this.devices.get(s.owner);
      if (device) this.notice('warn', `${device.ref.label}: ${s.message}`, s.owner);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Registry
  // ------------------------------------------------------------------------------------------

  add(source: Source, options: AddOptions = {}): DeviceSnapshot {
    if (this.closed) throw new Error('the Hub is closed');
    if (this.devices.has(source.id)) throw new Error(`a device with id "${source.id}" is already registered`);
    const ref: DeviceRef = Object.freeze({
      id: source.id,
      handle: this.nextHandle++,
      kind: source.kind,
      label: source.label,
      simulated: options.simulated ?? false,
    });
    const onStatus = (): void => this.noticeChange(device);
    const onSample = (sample: Sample): void => this.onSample(device, sample);
    const onCatalog = (catalog: BodyCatalog): void => this.onCatalog(device, catalog);
    const onDown = (reason: string): void => this.onDown(device, reason);
    const onError = (error: unknown): void => this.onDown(device, errorMessage(error));
    source.on('status', onStatus);
    source.on('sample', onSample);
    source.on('catalog', onCatalog);
    source.on('down', onDown);
    // Not part of the contract, but an unhandled 'error' event would throw out of the source's socket handler.
    (source as EventEmitter).on('error', onError);
    const device: Device = {
      ref,
      source,
      health: new HealthTracker(),
      backoff: new Backoff(this.options.backoff),
      phase: 'idle',
      generation: 0,
      inflight: null,
      closing: null,
      cancelAttempt: null,
      retryTimer: null,
      nextRetryAtMs: null,
      reconnects: 0,
      lastError: null,
      catalog: [],
      latestPose: null,
      lastReported: '',
      detach: () => {
        source.off('status', onStatus);
        source.off('sample', onSample);
        source.off('catalog', onCatalog);
        source.off('down', onDown);
        (source as EventEmitter).off('error', onError);
      },
    };
    this.devices.set(source.id, device);
    this.noticeChange(device);
    return this.snapshotOf(device);
  }

  async remove(id: string): Promise<void> {
    const device = this.require(id);
    await this.stop(device);
    device.detach();
    this.devices.delete(id);
    this.emitDevices();
  }

  get(id: string): DeviceSnapshot | undefined {
    const device = this.devices.get(id);
    return device ? this.snapshotOf(device) : undefined;
  }

  /** The source behind a device, for callers that need more than the contract (tests, the CLI). */
  source(id: string): Source | undefined {
    return this.devices.get(id)?.source;
  }

  snapshots(): DeviceSnapshot[] {
    return [...this.devices.values()].map((d) => this.snapshotOf(d));
  }

  catalogs(): CatalogEntry[] {
    return [...this.devices.values()].filter((d) => d.catalog.length > 0).map((d) => this.catalogOf(d));
  }

  /** The newest pose sample of every device that has one, for a renderer that just connected. */
  latestPoses(): { device: DeviceRef; sample: PosesSample }[] {
    const out: { device: DeviceRef; sample: PosesSample }[] = [];
    for (const d of this.devices.values()) if (d.latestPose) out.push({ device: d.ref, sample: d.latestPose });
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Connection lifecycle
  // ------------------------------------------------------------------------------------------

  /**
   * The operator wants the device up. Resolves when it is; rejects with the reason if this first attempt
   * fails, while the Hub keeps retrying with backoff (state 'reconnecting') until disconnect().
   */
  async connect(id: string): Promise<void> {
    const device = this.require(id);
    if (this.closed) throw new Error('the Hub is closed');
    if (device.phase === 'active') return device.inflight ?? undefined;
    // The operator asked now: forget earlier failures and any pending retry.
    device.backoff.reset();
    device.lastError = null;
    this.cancelRetry(device);
    return this.attempt(device);
  }

  /** The operator wants it down: cancels retries and closes the source. */
  async disconnect(id: string): Promise<void> {
    await this.stop(this.require(id));
    this.emitDevices();
  }

  private attempt(device: Device): Promise<void> {
    const generation = ++device.generation;
    device.phase = 'active';
    device.nextRetryAtMs = null;
    this.noticeChange(device);
    const run = this.runAttempt(device, generation).finally(() => {
      if (device.inflight === run) device.inflight = null;
    });
    device.inflight = run;
    return run;
  }

  private async runAttempt(device: Device, generation: number): Promise<void> {
    const cancelled = (): Error => new Error(`${device.ref.label}: connection cancelled (disconnected)`);
    try {
      if (device.closing) await device.closing;
      if (generation !== device.generation) throw cancelled();
      // Raced against cancellation so that disconnect() settles a connect() whose source hangs.
      await new Promise<void>((resolve, reject) => {
        device.cancelAttempt = () => reject(cancelled());
        Promise.resolve()
          .then(() => device.source.connect())
          .then(resolve, reject);
      });
    } catch (error) {
      if (generation !== device.generation) throw cancelled();
      const reason = errorMessage(error);
      // Not awaited: the caller learns of the failure now; the retry is scheduled once close() is done.
      void this.fail(device, generation, reason);
      throw new Error(`${device.ref.label}: ${reason}`);
    } finally {
      device.cancelAttempt = null;
    }
    if (generation !== device.generation) throw cancelled();
    device.backoff.markUp(this.now());
    this.noticeChange(device);
  }

  private onDown(device: Device, reason: string): void {
    // A connect() in progress reports its own failure; a down while not active is old news.
    if (device.phase !== 'active' || device.inflight) return;
    void this.fail(device, device.generation, reason);
  }

  /** Close what is left of the connection and schedule the next attempt. */
  private async fail(device: Device, generation: number, reason: string): Promise<void> {
    device.lastError = reason;
    device.phase = 'reconnecting';
    // State must read 'reconnecting' with its retry time while close() runs, not after.
    const delay = device.backoff.nextDelayMs(this.now());
    device.nextRetryAtMs = this.now() + delay;
    this.noticeChange(device);
    await this.safeClose(device);
    if (generation !== device.generation || device.phase !== 'reconnecting' || this.closed) return;
    const remaining = Math.max(0, device.nextRetryAtMs - this.now());
    device.retryTimer = setTimeout(() => {
      device.retryTimer = null;
      if (generation !== device.generation || device.phase !== 'reconnecting' || this.closed) return;
      device.reconnects++;
      this.attempt(device).catch(() => {
        // Already recorded as lastError and rescheduled by fail().
      });
    }, remaining);
  }

  private async stop(device: Device): Promise<void> {
    device.generation++;
    this.cancelRetry(device);
    device.phase = 'closed';
    device.cancelAttempt?.();
    device.inflight = null;
    device.nextRetryAtMs = null;
    this.noticeChange(device);
    await this.safeClose(device);
  }

  private cancelRetry(device: Device): void {
    if (device.retryTimer) clearTimeout(device.retryTimer);
    device.retryTimer = null;
  }

  private safeClose(device: Device): Promise<void> {
    const run = (async () => {
      try {
        await device.source.close();
      } catch (error) {
        this.notice('warn', `${device.ref.label}: close failed: ${errorMessage(error)}`, device.ref.id);
      }
    })().finally(() => {
      if (device.closing === run) device.closing = null;
    });
    device.closing = run;
    return run;
  }

  // ------------------------------------------------------------------------------------------
  // Recording (device-side, through capabilities.recording)
  // ------------------------------------------------------------------------------------------

  async startRecording(id: string, takeName?: string): Promise<void> {
    await this.recordingAction(id, 'start', (r) => r.start(takeName));
  }

  async stopRecording(id: string): Promise<void> {
    await this.recordingAction(id, 'stop', (r) => r.stop());
  }

  private async recordingAction(
    id: string,
    verb: 'start' | 'stop',
    act: (r: NonNullable<Source['capabilities']['recording']>) => Promise<unknown>,
  ): Promise<void> {
    const device = this.require(id);
    const recording = device.source.capabilities.recording;
    if (!recording) throw new Error(`${device.ref.label} cannot record: this device has no recording control`);
    try {
      await act(recording);
    } catch (error) {
      const message = `${device.ref.label}: recording did not ${verb}: ${errorMessage(error)}`;
      this.notice('error', message, id);
      throw new Error(message);
    } finally {
      this.noticeChange(device);
    }
  }

  /** Sets a device's room → scene transform (sources with capabilities.transform, e.g. VRPN). */
  setTransform(id: string, transform: PoseTransform): void {
    const device = this.require(id);
    const control = device.source.capabilities.transform;
    if (!control) throw new Error(`${device.ref.label} has no pose transform to set`);
    control.set(transform);
    this.emitDevices();
  }

  // ------------------------------------------------------------------------------------------
  // Samples and fan-out
  // ------------------------------------------------------------------------------------------

  /** Registers a sink for every sample of every device; returns its removal. */
  addSink(fn: SampleSink): () => void {
    const entry = { fn, errors: 0, lastReportMs: -Infinity };
    this.sinks.push(entry);
    return () => {
      const i = this.sinks.indexOf(entry);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  private onSample(device: Device, sample: Sample): void {
    const now = this.now();
    device.health.onSample(now);
    if (sample.kind === 'poses') device.latestPose = sample;
    // Iterate over a copy: a sink may remove itself (or another) while being called.
    const sinks = this.sinks.length === 1 ? this.sinks : this.sinks.slice();
    for (const sink of sinks) {
      try {
        sink.fn(device.ref, sample);
      } catch (error) {
        sink.errors++;
        // At 120 Hz a broken sink would flood the operator; one report per interval says it all.
        if (now - sink.lastReportMs >= SINK_ERROR_REPORT_INTERVAL_MS) {
          sink.lastReportMs = now;
          this.notice('error', `a sample consumer failed (${sink.errors} times so far): ${errorMessage(error)}`);
        }
      }
    }
  }

  private onCatalog(device: Device, catalog: BodyCatalog): void {
    device.catalog = [...catalog.bodies, ...(catalog.bones ?? [])].map((b) => ({ ...b }));
    this.emit('catalog', this.catalogOf(device));
  }

  // ------------------------------------------------------------------------------------------
  // Reporting
  // ------------------------------------------------------------------------------------------

  notice(level: Notice['level'], message: string, deviceId?: string): void {
    const notice: Notice =
      deviceId === undefined ? { type: 'notice', level, message } : { type: 'notice', level, message, deviceId };
    this.recentNotices.push(notice);
    if (this.recentNotices.length > (this.options.noticeHistory ?? 20)) this.recentNotices.shift();
    this.emit('notice', notice);
  }

  /** Recent notices, oldest first, for a renderer that connects after they happened (e.g. config errors at start). */
  notices(): Notice[] {
    return [...this.recentNotices];
  }

  private noticeChange(device: Device): void {
    const status = this.safeStatus(device);
    const key = `${this.stateOf(device, status)}|${status.peer ?? ''}|${String(status.recording)}|${device.lastError ?? ''}`;
    if (key === device.lastReported) return;
    device.lastReported = key;
    if (this.changeQueued) return;
    // Coalesce changes made in one synchronous burst (e.g. close + schedule) into one event.
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      if (!this.closed) this.emitDevices();
    });
  }

  private emitDevices(): void {
    if (this.listenerCount('devices') === 0) return;
    this.emit('devices', this.snapshots());
  }

  private stateOf(device: Device, status: SourceStatus): ConnectionState {
    switch (device.phase) {
      case 'idle':
      case 'closed':
      case 'reconnecting':
        return device.phase;
      case 'active':
        // While we want it up, a source still reporting its old idle/closed state is on its way up.
        return status.state === 'idle' || status.state === 'closed' || status.state === 'reconnecting'
          ? 'connecting'
          : status.state;
    }
  }

  private snapshotOf(device: Device): DeviceSnapshot {
    const status = this.safeStatus(device);
    const counters = this.safeCounters(device);
    const state = this.stateOf(device, status);
    const caps = device.source.capabilities;
    return {
      handle: device.ref.handle,
      id: device.ref.id,
      kind: device.ref.kind,
      label: device.ref.label,
      peer: status.peer ?? null,
      simulated: device.ref.simulated,
      capabilities: {
        recording: caps.recording !== undefined,
        events: caps.events !== undefined,
        ...(caps.recording?.cancel ? { cancelRecording: true } : {}),
        ...(caps.transform ? { transform: caps.transform.get() } : {}),
      },
      recording: status.recording ?? device.latestPose?.recording ?? null,
      ...this.safeDeviceState(device),
      health: device.health.snapshot(
        counters,
        status,
        { state, reconnects: device.reconnects, lastError: device.lastError, nextRetryAtMs: device.nextRetryAtMs },
        this.now(),
      ),
      ...(status.detail !== undefined ? { detail: status.detail } : {}),
    };
  }

  private catalogOf(device: Device): CatalogEntry {
    return { handle: device.ref.handle, bodies: device.catalog.map((b) => ({ ...b })) };
  }

  private safeStatus(device: Device): SourceStatus {
    try {
      return device.source.status();
    } catch (error) {
      return { state: 'idle', lastError: `status unavailable: ${errorMessage(error)}` };
    }
  }

  /** The device's own state, when its source reports one; a source failing to report reports nothing. */
  private safeDeviceState(device: Device): { deviceState?: DeviceState } {
    try {
      const state = device.source.capabilities.deviceState?.current();
      return state ? { deviceState: state } : {};
    } catch {
      return {};
    }
  }

  private safeCounters(device: Device): SourceCounters {
    try {
      return device.source.counters();
    } catch {
      return ZERO_COUNTERS;
    }
  }

  private require(id: string): Device {
    const device = this.devices.get(id);
    if (!device) throw new Error(`no device "${id.slice(0, 128)}"`);
    return device;
  }

  /** Closes every device and stops every timer. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.tick);
    this.unsubscribe();
    const all = [...this.devices.values()];
    await Promise.all(all.map((d) => this.stop(d)));
    for (const d of all) d.detach();
    this.devices.clear();
    this.sinks.length = 0;
  }
}
