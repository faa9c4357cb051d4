/**
 * Gaze samples waiting for the next batch, per device. Unlike poses they are not coalesced: the video
 * panel matches gaze to frames by time, so every sample since the last batch goes (the GAZE section
 * of preload/api/batch.ts). Bounded per device at what a section may carry; beyond that the oldest go
 * first, counted (a renderer that has not acknowledged for that long has lost the matching frames anyway).
 */
import { BatchLimits, type GazeInput } from '../../preload/api';
import type { GazeSample } from '../hub/source';

type PackedGaze = GazeInput['samples'][number];

export class GazeQueue {
  private readonly byHandle = new Map<number, PackedGaze[]>();
  /** Samples dropped because a device's queue was full. */
  dropped = 0;

  constructor(private readonly maxPerDevice: number = BatchLimits.maxGaze) {}

  get size(): number {
    return this.byHandle.size;
  }

  push(handle: number, sample: GazeSample): void {
    let queue = this.byHandle.get(handle);
    if (!queue) {
      queue = [];
      this.byHandle.set(handle, queue);
    }
    if (queue.length >= this.maxPerDevice) {
      queue.shift();
      this.dropped++;
    }
    queue.push({
      hostTimeMs: sample.hostTimeNs / 1e6,
      ...(sample.deviceTimeNs === undefined ? {} : { deviceTimeMs: sample.deviceTimeNs / 1e6 }),
      x: sample.x,
      y: sample.y,
      worn: sample.worn,
    });
  }

  /** Everything queued, one section per device, and the queue emptied. */
  take(): GazeInput[] {
    const out: GazeInput[] = [];
    for (const [handle, samples] of this.byHandle) out.push({ handle, samples });
    this.byHandle.clear();
    return out;
  }

  clear(): void {
    this.byHandle.clear();
  }
}
