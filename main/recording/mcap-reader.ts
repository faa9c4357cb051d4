/**
 * Reads a recording by scanning it from the start, so that a file whose writer was killed (no
 * summary, no footer, a chunk cut in half) still gives every record up to the last complete one.
 * A finished file reads the same way (the scan simply reaches the footer). A file that is not MCAP,
 * or is corrupt, yields what came before the damage and says what is wrong; it never throws.
 */
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { McapIndexedReader, McapStreamReader } from '@mcap/core';
import type { McapTypes } from '@mcap/core';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { compressionReady, DECOMPRESS_HANDLERS } from './compression';

export interface ScannedChannel {
  id: number;
  topic: string;
  messageEncoding: string;
  schemaName: string;
  schemaEncoding: string;
  /** The schema as stored in the file (JSON Schema text for our recordings). */
  schemaData: Uint8Array;
  metadata: Record<string, string>;
}

export interface ScannedMessage {
  channel: ScannedChannel;
  sequence: number;
  logTimeNs: bigint;
  publishTimeNs: bigint;
  data: Uint8Array;
}

export interface ScanResult {
  /** The writer finished the file (footer reached). */
  complete: boolean;
  /** Why the scan stopped early (truncated, corrupt, not MCAP), when it did. */
  problem?: string;
  fileBytes: number;
  channels: ScannedChannel[];
  metadata: Record<string, Record<string, string>>;
  library: string;
  /** Chunks by compression ('none' for uncompressed): count, bytes in the file, bytes once decompressed. */
  chunks: Record<string, ChunkTally>;
}

export interface ChunkTally {
  chunks: number;
  bytes: number;
  uncompressedBytes: number;
}

export interface ScanOptions {
  /** Called for every message in file order; return false to stop the scan. */
  onMessage?: (message: ScannedMessage) => boolean | void;
  /** Read size, bytes (default 1 MiB). */
  readBytes?: number;
}

/**
 * Pull-based reading: `messages()` yields every message in file order and can be abandoned at any
 * point (playback pauses by not pulling). Channels, metadata and the outcome fill in as it reads.
 */
export class RecordingReader {
  readonly channels = new Map<number, ScannedChannel>();
  readonly metadata: Record<string, Record<string, string>> = {};
  library = '';
  readonly chunks: Record<string, ChunkTally> = {};
  complete = false;
  problem: string | undefined;
  fileBytes = 0;
  private readonly schemas = new Map<number, McapTypes.Schema>();

  constructor(
    readonly path: string,
    private readonly readBytes = 1024 * 1024,
  ) {}

  async *messages(): AsyncGenerator<ScannedMessage, void, void> {
    const info = await stat(this.path).catch((error: unknown) => {
      throw new Error(`cannot open ${this.path}: ${(error as Error).message}`);
    });
    this.fileBytes = info.size;
    await compressionReady();
    const reader = new McapStreamReader({
      validateCrcs: true,
      decompressHandlers: DECOMPRESS_HANDLERS,
      includeChunks: true,
    });
    const stream = createReadStream(this.path, { highWaterMark: this.readBytes });
    try {
      for await (const piece of stream as AsyncIterable<Buffer>) {
        reader.append(piece);
        for (;;) {
          let record;
          try {
            record = reader.nextRecord();
          } catch (error) {
            const message = (error as Error).message;
            this.problem = /magic/i.test(message)
              ? `not an MCAP recording (${message.slice(0, 120)})`
              : `the recording is damaged after the last good record: ${message.slice(0, 200)}`;
            return;
          }
          if (!record) break;
          const message = this.take(record);
          if (message) yield message;
        }
      }
      if (!this.complete) {
        const left = reader.bytesRemaining();
        this.problem =
          info.size === 0
            ? 'the file is empty'
            : `the recording was not finished (its writer stopped or was killed): read up to the last complete chunk${
                left > 0 ? `, ${left} trailing bytes unreadable` : ''
              }`;
      }
    } finally {
      // Also when the consumer stops pulling (a seek, a pause that ends in close).
      stream.destroy();
    }
  }

  private take(record: McapTypes.TypedMcapRecord): ScannedMessage | undefined {
    switch (record.type) {
      case 'Header':
        this.library = record.library;
        return undefined;
      case 'Schema':
        this.schemas.set(record.id, record);
        return undefined;
      case 'Channel':
        if (!this.channels.has(record.id)) this.channels.set(record.id, describeChannel(record, this.schemas));
        return undefined;
      case 'Metadata':
        this.metadata[record.name] = Object.fromEntries(record.metadata);
        return undefined;
      case 'Footer':
        this.complete = true;
        return undefined;
      case 'Chunk': {
        const tally = (this.chunks[record.compression || 'none'] ??= { chunks: 0, bytes: 0, uncompressedBytes: 0 });
        tally.chunks++;
        tally.bytes += record.records.byteLength;
        tally.uncompressedBytes += Number(record.uncompressedSize);
        return undefined;
      }
      case 'Message': {
        const channel = this.channels.get(record.channelId);
        if (!channel) return undefined;
        return {
          channel,
          sequence: record.sequence,
          logTimeNs: record.logTime,
          publishTimeNs: record.publishTime,
          data: record.data,
        };
      }
      default:
        return undefined;
    }
  }
}

/** Scans a recording; resolves with what was found, never rejects for a bad file (only for a missing one). */
export async function scanRecording(path: string, options: ScanOptions = {}): Promise<ScanResult> {
  const reader = new RecordingReader(path, options.readBytes);
  for await (const message of reader.messages()) {
    if (options.onMessage?.(message) === false) break;
  }
  return {
    complete: reader.complete,
    ...(reader.problem ? { problem: reader.problem } : {}),
    fileBytes: reader.fileBytes,
    channels: [...reader.channels.values()],
    metadata: reader.metadata,
    library: reader.library,
    chunks: reader.chunks,
  };
}

function describeChannel(channel: McapTypes.Channel, schemas: Map<number, McapTypes.Schema>): ScannedChannel {
  const schema = schemas.get(channel.schemaId);
  return {
    id: channel.id,
    topic: channel.topic,
    messageEncoding: channel.messageEncoding,
    schemaName: schema?.name ?? '',
    schemaEncoding: schema?.encoding ?? '',
    schemaData: schema?.data ?? new Uint8Array(0),
    metadata: Object.fromEntries(channel.metadata),
  };
}

const decoder = new TextDecoder();

/** Protobuf types built from the descriptor each schema stores in the file, by schema data. */
const protoTypes = new WeakMap<Uint8Array, protobuf.Type | null>();

function protoTypeOf(channel: ScannedChannel): protobuf.Type | null {
  const known = protoTypes.get(channel.schemaData);
  if (known !== undefined) return known;
  let type: protobuf.Type | null;
  try {
    const set = (descriptor as unknown as DescriptorSetCodec).FileDescriptorSet.decode(channel.schemaData);
    const root = (protobuf.Root as unknown as DescriptorRoot).fromDescriptor(set, { keepCase: true });
    type = root.lookupType(channel.schemaName);
  } catch {
    type = null;
  }
  protoTypes.set(channel.schemaData, type);
  return type;
}

interface DescriptorRoot {
  fromDescriptor(set: protobuf.Message, options: { keepCase: boolean }): protobuf.Root;
}

interface DescriptorSetCodec {
  FileDescriptorSet: { decode(bytes: Uint8Array): protobuf.Message };
}

/**
 * A message as a plain object with its schema's field names, decoded with the schema stored in
 * the file: JSON, or protobuf (64-bit integers as numbers, bytes as Uint8Array, absent optional
 * fields left out). Undefined when it cannot be decoded.
 */
export function decodeMessage(message: ScannedMessage): Record<string, unknown> | undefined {
  if (message.channel.messageEncoding === 'protobuf') {
    const type = protoTypeOf(message.channel);
    if (!type) return undefined;
    try {
      return type.toObject(type.decode(message.data), { longs: Number, defaults: true, arrays: true });
    } catch {
      return undefined;
    }
  }
  if (message.channel.messageEncoding !== 'json') return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(message.data));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Older name of decodeMessage (JSON only then). */
export const decodeJsonMessage = decodeMessage;

/**
 * A finished recording read through its index (chunk indexes, summary): reading from a time on
 * costs only the chunks from there, which is what seeking in a long session needs. Null when the
 * file has no usable index (unfinished, damaged, not MCAP): scan it with RecordingReader instead.
 */
export class IndexedRecording {
  private constructor(
    private readonly handle: FileHandle,
    private readonly reader: McapIndexedReader,
    readonly channels: Map<number, ScannedChannel>,
  ) {}

  static async open(path: string): Promise<IndexedRecording | null> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch {
      return null;
    }
    try {
      const size = BigInt((await handle.stat()).size);
      await compressionReady();
      const reader = await McapIndexedReader.Initialize({
        decompressHandlers: DECOMPRESS_HANDLERS,
        readable: {
          size: async () => size,
          read: async (offset: bigint, length: bigint) => {
            if (length > BigInt(MAX_INDEXED_READ)) throw new Error(`a record of ${length} bytes is too large to read`);
            const buffer = new Uint8Array(Number(length));
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, Number(offset));
            if (bytesRead !== buffer.length) throw new Error('the file is shorter than its index says');
            return buffer;
          },
        },
      });
      if (reader.chunkIndexes.length === 0) throw new Error('no chunk index');
      const channels = new Map<number, ScannedChannel>();
      const schemas = new Map(reader.schemasById);
      for (const [id, channel] of reader.channelsById) channels.set(id, describeChannel(channel, schemas));
      return new IndexedRecording(handle, reader, channels);
    } catch {
      await handle.close();
      return null;
    }
  }

  /** First and last log time of every message (the summary's statistics), ns. */
  span(): { startNs: bigint; endNs: bigint } | undefined {
    const s = this.reader.statistics;
    return s && s.messageCount > 0n ? { startNs: s.messageStartTime, endNs: s.messageEndTime } : undefined;
  }

  /** Messages in log-time order, optionally from a time on and of some topics only. */
  async *messages(options: { startNs?: bigint; topics?: string[] } = {}): AsyncGenerator<ScannedMessage, void, void> {
    for await (const record of this.reader.readMessages({
      ...(options.startNs === undefined ? {} : { startTime: options.startNs }),
      ...(options.topics ? { topics: options.topics } : {}),
    })) {
      const channel = this.channels.get(record.channelId);
      if (!channel) continue;
      yield {
        channel,
        sequence: record.sequence,
        logTimeNs: record.logTime,
        publishTimeNs: record.publishTime,
        data: record.data,
      };
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** No record of ours comes near this; a larger length in an index is damage, not data. */
const MAX_INDEXED_READ = 256 * 1024 * 1024;
