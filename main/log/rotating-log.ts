/**
 * The app's log file: one line per event, rotated by size (sightline.log, sightline.1.log, …), so a
 * lab PC that runs Sightline for months never fills its disk and support can still ask for "the logs
 * folder". Writing a log line must never take the app down: a failed write is counted, not thrown.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface RotatingLogOptions {
  folder: string;
  /** File name without extension. */
  name?: string;
  maxBytes?: number;
  /** Rotated files kept besides the current one. */
  keep?: number;
  now?: () => Date;
  /** Also write each line here (stderr in headless mode). */
  echo?: (line: string) => void;
}

export class RotatingLog {
  readonly folder: string;
  readonly path: string;
  /** Lines that could not be written (disk full, folder gone); shown in the Health panel. */
  failedWrites = 0;
  private size: number;
  private readonly name: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;
  private readonly echo?: (line: string) => void;

  constructor(options: RotatingLogOptions) {
    this.folder = options.folder;
    this.name = options.name ?? 'sightline';
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    this.now = options.now ?? (() => new Date());
    this.echo = options.echo;
    this.path = join(this.folder, `${this.name}.log`);
    try {
      mkdirSync(this.folder, { recursive: true });
    } catch {
      // Reported by the first failed write.
    }
    this.size = fileSize(this.path);
  }

  write(level: LogLevel, message: string): void {
    // One event per line, whatever the message holds, so the file stays greppable.
    const line = `${this.now().toISOString()} ${level.toUpperCase().padEnd(5)} ${message.replaceAll(/\r?\n/g, ' ⏎ ')}`;
    this.echo?.(line);
    const bytes = Buffer.byteLength(line) + 1;
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.path, `${line}\n`);
      this.size += bytes;
    } catch {
      this.failedWrites++;
    }
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  /** Every log file, newest first (for "open logs folder" and for tests). */
  files(): string[] {
    const all = [this.path];
    for (let i = 1; i <= this.keep; i++) all.push(this.rotatedPath(i));
    return all.filter((p) => fileSize(p) > 0);
  }

  private rotatedPath(index: number): string {
    return join(this.folder, `${this.name}.${index}.log`);
  }

  private rotate(): void {
    rmSync(this.rotatedPath(this.keep), { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      try {
        renameSync(this.rotatedPath(i), this.rotatedPath(i + 1));
      } catch {
        // A gap in the series is fine.
      }
    }
    renameSync(this.path, this.rotatedPath(1));
    this.size = 0;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
