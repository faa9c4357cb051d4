/**
 * Where a recording's bytes go: an append-only file written in order, off the sample path.
 *
 * The recorder hands over whole records (a closed chunk, its message indexes) synchronously; the
 * sink writes them one after the other with async file writes, so a slow disk never blocks the
 * Hub's fan-out. The first write error (disk full, permission, I/O) stops the sink for good: what
 * was written stays on disk, later bytes are refused and counted, and the error is reported once,
 * with a message an operator can act on.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSink {
  /** Queues bytes (the sink keeps the array: callers hand over a copy they no longer touch). */
  write(bytes: Uint8Array): void;
  /** Bytes queued but not yet written. */
  pendingBytes(): number;
  /** Bytes the OS accepted so far. */
  writtenBytes(): number;
  /** Resolves when everything queued so far was written (or the sink failed). */
  drain(): Promise<void>;
  /** Drains, then releases the file. Idempotent. */
  close(): Promise<void>;
  /** The error that stopped the sink, if any. */
  failure(): Error | undefined;
  onFailure(listener: (error: Error) => void): void;
}

/** The minimal file API the sink needs; tests inject one that fails on demand. */
export interface AppendTarget {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Turns fs error codes into what the operator should know. */
export function describeWriteError(error: unknown, path: string): Error {
  const code = (error as { code?: string }).code;
  const reason =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EDQUOT'
        ? 'the disk quota is exhausted'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : code === 'EEXIST'
              ? 'the file already exists'
              : code === 'ENOENT'
                ? 'the folder does not exist'
                : error instanceof Error
                  ? error.message
                  : String(error);
  return new Error(`cannot write ${path}: ${reason}${code ? ` (${code})` : ''}`);
}

/** Opens a new file (never overwrites one) and returns its append target. */
export async function openAppendFile(path: string): Promise<AppendTarget> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    throw describeWriteError(error, path);
  }
  return {
    async write(bytes) {
      let offset = 0;
      // A short write is legal (e.g. a nearly full disk): keep going until all bytes are down or it fails.
      while (offset < bytes.byteLength) {
        const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
        if (bytesWritten <= 0) throw Object.assign(new Error('no bytes written'), { code: 'ENOSPC' });
        offset += bytesWritten;
      }
    },
    close: () => handle.close(),
  };
}

export class QueuedByteSink implements ByteSink {
  private readonly queue: Uint8Array[] = [];
  private pending = 0;
  private written = 0;
  private writing: Promise<void> | null = null;
  private failed: Error | undefined;
  private closed: Promise<void> | null = null;
  private readonly failureListeners: ((error: Error) => void)[] = [];

  constructor(
    private readonly target: AppendTarget,
    private readonly path: string,
  ) {}

  write(bytes: Uint8Array): void {
    if (this.failed || this.closed || bytes.byteLength === 0) return;
    this.queue.push(bytes);
    this.pending += bytes.byteLength;
    if (!this.writing) this.writing = this.pump();
  }

  pendingBytes(): number {
    return this.pending;
  }

  writtenBytes(): number {
    return this.written;
  }

  failure(): Error | undefined {
    return this.failed;
  }

  onFailure(listener: (error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  async drain(): Promise<void> {
    while (this.writing) await this.writing;
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.drain();
      try {
        await this.target.close();
      } catch (error) {
        this.fail(error);
      }
    })();
    return this.closed;
  }

  private async pump(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        try {
          await this.target.write(next);
        } catch (error) {
          this.fail(error);
          return;
        }
        this.written += next.byteLength;
        this.pending -= next.byteLength;
      }
    } finally {
      this.writing = null;
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = describeWriteError(error, this.path);
    this.queue.length = 0;
    this.pending = 0;
    for (const listener of this.failureListeners) listener(this.failed);
  }
}
