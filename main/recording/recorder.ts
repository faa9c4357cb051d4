/**
 * The local recorder: one session folder (MCAP + session.json), fed by the Hub's sample fan-out.
 *
 * On the sample path (synchronous, full rate) it maps the sample to messages and appends them to
 * the open chunk; a timer closes the chunk and hands it to the file every `flushIntervalMs` (≤ 1 s
 * by design: what was flushed survives a kill -9). Device status changes and clock models come
 * from the Hub's 'devices' event. A write error (disk full, permission) stops the session at once
 * with a clear reason and keeps what was written; a misbehaving device never stops it (its samples
 * are mapped inside a try, counted as lost if they cannot be).
 *
 * Times: log time = host time at arrival; publish time = device time converted to host time (the
 * arrival time when the device has no clock model yet); the raw device time is in the message.
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceSnapshot } from '../../preload/api';
import type { CatalogEntry, DeviceRef, Hub } from '../hub/hub';
import { errorMessage } from '../hub/hub';
import type { Sample } from '../hub/source';
import { hostTimeNs } from '../time/host-clock';
import { describeWriteError, openAppendFile, QueuedByteSink, type AppendTarget, type ByteSink } from './byte-sink';
import { McapChunkWriter } from './mcap-chunk-writer';
import { kinds } from '../protocols/registry';
import { DEFAULT_SCENE_SIZE, mapSample, type MappingContext, type MessageOut } from './sample-mapping';
import {
  SIGHTLINE_CATALOG,
  SIGHTLINE_CLOCK,
  SIGHTLINE_DEVICE_STATUS,
  SIGHTLINE_OPERATOR_EVENT,
  SIGHTLINE_REMOTE_RECORDING,
  type SchemaSpec,
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
  /** How often the open chunk is closed and written (default 250 ms; crash safety needs ≤ 1000). */
  flushIntervalMs?: number;
  /** Close a chunk early once it holds this many bytes (default 1 MiB: short pauses of the event loop). */
  maxChunkBytes?: number;
  /** Samples are dropped (and counted as lost) while more than this many bytes wait for the disk. */
  maxPendingBytes?: number;
  /** Tests inject a failing file. */
  openTarget?: (path: string) => Promise<AppendTarget>;
  appVersion?: string;
}

export interface RecorderCounts {
  messages: number;
  bytes: number;
  /** Bytes the OS accepted. */
  written: number;
  lost: number;
  perDevice: Record<string, number>;
}

export interface RecorderEvents {
  /** The session ended on its own (write error): the reason. */
  failed: [Error];
}

const encoder = new TextEncoder();

/** /ID/tf (Foxglove's 3D view) at most ~120 Hz per device; /ID/poses keeps every sample. */
const FRAME_VIEW_INTERVAL_NS = 8e6;

export class Recorder extends EventEmitter<RecorderEvents> {
  readonly folder: string;
  readonly mcapPath: string;
  readonly name: string;
  private readonly writer: McapChunkWriter;
  private readonly sink: ByteSink;
  private readonly schemaIds = new Map<string, number>();
  private readonly channelIds = new Map<string, number>();
  private readonly sequences = new Map<number, number>();
  private readonly devices = new Map<string, SessionDevice>();
  private readonly bodyNames = new Map<number, Map<number, string>>();
  private readonly videoSizes = new Map<string, { width: number; height: number }>();
  private readonly lastStatus = new Map<string, string>();
  private readonly lastFrameShown = new Map<string, number>();
  private readonly lastClockAt = new Map<string, number>();
  private readonly remote: RemoteRecordingEntry[] = [];
  private readonly filter: Set<string> | null;
  private readonly flushTimer: ReturnType<typeof setInterval>;
  private readonly detach: () => void;
  private readonly maxPendingBytes: number;
  private readonly summary: SessionSummary;
  private lost = 0;
  private operatorEvents = 0;
  private stopping: Promise<SessionSummary> | null = null;
  private error: Error | null = null;
  /** The sample being written, for the message times of what its mapping writes. */
  private current: { logNs: bigint; publishNs: bigint } = { logNs: 0n, publishNs: 0n };

  private readonly out: MessageOut = {
    write: (topic, schema, message) => this.writeJson(topic, schema, message),
  };

  private readonly context: MappingContext = {
    bodyName: (device, bodyId) => this.bodyNames.get(device.handle)?.get(bodyId) ?? `body_${bodyId}`,
    videoSize: (device) => this.videoSizes.get(device.id) ?? DEFAULT_SCENE_SIZE,
    showFrame: (device, sample) => {
      const last = this.lastFrameShown.get(device.id) ?? -Infinity;
      if (sample.hostTimeNs - last < FRAME_VIEW_INTERVAL_NS) return false;
      this.lastFrameShown.set(device.id, sample.hostTimeNs);
      return true;
    },
  };

  /** Opens the session folder and file and starts recording. */
  static async start(hub: Hub, options: RecorderOptions): Promise<Recorder> {
    const name = options.sessionName?.trim() || defaultSessionName();
    const folder = await makeSessionFolder(options.outDir, folderNameOf(name));
    const mcapPath = join(folder, MCAP_FILE);
    const target = await (options.openTarget ?? openAppendFile)(mcapPath);
    const recorder = new Recorder(hub, options, name, folder, mcapPath, target);
    await recorder.saveSummary();
    return recorder;
  }

  private constructor(
    private readonly hub: Hub,
    options: RecorderOptions,
    name: string,
    folder: string,
    mcapPath: string,
    target: AppendTarget,
  ) {
    super();
    this.name = name;
    this.folder = folder;
    this.mcapPath = mcapPath;
    this.filter = options.deviceIds && options.deviceIds.length > 0 ? new Set(options.deviceIds) : null;
    this.maxPendingBytes = options.maxPendingBytes ?? 256 * 1024 * 1024;
    this.sink = new QueuedByteSink(target, mcapPath);
    this.sink.onFailure((error) => this.fail(error));
    this.writer = new McapChunkWriter(this.sink, {
      maxChunkBytes: options.maxChunkBytes ?? 1024 * 1024,
      library: `sightline ${options.appVersion ?? ''}`.trim(),
    });
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
      devices: [],
      remoteRecordings: this.remote,
      operatorEvents: 0,
      messages: 0,
      bytes: 0,
      lost: 0,
    };
    this.writer.start();
    this.writer.addMetadata('session', {
      name,
      operator: options.operator ?? '',
      started_at: startedAt.toISOString(),
      app_version: options.appVersion ?? 'unknown',
    });
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
    const interval = Math.min(1000, Math.max(20, options.flushIntervalMs ?? 250));
    this.flushTimer = setInterval(() => this.writer.flush(), interval);
  }

  get state(): SessionSummary['state'] {
    return this.summary.state;
  }

  /** Why the session stopped on its own, if it did. */
  failure(): Error | null {
    return this.error;
  }

  counts(): RecorderCounts {
    const stats = this.writer.statistics();
    const perDevice: Record<string, number> = {};
    for (const [id, d] of this.devices) perDevice[id] = d.samples;
    return {
      messages: stats.messages,
      bytes: stats.bytes,
      written: this.sink.writtenBytes(),
      lost: this.lost,
      perDevice,
    };
  }

  /** Channels and their message counts so far. */
  channelCounts(): Record<string, number> {
    const perChannel = this.writer.statistics().perChannel;
    const out: Record<string, number> = {};
    for (const [topic, id] of this.channelIds) out[topic] = perChannel.get(id) ?? 0;
    return out;
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
    if (this.sink.pendingBytes() > this.maxPendingBytes) {
      // The disk cannot keep up: losing samples beats growing without bound.
      this.lost++;
      return;
    }
    const entry = this.deviceEntry(device);
    try {
      if (sample.kind === 'video' && sample.width && sample.height) {
        this.videoSizes.set(device.id, { width: sample.width, height: sample.height });
      }
      this.current = {
        logNs: toBigNs(sample.hostTimeNs),
        publishNs: toBigNs(sample.deviceTimeNs ?? sample.hostTimeNs),
      };
      mapSample(device, sample, this.out, this.context);
      kinds().get(device.kind)?.recording?.raw(device, sample, this.out);
      entry.samples++;
    } catch (error) {
      // A malformed sample from one device must not end the session for all of them.
      this.lost++;
      if (this.lost === 1)
        this.hub.notice(
          'warn',
          `recorder: a sample of ${device.label} could not be recorded: ${errorMessage(error)}`,
          device.id,
        );
    }
  }

  private deviceEntry(device: { id: string; kind: string; label: string; simulated: boolean }): SessionDevice {
    let entry = this.devices.get(device.id);
    if (!entry) {
      entry = {
        id: device.id,
        kind: device.kind,
        label: device.label,
        peer: null,
        simulated: device.simulated,
        samples: 0,
      };
      this.devices.set(device.id, entry);
    }
    return entry;
  }

  private onCatalog(entry: CatalogEntry): void {
    this.bodyNames.set(entry.handle, new Map(entry.bodies.map((b) => [b.id, b.name])));
    const device = this.hub.snapshots().find((d) => d.handle === entry.handle);
    if (!device || !this.accepting() || (this.filter && !this.filter.has(device.id))) return;
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

  private writeAt(topic: string, schema: SchemaSpec, message: object, atNs: number): void {
    const t = toBigNs(atNs);
    this.current = { logNs: t, publishNs: t };
    this.writeJson(topic, schema, message);
  }

  private writeJson(topic: string, schema: SchemaSpec, message: object): void {
    const channelId = this.channelFor(topic, schema);
    const sequence = (this.sequences.get(channelId) ?? 0) + 1;
    this.sequences.set(channelId, sequence);
    this.writer.addMessage({
      channelId,
      sequence,
      logTime: this.current.logNs,
      publishTime: this.current.publishNs,
      data: encoder.encode(JSON.stringify(message)),
    });
  }

  private channelFor(topic: string, schema: SchemaSpec): number {
    const known = this.channelIds.get(topic);
    if (known !== undefined) return known;
    let schemaId = this.schemaIds.get(schema.name);
    if (schemaId === undefined) {
      schemaId = this.writer.registerSchema(
        schema.name,
        'jsonschema',
        encoder.encode(JSON.stringify(schema.definition)),
      );
      this.schemaIds.set(schema.name, schemaId);
    }
    const id = this.writer.registerChannel(topic, schemaId, 'json');
    this.channelIds.set(topic, id);
    return id;
  }

  private fail(error: Error): void {
    if (this.error || this.stopping) return;
    this.error = new Error(`recording stopped: ${error.message}; what was written before is kept in ${this.mcapPath}`);
    this.hub.notice('error', this.error.message);
    void this.stop();
    this.emit('failed', this.error);
  }

  private async finish(): Promise<SessionSummary> {
    clearInterval(this.flushTimer);
    this.detach();
    const stats = this.writer.statistics();
    if (!this.error) {
      for (const d of this.devices.values()) {
        this.writer.addMetadata(`device:${d.id}`, {
          kind: d.kind,
          label: d.label,
          peer: d.peer ?? '',
          simulated: String(d.simulated),
          samples: String(d.samples),
        });
      }
      this.writer.addMetadata('session_end', { ended_at: new Date().toISOString(), lost: String(this.lost) });
      this.writer.end();
    }
    await this.sink.close();
    const failure = this.error ?? this.sink.failure() ?? null;
    this.summary.state = failure ? 'failed' : 'finished';
    this.summary.error = failure ? (this.error?.message ?? failure.message) : null;
    this.summary.endedAt = new Date().toISOString();
    this.summary.devices = [...this.devices.values()];
    this.summary.operatorEvents = this.operatorEvents;
    this.summary.messages = stats.messages;
    this.summary.bytes = this.sink.writtenBytes();
    this.summary.lost = this.lost;
    await this.saveSummary();
    return this.summary;
  }

  private async saveSummary(): Promise<void> {
    this.summary.devices = [...this.devices.values()];
    try {
      await writeSummary(this.folder, this.summary);
    } catch (error) {
      // The MCAP holds the same facts (metadata records); a summary that cannot be written is said, not fatal.
      this.hub.notice('warn', `recorder: cannot write the session summary in ${this.folder}: ${errorMessage(error)}`);
    }
  }
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

function toBigNs(ns: number): bigint {
  return BigInt(Math.max(0, Math.round(ns)));
}
