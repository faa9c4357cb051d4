/**
 * A recording played back: one Source per recorded device (kind 'playback'), all driven by one
 * player with play / pause / seek / speed. The panels cannot tell it from live devices: samples come
 * at the pace they were recorded (times shifted to now; the device's raw clock reading kept).
 *
 * Reading is sequential (mcap-reader.ts), so a truncated recording plays up to its last complete
 * chunk, and seeking restarts the read from the beginning and skips ahead (fast: no decoding of
 * skipped payloads beyond what pairing needs).
 */
import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import type { DeviceKindInfo, PlaybackState } from '../../preload/api';
import type {
  BodyCatalog,
  ConnectionState,
  Sample,
  Source,
  SourceCapabilities,
  SourceCounters,
  SourceEvents,
  SourceStatus,
} from '../hub/source';
import { hostTimeNs } from '../time/host-clock';
import { decodeJsonMessage, IndexedRecording, RecordingReader, type ScannedMessage } from './mcap-reader';
import { deviceOfTopic, SampleDecoder, type RecordedDevice } from './sample-decoding';

/** A recorded device replayed: a kind of its own, never added from the form. */
export const PLAYBACK_KIND: DeviceKindInfo = {
  kind: 'playback',
  name: 'Playback',
  label: 'Recording played back',
  addable: false,
  searchesFirst: false,
  form: null,
};

const SAMPLE_SCHEMAS = new Set([
  'sightline.Poses',
  'sightline.Gaze',
  'sightline.VideoFrame',
  'sightline.Event',
  'sightline.Analog',
]);

/** One recorded device, replayed. */
export class PlaybackSource extends EventEmitter<SourceEvents> implements Source {
  readonly kind = 'playback' as const;
  readonly capabilities: SourceCapabilities = {};
  private state: ConnectionState = 'idle';
  private readonly counts: SourceCounters = { packets: 0, bytes: 0, samples: 0, malformed: 0, dropped: 0 };

  constructor(
    readonly id: string,
    readonly label: string,
    readonly recorded: RecordedDevice,
    private readonly peer: string,
  ) {
    super();
  }

  async connect(): Promise<void> {
    this.setState('connected');
  }

  async close(): Promise<void> {
    this.setState('closed');
  }

  counters(): SourceCounters {
    return { ...this.counts };
  }

  status(): SourceStatus {
    return { state: this.state, peer: this.peer };
  }

  /** Called by the player. */
  deliver(sample: Sample, bytes: number): void {
    if (this.state === 'closed' || this.state === 'idle') return;
    this.counts.packets++;
    this.counts.bytes += bytes;
    this.counts.samples++;
    if (this.state !== 'streaming') this.setState('streaming');
    this.emit('sample', sample);
  }

  deliverCatalog(catalog: BodyCatalog): void {
    this.emit('catalog', catalog);
  }

  countBad(): void {
    this.counts.malformed++;
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('status', this.status());
  }
}

/** An operator event of the recording, played back at its time (the Events panel lists it). */
export interface PlayedNote {
  text: string;
  source: string;
}

export interface PlayerEvents {
  state: [PlaybackState];
  note: [PlayedNote];
}

const OPERATOR_EVENT = 'sightline.OperatorEvent';

export interface PlayerOptions {
  /** Prefix for the sources' ids (default 'playback'). */
  idPrefix?: string;
  speed?: number;
}

export const MIN_SPEED = 0.05;
export const MAX_SPEED = 20;

export class RecordingPlayer extends EventEmitter<PlayerEvents> {
  readonly sources: PlaybackSource[];
  private readonly byDevice: Map<string, PlaybackSource>;
  private playing = false;
  private ended = false;
  private speed: number;
  private position: number;
  /** Wall-clock anchor: recorded time `anchorRecNs` plays at performance.now() = `anchorWallMs`. */
  private anchorWallMs = 0;
  private anchorRecNs = 0;
  private generation = 0;
  /** The generation whose reading pass is running, if any: play() never starts a second one. */
  private passGeneration: number | null = null;
  private wake: (() => void) | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readError: string | null = null;

  private constructor(
    readonly path: string,
    private readonly startNs: number,
    private readonly endNs: number,
    private readonly problem: string | null,
    devices: RecordedDevice[],
    /** Every catalog in the recording (few), so a seek can hand over the names valid at that time. */
    private readonly catalogs: { deviceId: string; atNs: number; bodies: { id: number; name: string }[] }[],
    /** The recording's index when it has one (finished files): seeks read only from there. */
    private readonly index: IndexedRecording | null,
    options: PlayerOptions,
  ) {
    super();
    this.speed = clampSpeed(options.speed ?? 1);
    this.position = startNs;
    const prefix = options.idPrefix ?? 'playback';
    const file = basename(path);
    this.sources = devices.map(
      (d) => new PlaybackSource(`${prefix}:${d.id}`, `${d.label} (recorded)`, d, `recording ${file} · ${d.kind}`),
    );
    this.byDevice = new Map(this.sources.map((s) => [s.recorded.id, s]));
  }

  /**
   * Learns the recording's devices, time span and catalogs: from its index when it has one, else by
   * reading it once. Rejects when nothing in it can be played.
   */
  static async open(path: string, options: PlayerOptions = {}): Promise<RecordingPlayer> {
    const index = await IndexedRecording.open(path);
    try {
      const found = index ? await surveyIndexed(index) : await surveyByScan(path);
      if (found.startNs === undefined || found.endNs === undefined) {
        throw new Error(
          `${path}: nothing to play${found.problem ? ` (${found.problem})` : ' (no device samples in it)'}`,
        );
      }
      return new RecordingPlayer(
        path,
        found.startNs,
        found.endNs,
        found.problem ?? null,
        [...found.devices.values()],
        found.catalogs,
        index,
        options,
      );
    } catch (error) {
      await index?.close();
      throw error;
    }
  }

  state(): PlaybackState {
    return {
      file: this.path,
      playing: this.playing,
      ended: this.ended,
      speed: this.speed,
      positionNs: this.position,
      startNs: this.startNs,
      endNs: this.endNs,
      devices: this.sources.map((s) => s.id),
      problem: this.readError ?? this.problem,
    };
  }

  play(): void {
    if (this.closed || this.playing) return;
    this.playing = true;
    if (!this.ticker) {
      // The timeline moves between samples too; the UI hears of it 4 times a second.
      this.ticker = setInterval(() => this.emit('state', this.state()), 250);
      this.ticker.unref();
    }
    // From the end, play starts again at the start: the seek starts the pass and tells the UI once,
    // already playing (a state "paused at the start" in between would be a lie the UI could act on).
    if (this.ended) {
      this.seek(this.startNs);
      return;
    }
    this.anchor();
    if (this.wake) this.wake();
    // A pass paused while it read ahead goes on by itself once it reaches its next wait.
    else if (this.passGeneration !== this.generation) this.start(this.generation);
    this.emit('state', this.state());
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.stopTicker();
    this.emit('state', this.state());
  }

  /** Jumps to a recorded time (clamped to the recording). */
  seek(ns: number): void {
    if (this.closed) return;
    this.generation++;
    this.wake?.();
    this.wake = null;
    this.position = Math.min(this.endNs, Math.max(this.startNs, ns));
    this.ended = false;
    this.anchor();
    if (this.playing) this.start(this.generation);
    this.emit('state', this.state());
  }

  setSpeed(speed: number): void {
    this.speed = clampSpeed(speed);
    this.anchor();
    this.emit('state', this.state());
  }

  close(): void {
    this.closed = true;
    this.playing = false;
    this.generation++;
    this.wake?.();
    this.stopTicker();
    void this.index?.close().catch(() => {});
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private anchor(): void {
    this.anchorWallMs = performance.now();
    this.anchorRecNs = this.position;
  }

  private dueInMs(recNs: number): number {
    return this.anchorWallMs + (recNs - this.anchorRecNs) / 1e6 / this.speed - performance.now();
  }

  /** Waits, through pauses, until recorded time recNs is due; false when this pass is over. */
  private async until(recNs: number, live: () => boolean): Promise<boolean> {
    while (live()) {
      if (!this.playing) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const wait = this.dueInMs(recNs);
      if (wait <= 1) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(wait, 250));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return live();
  }

  /** Runs a reading pass; a read that fails because the player was closed or moved on is no error. */
  private start(generation: number): void {
    this.passGeneration = generation;
    this.run(generation)
      .catch((error: unknown) => {
        if (generation !== this.generation || this.closed) return;
        this.playing = false;
        this.ended = true;
        this.stopTicker();
        this.readError = `playback stopped: ${(error as Error).message}`;
        this.emit('state', this.state());
      })
      .finally(() => {
        if (this.passGeneration === generation) this.passGeneration = null;
      });
  }

  private async run(generation: number): Promise<void> {
    const decoder = new SampleDecoder();
    const from = this.position;
    const live = (): boolean => generation === this.generation && !this.closed;
    // The body names valid at the seek point: the newest catalog of each device before it.
    const latest = new Map<string, { id: number; name: string }[]>();
    for (const c of this.catalogs) if (c.atNs <= from) latest.set(c.deviceId, c.bodies);
    for (const [deviceId, bodies] of latest) this.byDevice.get(deviceId)?.deliverCatalog({ bodies });
    const messages = this.index
      ? this.index.messages({ startNs: BigInt(Math.floor(from)) })
      : new RecordingReader(this.path).messages();
    for await (const message of messages) {
      if (!live()) return;
      const schema = message.channel.schemaName;
      if (schema === OPERATOR_EVENT) {
        const recNs = Number(message.logTimeNs);
        const json = recNs < from ? null : decodeJsonMessage(message);
        if (!json || typeof json.text !== 'string') continue;
        if (!(await this.until(recNs, live))) return;
        this.position = recNs;
        this.emit('note', { text: json.text, source: typeof json.source === 'string' ? json.source : '' });
        continue;
      }
      if (!SAMPLE_SCHEMAS.has(schema) && schema !== 'sightline.Catalog' && schema !== 'foxglove.CompressedVideo')
        continue;
      const decoded = decoder.decode(message);
      const recNs = Number(message.logTimeNs);
      if (recNs < from) continue;
      if (decoded.type === 'catalog') {
        this.byDevice.get(decoded.deviceId)?.deliverCatalog({ bodies: decoded.bodies });
        continue;
      }
      if (decoded.type === 'bad') {
        const id = deviceOfTopic(message.channel.topic);
        if (id) this.byDevice.get(id)?.countBad();
        continue;
      }
      if (decoded.type !== 'sample') continue;
      if (!(await this.until(recNs, live))) return;
      this.position = recNs;
      this.byDevice.get(decoded.deviceId)?.deliver(replayed(decoded.sample), message.data.byteLength);
    }
    if (!live()) return;
    // The pass has read every message, but the timeline ends at endNs (the recording's last message,
    // e.g. its final statuses): a pause holds the position until play resumes, and playing runs on to
    // the end in step (at most a second of recorded time past the last message read).
    if (!(await this.until(Math.min(this.endNs, this.position + 1e9), live))) return;
    this.ended = true;
    this.playing = false;
    this.position = this.endNs;
    this.stopTicker();
    this.emit('state', this.state());
  }
}

/** The sample as if it arrived now: host and device times shifted together; the raw device clock kept. */
function replayed(sample: Sample): Sample {
  const shift = hostTimeNs() - sample.hostTimeNs;
  const out = { ...sample, hostTimeNs: sample.hostTimeNs + shift };
  if (sample.deviceTimeNs !== undefined) out.deviceTimeNs = sample.deviceTimeNs + shift;
  return out;
}

function clampSpeed(speed: number): number {
  return Number.isFinite(speed) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed)) : 1;
}

interface Survey {
  devices: Map<string, RecordedDevice>;
  catalogs: { deviceId: string; atNs: number; bodies: { id: number; name: string }[] }[];
  startNs?: number;
  endNs?: number;
  problem?: string;
}

/** What one recorded message tells the survey. */
function surveyMessage(found: Survey, decoder: SampleDecoder, message: ScannedMessage): void {
  const schema = message.channel.schemaName;
  if (schema === 'sightline.DeviceStatus' || schema === 'sightline.Catalog') {
    const d = decoder.decode(message);
    if (d.type === 'device') found.devices.set(d.device.id, d.device);
    if (d.type === 'catalog')
      found.catalogs.push({ deviceId: d.deviceId, atNs: Number(message.logTimeNs), bodies: d.bodies });
    return;
  }
  const id = SAMPLE_SCHEMAS.has(schema) ? deviceOfTopic(message.channel.topic) : undefined;
  if (!id) return;
  if (!found.devices.has(id)) found.devices.set(id, { id, kind: 'unknown', label: id });
  const t = Number(message.logTimeNs);
  found.startNs = Math.min(found.startNs ?? t, t);
  found.endNs = Math.max(found.endNs ?? t, t);
}

async function surveyByScan(path: string): Promise<Survey> {
  const reader = new RecordingReader(path);
  const decoder = new SampleDecoder();
  const found: Survey = { devices: new Map(), catalogs: [] };
  for await (const message of reader.messages()) surveyMessage(found, decoder, message);
  if (reader.problem) found.problem = reader.problem;
  return found;
}

/** From the index: the channels name the devices; only status and catalog messages are read. */
async function surveyIndexed(index: IndexedRecording): Promise<Survey> {
  const decoder = new SampleDecoder();
  const found: Survey = { devices: new Map(), catalogs: [] };
  const small: string[] = [];
  for (const channel of index.channels.values()) {
    const id = deviceOfTopic(channel.topic);
    if (!id) continue;
    if (SAMPLE_SCHEMAS.has(channel.schemaName) && !found.devices.has(id)) {
      found.devices.set(id, { id, kind: 'unknown', label: id });
    }
    if (channel.schemaName === 'sightline.DeviceStatus' || channel.schemaName === 'sightline.Catalog')
      small.push(channel.topic);
  }
  const sampleTopics = [...index.channels.values()].filter((c) => SAMPLE_SCHEMAS.has(c.schemaName)).map((c) => c.topic);
  if (sampleTopics.length === 0) return found;
  for await (const message of index.messages({ topics: small })) surveyMessage(found, decoder, message);
  // The first sample of any device starts the timeline; the summary's last log time ends it.
  for await (const message of index.messages({ topics: sampleTopics })) {
    found.startNs = Number(message.logTimeNs);
    break;
  }
  const span = index.span();
  if (span) found.endNs = Number(span.endNs);
  return found;
}
