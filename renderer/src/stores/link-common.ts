/**
 * What the page's link (stores/link.ts) and the link worker decide the same way, whichever thread
 * the batches are stored on.
 */
import { BATCH_HEADER_LENGTH, BATCH_MAGIC, type DeviceSnapshot } from '../../../preload/api';

/** States in which a device's last poses are no longer worth drawing. */
const GONE_STATES: ReadonlySet<DeviceSnapshot['health']['state']> = new Set(['idle', 'closed']);

/** Handles of the devices whose poses should stay in the view. */
export function liveHandles(devices: readonly DeviceSnapshot[]): Set<number> {
  return new Set(devices.filter((d) => !GONE_STATES.has(d.health.state)).map((d) => d.handle));
}

/** The seq even of a batch that failed to unpack: not acking it would stall the link for good. */
export function readBatchSeq(buffer: ArrayBuffer): number | null {
  if (buffer.byteLength < BATCH_HEADER_LENGTH * 8) return null;
  const header = new Float64Array(buffer, 0, BATCH_HEADER_LENGTH);
  const seq = header[1]!;
  return header[0] === BATCH_MAGIC && Number.isInteger(seq) && seq >= 0 ? seq : null;
}

/** Beyond ±1000 s the two sides are not on one time line (a stub, a replayed file): not a latency. */
export function isPlausibleLatency(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) < 1e6;
}
