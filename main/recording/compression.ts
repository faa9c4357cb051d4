/**
 * Chunk compression for recordings: zstd (default: 3–4× smaller at a few ms per 1 MiB chunk), lz4
 * (faster, less compact) or none. Both codecs are WebAssembly/JavaScript from the registry, so the
 * same code runs in the Electron main process, headless mode, the CLI and the recorder's worker
 * without a native build. zstd needs its module instantiated first: await `compressionReady()`.
 */
import * as zstd from '@foxglove/wasm-zstd';
import lz4Decompress from '@foxglove/wasm-lz4';
import * as lz4js from 'lz4js';

export const COMPRESSIONS = ['zstd', 'lz4', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];
export const DEFAULT_COMPRESSION: Compression = 'zstd';

/** zstd level 3 (the library's default): most of the size win at a fraction of the higher levels' cost. */
const ZSTD_LEVEL = 3;

export function isCompression(value: unknown): value is Compression {
  return typeof value === 'string' && (COMPRESSIONS as readonly string[]).includes(value);
}

/** Resolves once both codecs can be called. */
export async function compressionReady(): Promise<void> {
  await Promise.all([zstd.isLoaded, lz4Decompress.isLoaded]);
}

/** The MCAP chunk compression name ('' = none) and the function that compresses a chunk's records. */
export function chunkCompressor(compression: Compression): {
  name: string;
  compress: (records: Uint8Array) => Uint8Array;
} {
  switch (compression) {
    case 'zstd':
      return { name: 'zstd', compress: (records) => zstd.compress(records, ZSTD_LEVEL) };
    case 'lz4':
      return {
        name: 'lz4',
        compress: (records) => {
          const out = lz4js.compress(records);
          return out instanceof Uint8Array ? out : Uint8Array.from(out);
        },
      };
    case 'none':
      return { name: '', compress: (records) => records };
  }
}

/** What @mcap/core's readers need to open compressed chunks (call after compressionReady()). */
export const DECOMPRESS_HANDLERS = {
  zstd: (buffer: Uint8Array, decompressedSize: bigint): Uint8Array => zstd.decompress(buffer, Number(decompressedSize)),
  lz4: (buffer: Uint8Array, decompressedSize: bigint): Uint8Array => lz4Decompress(buffer, Number(decompressedSize)),
};
