/**
 * The local recorder: one session folder (MCAP + session.json), fed by the Hub's sample fan-out.
 *
 * This is the half that lives on the thread that owns the sockets, and it is kept cheap: per
 * sample it packs the sample's numbers into a batch buffer (handoff-codec.ts) and, every few ms,
 * transfers the buffer to the recorder's worker thread (recorder-worker.ts), which maps, encodes,
 * compresses and writes. The hand-off queue is bounded in bytes: when the worker or the disk cannot keep up,
 * samples are dropped and counted (hand-off overflows) instead of growing without limit. The
 * worker closes a chunk at 4 MiB or after `flushIntervalMs` (≤ 1 s: what was flushed survives a kill -9).
 *
 * Losses are four counters per device, all in session.json and the live state: frame-number gaps
 * (the device skipped frames before they reached us), kernel drops (the OS dropped datagrams on
 * the device's UDP sockets), hand-off overflows, recorder losses (a sample that could not be
 * mapped). A write error (disk full, permission) stops the session at once with a clear reason
 * and keeps what was written.
 *
 * Times: log time = host time at arrival; publish time = device time converted to host time (the
 * arrival time when the device has no clock model yet); the raw device time is in the message.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DeviceSnapshot, LossCounters } from '../../preload/api';
import type { CatalogEntry, DeviceRef, Hub } from '../hub/hub';
import { errorMessage } from '../hub/hub';
import type { Sample } from '../hub/source';
import type { KindRecording } from '../protocols/descriptor';
import { KernelDropTally } from '../net/udp-drops';
import { hostTimeNs } from '../time/host-clock';
import { kinds } from '../protocols/registry';
import { describeWriteError, type AppendTarget } from './byte-sink';
import { compressionReady, DEFAULT_COMPRESSION, type Compression } from './compression';
import { SamplePacker } from './handoff-codec';
import { RecordingCore, type CoreCommand, type CoreProgress } from './recording-core';
import type { WorkerEvent, WorkerStart } from './recorder-worker';
import {
  SIGHTLINE_CATALOG,
  SIGHTLINE_CLOCK,
  SIGHTLINE_DEVICE_STATUS,
  SIGHTLINE_OPERATOR_EVENT,
  SIGHTLINE_REMOTE_RECORDING,
  type JsonSchemaSpec,
} from './schemas';
import {
  defaultSessionName,
  folderNameOf,
  MCAP_FILE,
  writeSummary,
  type RemoteRecordingEntry,
  type SessionDevice,
  type SessionSummary,
} from './session-summary';

export interface RecorderOptions {
  /** Parent folder; the session gets a folder of its own inside. */
  outDir: string;
  sessionName?: string;
  operator?: string;
  /** Record only these device ids (default: every device). */
  deviceIds?: string[];
  /**
   * How often the open chunk is closed and written, at the latest (default and maximum 1000 ms: what a
   * kill -9 can lose). Fewer, larger chunks compress better and need fewer index records.
   */
  flushIntervalMs?: number;
  /** Close a chunk early once it holds this many bytes before compression (default 4 MiB). */
  maxChunkBytes?: number;
  /** Hand-off queue bound: samples are dropped (hand-off overflows) while more than this waits. */
  maxPendingBytes?: number;
  /** Chunk compression (default zstd). */
  compression?: Compression;
  /**
   * The write rate assumed before one is measured, bytes/s: starting refuses when less than a
   * minute of it fits on the disk (default 2 MB/s, twice a busy lab's compressed rate).
   */
  expectedBytesPerSecond?: number;
  /** Tests inject a failing file; the recording then runs inline (no worker thread). */
  openTarget?: (path: string) => Promise<AppendTarget>;
  appVersion?: string;
}

export interface DiskState {
  freeBytes: number | null;
  /** Bytes/s written over the last seconds. */
  bytesPerSecond: number;
  /** Free space ÷ write rate; null before a rate is known. */
  secondsLeft: number | null;
  /** Less than 10 minutes left. */
  low: boolean;
}

export interface RecorderCounts {
  messages: number;
  bytes: number;
  /** Bytes the OS accepted. */
  written: number;
  /** Message bytes before compression. */
  uncompressed: number;
  lost: number;
  /** Samples handed to the recorder, per device. */
  perDevice: Record<string, number>;
  /** The four loss counters, per device and summed. */
  losses: Record<string, LossCounters>;
  totalLosses: LossCounters;
  disk: DiskState;
  /** Bytes waiting in the hand-off queue. */
  pendingBytes: number;
  workerHeapBytes: number;
  compression: Compression;
}

export interface RecorderEvents {
  /** The session ended on its own (write error): the reason. */
  failed: [Error];
}

/** Less than this left on the disk at the current rate: a warning. */
export const LOW_DISK_SECONDS = 600;
/** Less than this would fit: starting refuses. */
export const MIN_START_SECONDS = 60;

/** Batches go to the worker at most this long after their first sample. */
const BATCH_MS = 10;
/** …or as soon as they hold this many bytes. */
const BATCH_BYTES = 512 * 1024;

/** Where the link to the core goes: a worker thread, or the core itself (tests with an injected file). */
interface CoreLink {
  send(command: CoreCommand, transfer?: ArrayBuffer[]): void;
  terminate(): Promise<void>;
}

export class Recorder extends EventEmitter<RecorderEvents> {
  readonly folder: string;
  readonly mcapPath: string;
  readonly name: string;
  private readonly devices = new Map<string, SessionDevice & { losses: LossCounters }>();
  private readonly droppedBase = new Map<string, number>();
  private readonly lastStatus = new Map<string, string>();
  private readonly lastClockAt = new Map<string, number>();
  private readonly kernelDrops = new Map<string, KernelDropTally>();
  private readonly remote: RemoteRecordingEntry[] = [];
  private readonly filter: Set<string> | null;
  private detach: () => void = () => {};
  private readonly maxPendingBytes: number;
  private readonly compression: Compression;
  private readonly summary: SessionSummary;
  private monitor: ReturnType<typeof setInterval> | undefined;
  private link!: CoreLink;
  private readonly packer = new SamplePacker();
  /** Hand-off index of each device id, in the order the worker was told about them. */
  private readonly deviceIndex = new Map<string, number>();
  private readonly deviceIds: string[] = [];
  /** Samples in the open batch per device index (to count them as losses if the batch cannot go). */
  private batchCounts: number[] = [];
  private readonly kindRecording = new Map<string, KindRecording | null>();
  private batchBytes = 0;
  private batchTimer: ReturnType<typeof setTimeout> | null = null;
  private sentBytes = 0;
  private doneBytes = 0;
  private progress: CoreProgress = emptyProgress();
  private stopped: ((progress: CoreProgress) => void) | null = null;
  private disk: DiskState = { freeBytes: null, bytesPerSecond: 0, secondsLeft: null, low: false };
  private rateWindow: { atMs: number; written: number }[] = [];
  private operatorEvents = 0;
  private workerGone = false;
  /** The core reported its last progress after 'stop' (false: it died first). */
  private coreFinished = false;
  private stopping: Promise<SessionSummary> | null = null;
  private error: Error | null = null;

  /** Opens the session folder and file and starts recording. */
  static async start(hub: Hub, options: RecorderOptions): Promise<Recorder> {
    await checkDiskSpace(options.outDir, options.expectedBytesPerSecond ?? 2e6);
    const name = options.sessionName?.trim() || defaultSessionName();
    const folder = await makeSessionFolder(options.outDir, folderNameOf(name));
    const mcapPath = join(folder, MCAP_FILE);
    const recorder = new Recorder(hub, options, name, folder, mcapPath);
    await recorder.open(options);
    recorder.attach(hub);
    await recorder.saveSummary();
    return recorder;
  }

  private constructor(
    private readonly hub: Hub,
    options: RecorderOptions,
    name: string,
    folder: string,
    mcapPath: string,
  ) {
    super();
    this.name = name;
    this.folder = folder;
    this.mcapPath = mcapPath;
    this.filter = options.deviceIds && options.deviceIds.length > 0 ? new Set(options.deviceIds) : null;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
    this.compression = options.compression ?? DEFAULT_COMPRESSION;
    const startedAt = new Date();
    this.summary = {
      format: 'sightline-session/1',
      name,
      operator: options.operator ?? null,
      app: { name: 'sightline', version: options.appVersion ?? 'unknown' },
      state: 'recording',
      error: null,
      startedAt: startedAt.toISOString(),
      endedAt: null,
      mcap: MCAP_FILE,
      compression: this.compression,
      devices: [],
      remoteRecordings: this.remote,
      operatorEvents: 0,
      messages: 0,
      bytes: 0,
      lost: 0,
      losses: zeroLosses(),
    };
  }

  private async open(options: RecorderOptions): Promise<void> {
    const flushIntervalMs = Math.min(1000, Math.max(20, options.flushIntervalMs ?? 1000));
    const coreOptions = {
      maxChunkBytes: options.maxChunkBytes ?? 4 * 1024 * 1024,
      library: `sightline ${options.appVersion ?? ''}`.trim(),
      compression: this.compression,
    };
    if (options.openTarget) {
      await compressionReady();
      const target = await options.openTarget(this.mcapPath);
      const core = new RecordingCore(target, this.mcapPath, coreOptions, (e) => this.onEvent(e));
      let chain = Promise.resolve();
      const timer = setInterval(() => {
        core.flush();
        this.onEvent({ t: 'progress', progress: core.progress() });
      }, flushIntervalMs);
      this.link = {
        send: (command) => {
          chain = chain.then(async () => {
            await core.handle(command);
            if (command.t === 'packed') this.onEvent({ t: 'ack', doneBytes: core.handedBytes() });
            if (command.t === 'stop') clearInterval(timer);
          });
        },
        terminate: async () => clearInterval(timer),
      };
    } else {
      const start: WorkerStart = { ...coreOptions, path: this.mcapPath, flushIntervalMs };
      const worker = startWorker(start);
      let started: { resolve: () => void; reject: (error: Error) => void } | null = null;
      const ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
      worker.on('message', (event: WorkerEvent) => {
        if (started && (event.t === 'ready' || event.t === 'failed')) {
          if (event.t === 'ready') started.resolve();
          else started.reject(new Error(event.message));
          started = null;
          return;
        }
        this.onEvent(event);
      });
      worker.on('error', (error) => {
        if (started) started.reject(error);
        else this.onEvent({ t: 'failed', message: `the recorder's worker failed: ${error.message}` });
      });
      worker.on('exit', (code) => {
        if (started) started.reject(new Error(`the recorder's worker exited (${code}) before it started`));
        // Gone without being asked (out of memory, a crash): what it wrote stays, the session says so.
        this.workerGone = true;
        if (!started && !this.stopping)
          this.fail(new Error(`the recorder's worker stopped unexpectedly (exit ${code})`));
        this.stopped?.(this.progress);
      });
      await ready.catch(async (error: unknown) => {
        await worker.terminate();
        throw error;
      });
      this.link = {
        send: (command, transfer) => worker.postMessage(command, transfer),
        terminate: async () => {
          await worker.terminate();
        },
      };
    }
    this.link.send({
      t: 'metadata',
      name: 'session',
      metadata: {
        name: this.name,
        operator: options.operator ?? '',
        started_at: this.summary.startedAt,
        app_version: options.appVersion ?? 'unknown',
        compression: this.compression,
      },
    });
  }

  private attach(hub: Hub): void {
    for (const entry of hub.catalogs()) this.onCatalog(entry);
    this.onDevices(hub.snapshots());
    const removeSink = hub.addSink((device, sample) => this.onSample(device, sample));
    const onDevices = (devices: DeviceSnapshot[]): void => this.onDevices(devices);
    const onCatalog = (entry: CatalogEntry): void => this.onCatalog(entry);
    hub.on('devices', onDevices);
    hub.on('catalog', onCatalog);
    this.detach = () => {
      removeSink();
      hub.off('devices', onDevices);
      hub.off('catalog', onCatalog);
    };
    this.monitor = setInterval(() => void this.watch(), 1000);
    this.monitor.unref();
    void this.watch();
  }

  get state(): SessionSummary['state'] {
    return this.summary.state;
  }

  /** Why the session stopped on its own, if it did. */
  failure(): Error | null {
    return this.error;
  }

  counts(): RecorderCounts {
    const perDevice: Record<string, number> = {};
    const losses: Record<string, LossCounters> = {};
    for (const [id, d] of this.devices) {
      perDevice[id] = d.samples;
      losses[id] = this.lossesOf(id);
    }
    const totalLosses = sumLosses(Object.values(losses));
    return {
      messages: this.progress.messages,
      bytes: this.progress.bytes,
      written: this.progress.written,
      uncompressed: this.progress.uncompressedBytes,
      lost: lossTotal(totalLosses),
      perDevice,
      losses,
      totalLosses,
      disk: { ...this.disk },
      pendingBytes: this.sentBytes + this.batchBytes - this.doneBytes,
      workerHeapBytes: this.progress.heapUsed,
      compression: this.compression,
    };
  }

  /** Channels and their message counts so far. */
  channelCounts(): Record<string, number> {
    return { ...this.progress.perTopic };
  }

  /** An operator event into the recording; `devices` says what each device answered. */
  operatorEvent(text: string, source: string, devices: Record<string, string> = {}, atNs = hostTimeNs()): void {
    if (!this.accepting()) return;
    this.operatorEvents++;
    this.writeAt('/operator/events', SIGHTLINE_OPERATOR_EVENT, { host_time_ns: atNs, text, source, devices }, atNs);
  }

  /** A device's answer to a remote start/stop, into the recording and the summary. */
  remoteRecording(entry: RemoteRecordingEntry, atNs = hostTimeNs()): void {
    this.remote.push(entry);
    if (!this.accepting()) return;
    this.writeAt(
      '/session/remote_recording',
      SIGHTLINE_REMOTE_RECORDING,
      {
        host_time_ns: atNs,
        device_id: entry.deviceId,
        action: entry.action,
        outcome: entry.outcome,
        take_name: entry.takeName,
        reason: entry.reason,
        elapsed_ms: entry.elapsedMs,
      },
      atNs,
    );
  }

  /** Stops: last chunk, summary section, footer, session.json. Idempotent. */
  stop(): Promise<SessionSummary> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  // ------------------------------------------------------------------------------------------

  private accepting(): boolean {
    return this.stopping === null && this.error === null;
  }

  private onSample(device: DeviceRef, sample: Sample): void {
    if (!this.accepting() || (this.filter && !this.filter.has(device.id))) return;
    const entry = this.deviceEntry(device);
    const bytes = handOffBytes(sample);
    if (this.sentBytes + this.batchBytes - this.doneBytes + bytes > this.maxPendingBytes) {
      // The worker or the disk cannot keep up: losing samples (counted) beats growing without bound.
      entry.losses.handoffOverflows++;
      return;
    }
    let index = this.deviceIndex.get(device.id);
    if (index === undefined) {
      this.flushBatch();
      index = this.deviceIds.length;
      this.deviceIndex.set(device.id, index);
      this.deviceIds.push(device.id);
      this.link.send({ t: 'device', ref: refOf(device), index });
    }
    try {
      this.packer.add(index, sample, this.rawOf(device, sample));
    } catch (error) {
      // A malformed sample from one device must not end the session (the worker counts its own the same way).
      if (entry.losses.recorderLosses++ === 0) {
        this.hub.notice('warn', `recorder: a sample of ${entry.label} could not be recorded: ${errorMessage(error)}`);
      }
      return;
    }
    this.batchCounts[index] = (this.batchCounts[index] ?? 0) + 1;
    this.batchBytes += bytes;
    entry.samples++;
    if (this.batchBytes >= BATCH_BYTES || this.packer.length >= BATCH_BYTES) this.flushBatch();
    else this.batchTimer ??= setTimeout(() => this.flushBatch(), BATCH_MS);
  }

  /**
   * What of the device's decoded message the worker needs: nothing unless the kind records it, and
   * then its hand-off form (cheaper to clone than the decoded message).
   */
  private rawOf(device: DeviceRef, sample: Sample): unknown {
    if (sample.kind !== 'poses' || sample.raw === undefined) return undefined;
    let recording = this.kindRecording.get(device.kind);
    if (recording === undefined) {
      recording = kinds().get(device.kind)?.recording ?? null;
      this.kindRecording.set(device.kind, recording);
    }
    if (!recording) return undefined;
    return recording.handOff ? recording.handOff(sample.raw) : sample.raw;
  }

  private flushBatch(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.packer.samples === 0) return;
    const batch = this.packer.take();
    const counts = this.batchCounts;
    const bytes = this.batchBytes;
    this.sentBytes += bytes;
    this.batchCounts = [];
    this.batchBytes = 0;
    try {
      // The buffer is moved, not copied; only a kind's raw messages (extras) are cloned.
      this.link.send({ t: 'packed', batch, bytes }, [batch.buffer]);
    } catch (error) {
      // A raw message the structured clone refuses (a function in it?) must not end the session.
      counts.forEach((n, index) => {
        if (n) this.deviceEntry({ id: this.deviceIds[index]! }).losses.recorderLosses += n;
      });
      this.doneBytes += bytes;
      this.hub.notice('warn', `recorder: a batch could not be handed over: ${errorMessage(error)}`);
    }
  }

  private onEvent(event: WorkerEvent): void {
    switch (event.t) {
      case 'ack':
        this.doneBytes = event.doneBytes;
        if (event.buffer) this.packer.recycle(event.buffer);
        return;
      case 'progress':
        this.progress = event.progress;
        this.doneBytes = event.progress.doneBytes;
        return;
      case 'notice':
        this.hub.notice('warn', event.message);
        return;
      case 'failed':
        this.fail(new Error(event.message));
        return;
      case 'stopped':
        this.coreFinished = true;
        this.progress = event.progress;
        this.stopped?.(event.progress);
        return;
      case 'ready':
        return;
    }
  }

  private lossesOf(id: string): LossCounters {
    const d = this.devices.get(id);
    if (!d) return zeroLosses();
    return { ...d.losses, recorderLosses: d.losses.recorderLosses + (this.progress.losses[id] ?? 0) };
  }

  private deviceEntry(device: {
    id: string;
    kind?: string;
    label?: string;
    simulated?: boolean;
  }): SessionDevice & { losses: LossCounters } {
    let entry = this.devices.get(device.id);
    if (!entry) {
      entry = {
        id: device.id,
        kind: device.kind ?? 'unknown',
        label: device.label ?? device.id,
        peer: null,
        simulated: device.simulated ?? false,
        samples: 0,
        losses: zeroLosses(),
      };
      this.devices.set(device.id, entry);
    }
    return entry;
  }

  /** Once a second: kernel drops on each device's sockets, free disk space and the write rate. */
  private async watch(): Promise<void> {
    if (!this.accepting()) return;
    this.onDevices(this.hub.snapshots());
    for (const [id, entry] of this.devices) {
      // Per socket, from the recording's start: a reconnect's new socket neither hides nor erases drops.
      let tally = this.kernelDrops.get(id);
      if (!tally) this.kernelDrops.set(id, (tally = new KernelDropTally()));
      entry.losses.kernelDrops = await tally.update(id);
    }
    const now = Date.now();
    this.rateWindow.push({ atMs: now, written: this.progress.written });
    while (this.rateWindow.length > 6) this.rateWindow.shift();
    const first = this.rateWindow[0]!;
    const rate = now > first.atMs ? ((this.progress.written - first.written) * 1000) / (now - first.atMs) : 0;
    let free: number | null = null;
    try {
      const fs = await statfs(this.folder);
      free = fs.bavail * fs.bsize;
    } catch {
      free = null;
    }
    const secondsLeft = free !== null && rate > 0 ? free / rate : null;
    const low = secondsLeft !== null && secondsLeft < LOW_DISK_SECONDS;
    if (low && !this.disk.low) {
      this.hub.notice(
        'warn',
        `recorder: ${Math.floor(secondsLeft / 60)} min of disk space left at the current rate in ${this.folder}`,
      );
    }
    this.disk = { freeBytes: free, bytesPerSecond: rate, secondsLeft, low };
  }

  private onCatalog(entry: CatalogEntry): void {
    if (!this.accepting()) return;
    this.link.send({ t: 'catalog', handle: entry.handle, bodies: entry.bodies });
    const device = this.hub.snapshots().find((d) => d.handle === entry.handle);
    if (!device || (this.filter && !this.filter.has(device.id))) return;
    const now = hostTimeNs();
    this.writeAt(`/${device.id}/catalog`, SIGHTLINE_CATALOG, { host_time_ns: now, bodies: entry.bodies }, now);
  }

  private onDevices(devices: DeviceSnapshot[]): void {
    if (!this.accepting()) return;
    const now = hostTimeNs();
    for (const d of devices) {
      if (this.filter && !this.filter.has(d.id)) continue;
      const entry = this.deviceEntry(d);
      if (d.peer) entry.peer = d.peer;
      // Frame-number gaps as the device's client counts them (it knows restarts, reordering and
      // Motive's edit mode); those from before the recording are not this session's.
      if (!this.droppedBase.has(d.id)) this.droppedBase.set(d.id, d.health.dropped);
      entry.losses.frameGaps = Math.max(0, d.health.dropped - this.droppedBase.get(d.id)!);
      const status = {
        kind: d.kind,
        label: d.label,
        state: d.health.state,
        peer: d.peer,
        last_error: d.health.lastError,
        recording: d.recording,
      };
      const key = JSON.stringify(status);
      if (key !== this.lastStatus.get(d.id)) {
        this.lastStatus.set(d.id, key);
        this.writeAt(
          `/${d.id}/status`,
          SIGHTLINE_DEVICE_STATUS,
          {
            host_time_ns: now,
            ...status,
            samples: d.health.samples,
            dropped: d.health.dropped,
            malformed: d.health.malformed,
          },
          now,
        );
      }
      this.recordClock(d.id, now);
    }
  }

  private recordClock(deviceId: string, now: number): void {
    const last = this.lastClockAt.get(deviceId) ?? -Infinity;
    if (now - last < 1e9) return;
    let clock;
    try {
      clock = this.hub.source(deviceId)?.status().clock;
    } catch {
      return;
    }
    if (!clock) return;
    this.lastClockAt.set(deviceId, now);
    this.writeAt(
      `/${deviceId}/clock`,
      SIGHTLINE_CLOCK,
      {
        host_time_ns: now,
        offset_ns: clock.offsetNs,
        uncertainty_ns: clock.uncertaintyNs,
        drift_ppm: clock.driftPpm,
        round_trips: clock.samples,
      },
      now,
    );
  }

  /** A small JSON message: after the samples already batched, so the file keeps arrival order. */
  private writeAt(topic: string, schema: JsonSchemaSpec, message: object, atNs: number): void {
    this.flushBatch();
    this.link.send({ t: 'json', topic, schema, message, atNs });
  }

  private fail(error: Error): void {
    if (this.error || this.stopping) return;
    this.error = new Error(`recording stopped: ${error.message}; what was written before is kept in ${this.mcapPath}`);
    this.hub.notice('error', this.error.message);
    void this.stop();
    this.emit('failed', this.error);
  }

  private async finish(): Promise<SessionSummary> {
    clearInterval(this.monitor);
    this.detach();
    this.flushBatch();
    await this.watch().catch(() => {});
    for (const d of this.devices.values()) {
      const losses = this.lossesOf(d.id);
      this.link.send({
        t: 'metadata',
        name: `device:${d.id}`,
        metadata: {
          kind: d.kind,
          label: d.label,
          peer: d.peer ?? '',
          simulated: String(d.simulated),
          samples: String(d.samples),
          frame_gaps: String(losses.frameGaps),
          kernel_drops: losses.kernelDrops === null ? 'not available' : String(losses.kernelDrops),
          handoff_overflows: String(losses.handoffOverflows),
          recorder_losses: String(losses.recorderLosses),
        },
      });
    }
    const before = this.counts();
    this.link.send({
      t: 'metadata',
      name: 'session_end',
      metadata: { ended_at: new Date().toISOString(), lost: String(before.lost) },
    });
    const final = this.workerGone
      ? Promise.resolve(this.progress)
      : new Promise<CoreProgress>((resolve) => (this.stopped = resolve));
    this.link.send({ t: 'stop' });
    this.progress = await final;
    if (!this.coreFinished) this.countUnwritten();
    await this.link.terminate();
    const counts = this.counts();
    this.summary.state = this.error ? 'failed' : 'finished';
    this.summary.error = this.error?.message ?? null;
    this.summary.endedAt = new Date().toISOString();
    this.summary.operatorEvents = this.operatorEvents;
    this.summary.messages = counts.messages;
    this.summary.bytes = counts.written;
    this.summary.uncompressedBytes = counts.uncompressed;
    this.summary.lost = counts.lost;
    this.summary.losses = counts.totalLosses;
    await this.saveSummary();
    return this.summary;
  }

  /**
   * The worker died: samples handed to it after its last report (which follows a chunk's close)
   * died with it. They are recorder losses, so the session's "lost" says what the file lacks.
   */
  private countUnwritten(): void {
    for (const d of this.devices.values()) {
      const handled = (this.progress.samples[d.id] ?? 0) + (this.progress.losses[d.id] ?? 0);
      d.losses.recorderLosses += Math.max(0, d.samples - handled);
    }
  }

  private async saveSummary(): Promise<void> {
    this.summary.devices = [...this.devices.values()].map((d) => ({ ...d, losses: this.lossesOf(d.id) }));
    try {
      await writeSummary(this.folder, this.summary);
    } catch (error) {
      // The MCAP holds the same facts (metadata records); a summary that cannot be written is said, not fatal.
      this.hub.notice('warn', `recorder: cannot write the session summary in ${this.folder}: ${errorMessage(error)}`);
    }
  }
}

export function zeroLosses(): LossCounters {
  return { frameGaps: 0, kernelDrops: 0, handoffOverflows: 0, recorderLosses: 0 };
}

function sumLosses(list: LossCounters[]): LossCounters {
  const out = zeroLosses();
  let kernelKnown = list.length === 0;
  for (const l of list) {
    out.frameGaps += l.frameGaps;
    out.handoffOverflows += l.handoffOverflows;
    out.recorderLosses += l.recorderLosses;
    if (l.kernelDrops !== null) {
      kernelKnown = true;
      out.kernelDrops! += l.kernelDrops;
    }
  }
  if (!kernelKnown) out.kernelDrops = null;
  return out;
}

/** A session's "lost": every counter together, so it is never 0 while any of them is not. */
export function lossTotal(l: LossCounters): number {
  return l.frameGaps + (l.kernelDrops ?? 0) + l.handoffOverflows + l.recorderLosses;
}

function emptyProgress(): CoreProgress {
  return {
    doneBytes: 0,
    messages: 0,
    bytes: 0,
    uncompressedBytes: 0,
    written: 0,
    losses: {},
    samples: {},
    perTopic: {},
    heapUsed: 0,
  };
}

function refOf(device: DeviceRef): DeviceRef {
  return {
    id: device.id,
    handle: device.handle,
    kind: device.kind,
    label: device.label,
    simulated: device.simulated,
  };
}

/** What a sample costs in the hand-off queue: its binary parts plus a rough figure per value. */
function handOffBytes(sample: Sample): number {
  switch (sample.kind) {
    case 'video':
      return 128 + sample.data.byteLength;
    case 'poses': {
      // Checked loosely: a malformed sample still reaches the worker, which counts it as a recorder loss.
      const raw = sample.raw as { labeledMarkers?: unknown[] } | undefined;
      const bodies = (sample.bodies as unknown[] | null | undefined)?.length ?? 0;
      return 128 + bodies * 80 + (sample.markers?.length ?? 0) * 4 + (raw?.labeledMarkers?.length ?? 0) * 64;
    }
    case 'analog':
      // An LSL stream may carry hundreds of channels per sample (a fixed guess would undercount it).
      return 128 + sample.channels.length * 8;
    default:
      return 256;
  }
}

/** Refuses to start when less than a minute of recording fits on the disk. */
async function checkDiskSpace(outDir: string, bytesPerSecond: number): Promise<void> {
  let dir = outDir;
  // The folder may not exist yet: ask about the nearest one that does.
  while (!existsSync(dir) && join(dir, '..') !== dir) dir = join(dir, '..');
  let free: number;
  try {
    const fs = await statfs(dir);
    free = fs.bavail * fs.bsize;
  } catch {
    return;
  }
  if (free < MIN_START_SECONDS * bytesPerSecond) {
    throw new Error(
      `not enough disk space to record in ${outDir}: ${(free / 1e6).toFixed(0)} MB free, less than ${MIN_START_SECONDS} s at ${(bytesPerSecond / 1e6).toFixed(1)} MB/s; free some space or choose another folder`,
    );
  }
}

/**
 * The worker: the bundle next to this one in dist/ (app, headless, CLI; unpacked from the asar
 * archive when packaged), else the TypeScript source through tsx's loader (dev and tests).
 */
function startWorker(workerData: WorkerStart): Worker {
  const bundled = join(__dirname, 'recorder-worker.cjs');
  if (existsSync(bundled)) {
    return new Worker(bundled.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'), { workerData });
  }
  const source = join(__dirname, 'recorder-worker.ts');
  return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData,
  });
}

/** A new folder for the session: NAME, or NAME-2, NAME-3… when a session of that name exists (never overwrite one). */
async function makeSessionFolder(outDir: string, base: string): Promise<string> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw describeWriteError(error, outDir);
  }
  for (let n = 1; n <= 1000; n++) {
    const folder = join(outDir, n === 1 ? base : `${base}-${n}`);
    try {
      await mkdir(folder);
      return folder;
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST') continue;
      throw describeWriteError(error, folder);
    }
  }
  throw new Error(`cannot create the session folder: ${base} and 999 numbered variants exist in ${outDir}`);
}
