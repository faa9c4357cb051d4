/**
 * The small JSON file next to a session's MCAP: what was recorded, from which devices, by whom,
 * which devices recorded on their own side (and under which name), and how it ended. Written when
 * the session starts (so a crashed session still says what it was) and again when it stops.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LossCounters, RemoteRecordingAnswer } from '../../preload/api';

export const SUMMARY_FILE = 'session.json';
export const MCAP_FILE = 'recording.mcap';

export interface SessionDevice {
  id: string;
  kind: string;
  label: string;
  /** What the device said it is (name, versions), when connected. */
  peer: string | null;
  simulated: boolean;
  /** Samples handed to the recorder from it. */
  samples: number;
  /** Where its samples were lost (absent in sessions recorded before the counters existed). */
  losses?: LossCounters;
}

/** A device's answer to a remote start/stop (the contract's type). */
export type RemoteRecordingEntry = RemoteRecordingAnswer;

export interface SessionSummary {
  format: 'sightline-session/1';
  name: string;
  operator: string | null;
  app: { name: 'sightline'; version: string };
  state: 'recording' | 'finished' | 'failed';
  /** Why a failed session stopped. */
  error: string | null;
  startedAt: string;
  endedAt: string | null;
  mcap: string;
  /** MCAP chunk compression: zstd, lz4 or none. */
  compression?: string;
  devices: SessionDevice[];
  remoteRecordings: RemoteRecordingEntry[];
  operatorEvents: number;
  messages: number;
  bytes: number;
  /** Message bytes before chunk compression. */
  uncompressedBytes?: number;
  /** Samples lost, the four counters of `losses` together (target 0). */
  lost: number;
  losses?: LossCounters;
}

/** Writes the summary atomically (temp file + rename), so a crash never leaves half a JSON file. */
export async function writeSummary(folder: string, summary: SessionSummary): Promise<void> {
  const path = join(folder, SUMMARY_FILE);
  const temp = `${path}.tmp`;
  await writeFile(temp, `${JSON.stringify(summary, null, 2)}\n`);
  await rename(temp, path);
}

/** A folder name from a session name: letters, digits, dot, dash, underscore. */
export function folderNameOf(sessionName: string): string {
  const cleaned = sessionName
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  return cleaned || 'session';
}

/** Default session name: sightline-YYYYMMDD-HHMMSS (local time), sortable and safe as a take name. */
export function defaultSessionName(date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `sightline-${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(
    date.getMinutes(),
  )}${p(date.getSeconds())}`;
}
