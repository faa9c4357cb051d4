/** stdout carries only JSON lines (for scripts); people-facing messages go to stderr. */
import { Writable } from 'node:stream';

export interface CliIo {
  out: Writable;
  err: Writable;
}

export const processIo: CliIo = { out: process.stdout, err: process.stderr };

export function printJson(io: CliIo, value: unknown): void {
  io.out.write(JSON.stringify(value) + '\n');
}

export function say(io: CliIo, message: string): void {
  io.err.write(message + '\n');
}

/** A mistake in how the command was called: exit code 2 with the usage line. */
export class UsageError extends Error {}

/** Resolves on the first SIGINT/SIGTERM, or when `signal` aborts (tests). */
export function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function parseNumber(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}
