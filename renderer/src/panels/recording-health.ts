/** Texts of the Recording panel's health lines: disk time left and the four loss counters. */
import type { LossCounters, RecordingDisk } from '../../../preload/api';

function gb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

/** "disk: 81.8 GB free · 5.2 h left at 0.9 MB/s" (time left once a write rate is known). */
export function diskLine(disk: RecordingDisk): string {
  const free = disk.freeBytes === null ? 'free space unknown' : `${gb(disk.freeBytes)} free`;
  if (disk.secondsLeft === null) return `disk: ${free}`;
  const minutes = disk.secondsLeft / 60;
  const left = minutes >= 120 ? `${(minutes / 60).toFixed(1)} h` : `${Math.floor(minutes)} min`;
  return `disk: ${free} · ${left} left at ${(disk.bytesPerSecond / 1e6).toFixed(1)} MB/s${disk.low ? ' — less than 10 minutes!' : ''}`;
}

/** The four counters in a fixed order, for a table row; kernel drops may be "n/a". */
export function lossCells(l: LossCounters): string[] {
  return [
    String(l.frameGaps),
    l.kernelDrops === null ? 'n/a' : String(l.kernelDrops),
    String(l.handoffOverflows),
    String(l.recorderLosses),
  ];
}

export const LOSS_HEADERS = ['frame gaps', 'kernel drops', 'hand-off overflows', 'recorder losses'];
