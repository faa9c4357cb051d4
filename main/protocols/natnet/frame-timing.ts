/**
 * Server tick stamps → host time and latency figures (docs/protocols/natnet.md §8). The three suffix stamps are
 * Motive's QueryPerformanceCounter ticks; seconds = ticks / HighResClockFrequency.
 */
import type { LatencyFigures } from '../../hub/source';
import type { ClockModel } from '../../time/clock-model';
import type { FrameOfData } from './types';

export function ticksToNs(ticks: number, frequency: number): number {
  // Whole seconds first: ticks × 1e9 would leave the exact range of a double after ~10 days at 10 MHz.
  const seconds = Math.floor(ticks / frequency);
  return seconds * 1e9 + ((ticks - seconds * frequency) * 1e9) / frequency;
}

export interface FrameTiming {
  latency: LatencyFigures;
  /**
   * Camera mid-exposure in host Unix ns — the instant the pose was true — or the transmit instant
   * when the cameras give no mid-exposure stamp (USB cameras send 0). Undefined before the clock
   * model has a round trip.
   */
  deviceTimeNs?: number;
  /** The same instant on Motive's own clock (ticks → ns), before conversion. */
  deviceClockNs: number;
}

/**
 * The official formulas: software = transmit − data received; system = transmit − mid-exposure
 * (when mid-exposure ≠ 0); transit = host receive − clientTime(transmit). Undefined when the
 * bitstream has no stamps (NatNet < 3.0) or the server gave no clock frequency.
 */
export function frameTiming(
  frame: FrameOfData,
  frequency: number,
  clock: ClockModel,
  receivedHostNs: number,
): FrameTiming | undefined {
  const transmit = frame.transmitTicks;
  if (!(frequency > 0) || !transmit) return undefined;
  const mid = frame.cameraMidExposureTicks ?? 0;
  const received = frame.cameraDataReceivedTicks ?? 0;
  const latency: LatencyFigures = {};
  if (received !== 0) latency.softwareMs = ((transmit - received) / frequency) * 1e3;
  if (mid !== 0) latency.systemMs = ((transmit - mid) / frequency) * 1e3;
  const transmitHostNs = clock.toHostNs(ticksToNs(transmit, frequency));
  if (transmitHostNs !== undefined) latency.transitMs = (receivedHostNs - transmitHostNs) / 1e6;
  const deviceClockNs = ticksToNs(mid !== 0 ? mid : transmit, frequency);
  const timing: FrameTiming = { latency, deviceClockNs };
  const deviceTimeNs = clock.toHostNs(deviceClockNs);
  if (deviceTimeNs !== undefined) timing.deviceTimeNs = deviceTimeNs;
  return timing;
}
