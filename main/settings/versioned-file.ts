/**
 * A JSON file with a version number that the operator (or an older or newer Sightline) may have
 * written: read it, validate it, and never lose it. A file that cannot be used (unreadable, not JSON,
 * failing validation, or written by a newer version) is copied aside as a backup before defaults are
 * used, so a later save cannot silently overwrite the operator's only copy. Saves are atomic
 * (write to a temporary file, then rename), so a crash mid-save leaves the old file intact.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';

/** Settings files are small; anything larger is not one of ours and is not read into memory. */
export const MAX_SETTINGS_BYTES = 1024 * 1024;

export interface VersionedFileSpec<T> {
  /** What the operator would call this file in a message, e.g. "settings". */
  what: string;
  version: number;
  schema: z.ZodType<T>;
  defaults: () => T;
}

export interface LoadedFile<T> {
  value: T;
  /** absent: first start, no file yet. loaded: read and valid. replaced: unusable, defaults used. */
  outcome: 'absent' | 'loaded' | 'replaced';
  /** For the operator (a notice in the window, a line in the log). */
  message?: string;
  /** Where the unusable file was copied before defaults were used. */
  backupPath?: string;
  /** False when the file exists but could be neither used nor backed up: saving would destroy it. */
  mayOverwrite: boolean;
}

function backupName(path: string, reason: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z');
  return join(dirname(path), `${basename(path, '.json')}.${reason}-${stamp}.json`);
}

export function loadVersionedFile<T>(path: string, spec: VersionedFileSpec<T>, now = new Date()): LoadedFile<T> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { value: spec.defaults(), outcome: 'absent', mayOverwrite: true };
    // Unreadable (permissions, a folder in its place): nothing to back up, and nothing we may overwrite.
    return {
      value: spec.defaults(),
      outcome: 'replaced',
      mayOverwrite: false,
      message: `${spec.what} file ${path} cannot be read (${(error as Error).message}); using defaults`,
    };
  }
  const problem = ((): { value: T } | { reason: string; why: string } => {
    if (bytes.length > MAX_SETTINGS_BYTES) return { reason: 'bad', why: 'it is larger than 1 MiB' };
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      return { reason: 'bad', why: `it is not valid JSON (${(error as Error).message})` };
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && Number.isInteger(version) && version > spec.version) {
      return {
        reason: `v${version}`,
        why: `it was written by a newer Sightline (file version ${version}; this version reads up to ${spec.version})`,
      };
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'file'}: ${i.message}`)
        .join('; ');
      return { reason: 'bad', why: `it is not valid (${issues})` };
    }
    return { value: parsed.data };
  })();
  if ('value' in problem) return { value: problem.value, outcome: 'loaded', mayOverwrite: true };

  const backupPath = backupName(path, problem.reason, now);
  try {
    copyFileSync(path, backupPath);
  } catch (error) {
    return {
      value: spec.defaults(),
      outcome: 'replaced',
      mayOverwrite: false,
      message: `${spec.what} file ${path} was not used: ${problem.why}. It could not be backed up (${(error as Error).message}), so it will not be overwritten this session; using defaults`,
    };
  }
  return {
    value: spec.defaults(),
    outcome: 'replaced',
    mayOverwrite: true,
    backupPath,
    message: `${spec.what} file ${path} was not used: ${problem.why}. It was kept as ${backupPath}; using defaults`,
  };
}

/** Writes atomically: a crash mid-write leaves the previous file whole. */
export function saveVersionedFile<T>(path: string, value: T): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
