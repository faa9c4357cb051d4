/**
 * Reads a recording by scanning it from the start, so that a file whose writer was killed (no
 * summary, no footer, a chunk cut in half) still gives every record up to the last complete one.
 * A finished file reads the same way (the scan simply reaches the footer). A file that is not MCAP,
 * or is corrupt, yields what came before the damage and says what is wrong; it never throws.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { McapStreamReader } from '@mcap/core';
import type { McapTypes } from '@mcap/core';

export interface ScannedChannel {
  id: number;
  topic: string;
  messageEncoding: string;
  schemaName: string;
  schemaEncoding: string;
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
}

export interface ScanOptions {
  /** Called for every message in file order; return false to stop the scan. */
  onMessage?: (message: ScannedMessage) => boolean | void;
  /** Read size, bytes (default 1 MiB). */
  readBytes?: number;
}

/** Scans a recording; resolves with what was found, never rejects for a bad file (only for a missing one). */
export async function scanRecording(path: string, options: ScanOptions = {}): Promise<ScanResult> {
  const info = await stat(path).catch((error: unknown) => {
    throw new Error(`cannot open ${path}: ${(error as Error).message}`);
  });
  const schemas = new Map<number, McapTypes.Schema>();
  const channels = new Map<number, ScannedChannel>();
  const result: ScanResult = { complete: false, fileBytes: info.size, channels: [], metadata: {}, library: '' };
  const reader = new McapStreamReader({ validateCrcs: true });
  const stream = createReadStream(path, { highWaterMark: options.readBytes ?? 1024 * 1024 });
  let stopped = false;
  try {
    outer: for await (const piece of stream as AsyncIterable<Buffer>) {
      reader.append(piece);
      for (let record = reader.nextRecord(); record; record = reader.nextRecord()) {
        switch (record.type) {
          case 'Header':
            result.library = record.library;
            break;
          case 'Schema':
            schemas.set(record.id, record);
            break;
          case 'Channel':
            if (!channels.has(record.id)) channels.set(record.id, describeChannel(record, schemas));
            break;
          case 'Metadata':
            result.metadata[record.name] = Object.fromEntries(record.metadata);
            break;
          case 'Message': {
            const channel = channels.get(record.channelId);
            if (!channel || !options.onMessage) break;
            const go = options.onMessage({
              channel,
              sequence: record.sequence,
              logTimeNs: record.logTime,
              publishTimeNs: record.publishTime,
              data: record.data,
            });
            if (go === false) {
              stopped = true;
              break outer;
            }
            break;
          }
          case 'Footer':
            result.complete = true;
            break;
          default:
            break;
        }
      }
    }
    if (!stopped && !result.complete) {
      const left = reader.bytesRemaining();
      result.problem =
        info.size === 0
          ? 'the file is empty'
          : `the recording was not finished (its writer stopped or was killed): read up to the last complete chunk${
              left > 0 ? `, ${left} trailing bytes unreadable` : ''
            }`;
    }
  } catch (error) {
    const message = (error as Error).message;
    result.problem = /magic/i.test(message)
      ? `not an MCAP recording (${message.slice(0, 120)})`
      : `the recording is damaged after the last good record: ${message.slice(0, 200)}`;
  } finally {
    stream.destroy();
  }
  result.channels = [...channels.values()];
  return result;
}

function describeChannel(channel: McapTypes.Channel, schemas: Map<number, McapTypes.Schema>): ScannedChannel {
  const schema = schemas.get(channel.schemaId);
  return {
    id: channel.id,
    topic: channel.topic,
    messageEncoding: channel.messageEncoding,
    schemaName: schema?.name ?? '',
    schemaEncoding: schema?.encoding ?? '',
    metadata: Object.fromEntries(channel.metadata),
  };
}

const decoder = new TextDecoder();

/** A JSON message's object, or undefined if it is not JSON. */
export function decodeJsonMessage(message: ScannedMessage): Record<string, unknown> | undefined {
  if (message.channel.messageEncoding !== 'json') return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(message.data));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
