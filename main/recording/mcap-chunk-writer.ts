/**
 * An MCAP writer that closes chunks when it is told to, not only when they are full.
 *
 * @mcap/core's McapWriter closes a chunk only once it exceeds its size, and has no flush: at a low
 * data rate a whole session could sit in memory, and a crash would lose it. Crash safety needs a
 * chunk closed and on disk at least every second, so this writer drives @mcap/core's own record and
 * chunk builders itself: messages go into the open chunk synchronously (cheap, on the sample path),
 * and `flush()` (the recorder's timer) or a full chunk closes it and queues its bytes to the sink.
 *
 * The file is a standard indexed MCAP once `end()` ran (chunk indexes, statistics, summary offsets).
 * Without end() (killed process) it is a valid MCAP data section cut after the last complete record:
 * schemas and channels are written inside the first chunk that uses them, so a sequential scan
 * (mcap-reader.ts) recovers every closed chunk.
 */
import { crc32 } from '@foxglove/crc';
import { McapChunkBuilder, McapRecordBuilder, Opcode } from '@mcap/core';
import type { McapTypes } from '@mcap/core';
import type { ByteSink } from './byte-sink';
import { chunkCompressor, DEFAULT_COMPRESSION, type Compression } from './compression';

export interface ChunkWriterOptions {
  /** A chunk is closed once its records exceed this many bytes (default 4 MiB). */
  maxChunkBytes?: number;
  library?: string;
  profile?: string;
  /** Chunk compression (default zstd; its module must be loaded: compressionReady()). */
  compression?: Compression;
}

export interface WriterStatistics {
  messages: number;
  chunks: number;
  /** Bytes produced so far (queued or written). */
  bytes: number;
  /** Message bytes before compression (what the chunks hold). */
  uncompressedBytes: number;
  /** Messages per channel id. */
  perChannel: Map<number, number>;
  startNs: bigint;
  endNs: bigint;
}

export class McapChunkWriter {
  private readonly records = new McapRecordBuilder();
  private readonly chunk = new McapChunkBuilder({ useMessageIndex: true });
  private readonly schemas = new Map<number, McapTypes.Schema>();
  private readonly channels = new Map<number, McapTypes.Channel>();
  private readonly writtenSchemas = new Set<number>();
  private readonly writtenChannels = new Set<number>();
  private readonly chunkIndexes: McapTypes.ChunkIndex[] = [];
  private readonly metadataIndexes: McapTypes.MetadataIndex[] = [];
  private readonly maxChunkBytes: number;
  private readonly compressor: ReturnType<typeof chunkCompressor>;
  private uncompressedBytes = 0;
  private position = 0n;
  private nextSchemaId = 1;
  private nextChannelId = 0;
  private messageCount = 0n;
  private metadataCount = 0;
  private readonly channelCounts = new Map<number, bigint>();
  private startNs = 0n;
  private endNs = 0n;
  private ended = false;

  constructor(
    private readonly sink: ByteSink,
    private readonly options: ChunkWriterOptions = {},
  ) {
    this.maxChunkBytes = options.maxChunkBytes ?? 4 * 1024 * 1024;
    this.compressor = chunkCompressor(options.compression ?? DEFAULT_COMPRESSION);
  }

  /** Writes the magic and the header. */
  start(): void {
    this.records.writeMagic();
    this.records.writeHeader({ profile: this.options.profile ?? '', library: this.options.library ?? 'sightline' });
    this.emitRecords();
  }

  registerSchema(name: string, encoding: string, data: Uint8Array): number {
    const id = this.nextSchemaId++;
    this.schemas.set(id, { id, name, encoding, data });
    return id;
  }

  registerChannel(
    topic: string,
    schemaId: number,
    messageEncoding: string,
    metadata = new Map<string, string>(),
  ): number {
    const id = this.nextChannelId++;
    this.channels.set(id, { id, schemaId, topic, messageEncoding, metadata });
    return id;
  }

  /** Adds a message to the open chunk (closing it first if it is full). Synchronous. */
  addMessage(message: McapTypes.Message): void {
    if (this.ended) throw new Error('the recording has ended');
    if (!this.writtenChannels.has(message.channelId)) this.writeChannelDefinition(message.channelId);
    this.chunk.addMessage(message);
    if (this.messageCount === 0n || message.logTime < this.startNs) this.startNs = message.logTime;
    if (this.messageCount === 0n || message.logTime > this.endNs) this.endNs = message.logTime;
    this.messageCount++;
    this.channelCounts.set(message.channelId, (this.channelCounts.get(message.channelId) ?? 0n) + 1n);
    if (this.chunk.byteLength >= this.maxChunkBytes) this.closeChunk();
  }

  /** A metadata record (written between chunks, indexed in the summary). */
  addMetadata(name: string, metadata: Record<string, string>): void {
    if (this.ended) throw new Error('the recording has ended');
    this.closeChunk();
    const offset = this.position;
    const length = this.records.writeMetadata({ name, metadata: new Map(Object.entries(metadata)) });
    this.metadataIndexes.push({ name, offset, length });
    this.metadataCount++;
    this.emitRecords();
  }

  /** Closes the open chunk, if it has messages, and queues it to the sink. */
  flush(): void {
    if (!this.ended) this.closeChunk();
  }

  statistics(): WriterStatistics {
    const perChannel = new Map<number, number>();
    for (const [id, n] of this.channelCounts) perChannel.set(id, Number(n));
    return {
      messages: Number(this.messageCount),
      chunks: this.chunkIndexes.length,
      bytes: Number(this.position) + this.chunk.byteLength,
      uncompressedBytes: this.uncompressedBytes + this.chunk.byteLength,
      perChannel,
      startNs: this.startNs,
      endNs: this.endNs,
    };
  }

  /** Closes the last chunk and writes the summary and footer; the file is then fully indexed. */
  end(): void {
    if (this.ended) return;
    this.closeChunk();
    this.ended = true;
    this.records.writeDataEnd({ dataSectionCrc: 0 });
    this.emitRecords();

    const summaryStart = this.position;
    const offsets: McapTypes.SummaryOffset[] = [];
    const group = (opcode: number, write: () => bigint): void => {
      const groupStart = this.position + BigInt(this.records.length);
      const groupLength = write();
      if (groupLength > 0n) offsets.push({ groupOpcode: opcode, groupStart, groupLength });
    };
    group(Opcode.SCHEMA, () => sum([...this.schemas.values()].map((s) => this.records.writeSchema(s))));
    group(Opcode.CHANNEL, () => sum([...this.channels.values()].map((c) => this.records.writeChannel(c))));
    group(Opcode.STATISTICS, () =>
      this.records.writeStatistics({
        messageCount: this.messageCount,
        schemaCount: this.schemas.size,
        channelCount: this.channels.size,
        attachmentCount: 0,
        metadataCount: this.metadataCount,
        chunkCount: this.chunkIndexes.length,
        messageStartTime: this.startNs,
        messageEndTime: this.endNs,
        channelMessageCounts: this.channelCounts,
      }),
    );
    group(Opcode.METADATA_INDEX, () => sum(this.metadataIndexes.map((m) => this.records.writeMetadataIndex(m))));
    group(Opcode.CHUNK_INDEX, () => sum(this.chunkIndexes.map((c) => this.records.writeChunkIndex(c))));
    const summaryOffsetStart = this.position + BigInt(this.records.length);
    for (const offset of offsets) this.records.writeSummaryOffset(offset);
    // CRC 0 = "not computed" (MCAP spec); the chunks carry their own CRCs.
    this.records.writeFooter({ summaryStart, summaryOffsetStart, summaryCrc: 0 });
    this.records.writeMagic();
    this.emitRecords();
  }

  private writeChannelDefinition(channelId: number): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    if (channel.schemaId !== 0 && !this.writtenSchemas.has(channel.schemaId)) {
      const schema = this.schemas.get(channel.schemaId);
      if (!schema) throw new Error(`no schema ${channel.schemaId}`);
      this.chunk.addSchema(schema);
      this.writtenSchemas.add(channel.schemaId);
    }
    this.chunk.addChannel(channel);
    this.writtenChannels.add(channelId);
  }

  private closeChunk(): void {
    if (this.chunk.numMessages === 0) return;
    const data = this.chunk.buffer;
    let compression = this.compressor.name;
    let records = this.compressor.compress(data);
    // Already-compressed content (H.264) can come out larger: store such a chunk as it is.
    if (records.byteLength >= data.byteLength) {
      compression = '';
      records = data;
    }
    this.uncompressedBytes += data.byteLength;
    const chunkStartOffset = this.position;
    const chunkLength = this.records.writeChunk({
      messageStartTime: this.chunk.messageStartTime,
      messageEndTime: this.chunk.messageEndTime,
      uncompressedSize: BigInt(data.byteLength),
      uncompressedCrc: crc32(data),
      compression,
      records,
    });
    const messageIndexStart = chunkStartOffset + chunkLength;
    let messageIndexLength = 0n;
    const messageIndexOffsets = new Map<number, bigint>();
    for (const index of this.chunk.indices) {
      messageIndexOffsets.set(index.channelId, messageIndexStart + messageIndexLength);
      messageIndexLength += this.records.writeMessageIndex(index);
    }
    this.chunkIndexes.push({
      messageStartTime: this.chunk.messageStartTime,
      messageEndTime: this.chunk.messageEndTime,
      chunkStartOffset,
      chunkLength,
      messageIndexOffsets,
      messageIndexLength,
      compression,
      compressedSize: BigInt(records.byteLength),
      uncompressedSize: BigInt(data.byteLength),
    });
    this.chunk.reset();
    // A channel definition lives in the first chunk that uses it; index-based readers find it in the summary.
    this.emitRecords();
  }

  /** Hands the built records to the sink (a copy: the builder reuses its buffer). */
  private emitRecords(): void {
    const bytes = this.records.buffer.slice();
    this.records.reset();
    this.position += BigInt(bytes.byteLength);
    this.sink.write(bytes);
  }
}

function sum(values: bigint[]): bigint {
  return values.reduce((a, b) => a + b, 0n);
}
