/**
 * The recorder's heavy half: samples → messages → encoded, compressed chunks → the file. It runs in
 * the recorder's worker thread (recorder-worker.ts), off the thread that owns the sockets; the
 * main-thread Recorder only hands it batches of samples and small JSON messages (commands below).
 * Tests run it inline with an injected file.
 */
import { getHeapStatistics } from 'node:v8';
import type { DeviceRef } from '../hub/hub';
import type { Sample } from '../hub/source';
import type { AppendTarget, ByteSink } from './byte-sink';
import { QueuedByteSink } from './byte-sink';
import type { Compression } from './compression';
import { unpackSamples, type PackedBatch } from './handoff-codec';
import { McapChunkWriter } from './mcap-chunk-writer';
import { kinds } from '../protocols/registry';
import { DEFAULT_SCENE_SIZE, mapSample, type MappingContext, type MessageOut } from './sample-mapping';
import type { JsonSchemaSpec, SchemaSpec } from './schemas';

/** Main thread → core. */
export type CoreCommand =
  | { t: 'device'; ref: DeviceRef; index: number }
  | { t: 'catalog'; handle: number; bodies: { id: number; name: string }[] }
  /** Samples packed on the sockets' thread (handoff-codec.ts); `bytes` is their hand-off queue size. */
  | { t: 'packed'; batch: PackedBatch; bytes: number }
  | { t: 'json'; topic: string; schema: JsonSchemaSpec; message: object; atNs: number }
  | { t: 'metadata'; name: string; metadata: Record<string, string> }
  | { t: 'stop' };

export interface CoreProgress {
  /** Hand-off bytes processed so far (the main thread's queue shrinks by this). */
  doneBytes: number;
  messages: number;
  /** Bytes produced (file size once written). */
  bytes: number;
  uncompressedBytes: number;
  written: number;
  /** Samples the core could not record, per device id. */
  losses: Record<string, number>;
  /** Samples recorded, per device id. */
  samples: Record<string, number>;
  perTopic: Record<string, number>;
  heapUsed: number;
}

/** Core → main thread. */
export type CoreEvent =
  | { t: 'progress'; progress: CoreProgress }
  | { t: 'failed'; message: string }
  | { t: 'stopped'; progress: CoreProgress }
  | { t: 'notice'; message: string };

export interface CoreOptions {
  maxChunkBytes: number;
  library: string;
  compression: Compression;
}

const encoder = new TextEncoder();

/**
 * /ID/tf (Foxglove's 3D view, a copy of the poses as float64) at most ~30 Hz per device; /ID/poses
 * keeps every sample. At 60 Hz the copy was 5 % of a lab's file for values the file already holds.
 */
const FRAME_VIEW_INTERVAL_NS = 33e6;

export class RecordingCore {
  private readonly writer: McapChunkWriter;
  private readonly sink: ByteSink;
  private readonly devices: DeviceRef[] = [];
  private readonly schemaIds = new Map<string, number>();
  private readonly channels = new Map<string, { id: number; schema: SchemaSpec }>();
  private readonly sequences = new Map<number, number>();
  private readonly bodyNames = new Map<number, Map<number, string>>();
  private readonly videoSizes = new Map<string, { width: number; height: number }>();
  private readonly lastFrameShown = new Map<string, number>();
  private readonly losses: Record<string, number> = {};
  private readonly samples: Record<string, number> = {};
  private doneBytes = 0;
  private current = { logNs: 0n, publishNs: 0n };
  private ended = false;

  private readonly out: MessageOut = { write: (topic, schema, message) => this.write(topic, schema, message) };
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

  constructor(
    target: AppendTarget,
    path: string,
    options: CoreOptions,
    private readonly emit: (event: CoreEvent) => void,
  ) {
    this.sink = new QueuedByteSink(target, path);
    this.sink.onFailure((error) => emit({ t: 'failed', message: error.message }));
    this.writer = new McapChunkWriter(this.sink, {
      maxChunkBytes: options.maxChunkBytes,
      library: options.library,
      compression: options.compression,
    });
    this.writer.start();
  }

  /** Runs one command; resolves when it is done (only 'stop' waits for anything). */
  async handle(command: CoreCommand): Promise<void> {
    if (this.ended) return;
    switch (command.t) {
      case 'device':
        this.devices[command.index] = command.ref;
        return;
      case 'catalog':
        this.bodyNames.set(command.handle, new Map(command.bodies.map((b) => [b.id, b.name])));
        return;
      case 'packed':
        try {
          unpackSamples(command.batch, (index, sample) => this.sample(index, sample));
        } catch (error) {
          // Only a bug gets here (each sample's own errors are counted in sample()): say it loudly.
          this.emit({ t: 'failed', message: `a hand-off batch could not be read: ${(error as Error).message}` });
        }
        this.doneBytes += command.bytes;
        return;
      case 'json': {
        const t = toBigNs(command.atNs);
        this.current = { logNs: t, publishNs: t };
        this.write(command.topic, command.schema, command.message);
        return;
      }
      case 'metadata':
        this.writer.addMetadata(command.name, command.metadata);
        return;
      case 'stop':
        await this.stop();
        return;
    }
  }

  /** Closes the open chunk and hands it to the file (the flush timer: crash safety). */
  flush(): void {
    if (!this.ended) this.writer.flush();
  }

  progress(): CoreProgress {
    const stats = this.writer.statistics();
    const perTopic: Record<string, number> = {};
    for (const [topic, c] of this.channels) perTopic[topic] = stats.perChannel.get(c.id) ?? 0;
    return {
      doneBytes: this.doneBytes,
      messages: stats.messages,
      bytes: stats.bytes,
      uncompressedBytes: stats.uncompressedBytes,
      written: this.sink.writtenBytes(),
      losses: { ...this.losses },
      samples: { ...this.samples },
      perTopic,
      heapUsed: getHeapStatistics().used_heap_size,
    };
  }

  /** Hand-off bytes processed so far (cheap: sent after every batch). */
  handedBytes(): number {
    return this.doneBytes;
  }

  failure(): Error | undefined {
    return this.sink.failure();
  }

  private async stop(): Promise<void> {
    this.ended = true;
    if (!this.sink.failure()) this.writer.end();
    await this.sink.close();
    this.emit({ t: 'stopped', progress: this.progress() });
  }

  private sample(index: number, sample: Sample): void {
    const device = this.devices[index];
    if (!device) return;
    const id = device.id;
    try {
      if (sample.kind === 'video' && sample.width && sample.height) {
        this.videoSizes.set(id, { width: sample.width, height: sample.height });
      }
      this.current = {
        logNs: toBigNs(sample.hostTimeNs),
        publishNs: toBigNs(sample.deviceTimeNs ?? sample.hostTimeNs),
      };
      mapSample(device, sample, this.out, this.context);
      kinds().get(device.kind)?.recording?.raw(device, sample, this.out);
      this.samples[id] = (this.samples[id] ?? 0) + 1;
    } catch (error) {
      // A malformed sample from one device must not end the session for all of them.
      const n = (this.losses[id] = (this.losses[id] ?? 0) + 1);
      if (n === 1) {
        this.emit({
          t: 'notice',
          message: `recorder: a sample of ${device.label} could not be recorded: ${(error as Error).message}`,
        });
      }
    }
  }

  private write(topic: string, schema: SchemaSpec, message: object): void {
    const channelId = this.channelFor(topic, schema);
    const sequence = (this.sequences.get(channelId) ?? 0) + 1;
    this.sequences.set(channelId, sequence);
    const data = schema.encoding === 'protobuf' ? schema.encode(message) : encoder.encode(JSON.stringify(message));
    this.writer.addMessage({
      channelId,
      sequence,
      logTime: this.current.logNs,
      publishTime: this.current.publishNs,
      data,
    });
  }

  private channelFor(topic: string, schema: SchemaSpec): number {
    const known = this.channels.get(topic);
    if (known !== undefined) return known.id;
    let schemaId = this.schemaIds.get(schema.name);
    if (schemaId === undefined) {
      schemaId =
        schema.encoding === 'protobuf'
          ? this.writer.registerSchema(schema.name, 'protobuf', schema.data())
          : this.writer.registerSchema(schema.name, 'jsonschema', encoder.encode(JSON.stringify(schema.definition)));
      this.schemaIds.set(schema.name, schemaId);
    }
    const id = this.writer.registerChannel(topic, schemaId, schema.encoding === 'protobuf' ? 'protobuf' : 'json');
    this.channels.set(topic, { id, schema });
    return id;
  }
}

function toBigNs(ns: number): bigint {
  return BigInt(Math.max(0, Math.round(ns)));
}
