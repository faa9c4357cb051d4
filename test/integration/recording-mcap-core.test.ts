/**
 * A recording anyone can check: files written by `sightline record` (finished, and killed with
 * SIGKILL mid-write) are read here with @mcap/core's readers and the codecs' own packages only —
 * none of the recorder's or playback's code. Every chunk is decompressed (and its CRC checked),
 * and every message is decoded with the schema stored in the file: the protobuf descriptor set or
 * the JSON Schema.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import * as zstd from '@foxglove/wasm-zstd';
import lz4 from '@foxglove/wasm-lz4';
import { McapIndexedReader, McapStreamReader, type McapTypes } from '@mcap/core';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { tempDir } from '../helpers/recording';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'main', 'cli.cjs');
const CLI = existsSync(BUNDLE) ? [BUNDLE] : ['--import', 'tsx', 'main/cli/index.ts'];

const decompressHandlers = {
  zstd: (data: Uint8Array, size: bigint) => zstd.decompress(data, Number(size)),
  lz4: (data: Uint8Array, size: bigint) => lz4(data, Number(size)),
};

interface Run {
  stderr: () => string;
  kill: () => void;
  exited: Promise<number | null>;
}

function record(args: string[]): Run {
  const proc = spawn(process.execPath, [...CLI, 'record', '--demo', '--no-remote', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { stderr: () => err, kill: () => proc.kill('SIGKILL'), exited };
}

async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A decoder per schema, built from the schema record alone. */
function decoderFor(schema: McapTypes.Schema, messageEncoding: string): (data: Uint8Array) => unknown {
  if (schema.encoding === 'protobuf') {
    assert.equal(messageEncoding, 'protobuf');
    const set = (
      descriptor as unknown as { FileDescriptorSet: { decode(b: Uint8Array): protobuf.Message } }
    ).FileDescriptorSet.decode(schema.data);
    const root = (protobuf.Root as unknown as { fromDescriptor(s: unknown): protobuf.Root }).fromDescriptor(set);
    const type = root.lookupType(schema.name);
    return (data) => type.toObject(type.decode(data));
  }
  assert.equal(schema.encoding, 'jsonschema', `${schema.name}: a known schema encoding`);
  assert.equal(messageEncoding, 'json');
  const definition = JSON.parse(new TextDecoder().decode(schema.data)) as { title?: string };
  assert.equal(typeof definition, 'object');
  return (data) => JSON.parse(new TextDecoder().decode(data)) as unknown;
}

interface Checked {
  chunks: Record<string, number>;
  messages: number;
  perTopic: Map<string, number>;
  complete: boolean;
  sample: Map<string, unknown>;
}

/** Scans the whole file with McapStreamReader: every chunk, every message. */
function checkFile(bytes: Uint8Array): Checked {
  const reader = new McapStreamReader({ includeChunks: true, validateCrcs: true, decompressHandlers });
  reader.append(bytes);
  const schemas = new Map<number, McapTypes.Schema>();
  const decoders = new Map<number, { topic: string; decode: (d: Uint8Array) => unknown }>();
  const out: Checked = { chunks: {}, messages: 0, perTopic: new Map(), complete: false, sample: new Map() };
  for (;;) {
    let record: McapTypes.TypedMcapRecord | undefined;
    try {
      record = reader.nextRecord();
    } catch (error) {
      // A killed writer leaves at most one cut record at the end: nothing readable may follow.
      assert.ok(!out.complete, `a finished file reads to its end: ${(error as Error).message}`);
      break;
    }
    if (!record) break;
    switch (record.type) {
      case 'Schema':
        schemas.set(record.id, record);
        break;
      case 'Channel': {
        const schema = schemas.get(record.schemaId);
        assert.ok(schema, `${record.topic}: its schema comes first`);
        decoders.set(record.id, { topic: record.topic, decode: decoderFor(schema, record.messageEncoding) });
        break;
      }
      case 'Chunk':
        out.chunks[record.compression || 'none'] = (out.chunks[record.compression || 'none'] ?? 0) + 1;
        break;
      case 'Message': {
        const channel = decoders.get(record.channelId);
        assert.ok(channel, 'every message has its channel');
        const value = channel.decode(record.data);
        assert.equal(typeof value, 'object', `${channel.topic}: decodes`);
        if (!out.sample.has(channel.topic)) out.sample.set(channel.topic, value);
        out.messages++;
        out.perTopic.set(channel.topic, (out.perTopic.get(channel.topic) ?? 0) + 1);
        break;
      }
      case 'Footer':
        out.complete = true;
        break;
    }
  }
  return out;
}

test('a finished recording (zstd, and lz4) opens with @mcap/core alone: every chunk, every message', async () => {
  for (const compression of ['zstd', 'lz4']) {
    const out = tempDir(`mcap-core-${compression}`);
    const run = record(['--out', out, '--duration', '3', '--name', 'take', '--compression', compression]);
    assert.equal(await run.exited, 0, run.stderr());
    const path = join(out, 'take', 'recording.mcap');
    await zstd.isLoaded;
    await lz4.isLoaded;
    const checked = checkFile(readFileSync(path));
    assert.equal(checked.complete, true);
    assert.ok((checked.chunks[compression] ?? 0) > 0, `${compression} chunks: ${JSON.stringify(checked.chunks)}`);
    for (const topic of ['/demo-motive/poses', '/demo-motive/natnet_frame', '/demo-motive/tf', '/demo-pupil/video']) {
      assert.ok((checked.perTopic.get(topic) ?? 0) > 0, `${topic} recorded`);
    }
    const poses = checked.sample.get('/demo-motive/poses') as { positions: number[]; frameNumber: unknown };
    assert.ok(poses.positions.length > 0 && poses.positions.every(Number.isFinite), 'poses decode to numbers');
    const natnet = checked.sample.get('/demo-motive/natnet_frame') as {
      rigidBodies?: { ids: number[]; meanErrors: number[]; params: number[] };
    };
    const bodies = natnet.rigidBodies;
    assert.ok(bodies && bodies.ids.length > 0, 'the NatNet frame keeps its rigid bodies');
    assert.equal(bodies.meanErrors.length, bodies.ids.length);
    assert.ok(bodies.meanErrors.every(Number.isFinite), 'a mean error per body');
    assert.deepEqual(
      bodies.params.map((p) => p >= 0),
      bodies.ids.map(() => true),
      'params per body',
    );
    const video = checked.sample.get('/demo-pupil/video') as { data: Uint8Array; format: string };
    assert.equal(video.format, 'h264');
    assert.deepEqual([...video.data.subarray(0, 3)], [0, 0, 0], 'raw Annex B bytes, not base64');

    // The index too: McapIndexedReader reads the same messages through the summary.
    const handle = await open(path, 'r');
    try {
      const size = BigInt((await handle.stat()).size);
      const indexed = await McapIndexedReader.Initialize({
        decompressHandlers,
        readable: {
          size: async () => size,
          read: async (offset, length) => {
            const buffer = new Uint8Array(Number(length));
            await handle.read(buffer, 0, buffer.length, Number(offset));
            return buffer;
          },
        },
      });
      let n = 0;
      for await (const _ of indexed.readMessages()) n++;
      assert.equal(n, checked.messages);
      assert.equal(indexed.statistics?.messageCount, BigInt(checked.messages));
    } finally {
      await handle.close();
    }
    const summary = JSON.parse(readFileSync(join(out, 'take', 'session.json'), 'utf8')) as {
      compression: string;
      messages: number;
      lost: number;
      losses: Record<string, number | null>;
    };
    assert.equal(summary.compression, compression);
    assert.equal(summary.messages, checked.messages);
    const { frameGaps, kernelDrops, handoffOverflows, recorderLosses } = summary.losses;
    assert.equal(summary.lost, frameGaps! + (kernelDrops ?? 0) + handoffOverflows! + recorderLosses!);
  }
});

test('a recording killed with SIGKILL opens with @mcap/core alone, up to its last complete chunk', async () => {
  const out = tempDir('mcap-core-kill9');
  const run = record(['--out', out, '--flush-ms', '200', '--name', 'crash']);
  try {
    await until('two live lines', () => /recording 2 s/.test(run.stderr()), 30_000);
  } finally {
    run.kill();
  }
  assert.equal(await run.exited, null, 'killed');
  await zstd.isLoaded;
  await lz4.isLoaded;
  const checked = checkFile(readFileSync(join(out, 'crash', 'recording.mcap')));
  assert.equal(checked.complete, false);
  assert.ok((checked.chunks.zstd ?? 0) > 0, 'zstd chunks');
  assert.ok((checked.perTopic.get('/demo-motive/poses') ?? 0) > 60, 'over half a second of poses recovered');
});
