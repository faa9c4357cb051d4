/**
 * The host clock every sample is stamped with: a monotonic clock (immune to NTP steps while we run)
 * mapped once to Unix time at process start (performance.timeOrigin). Values are ns in a double
 * (~0.25 µs resolution today), which is plenty for lab synchronisation and keeps the hot path free
 * of BigInt. The renderer computes the same mapping, so both sides compare on one time line.
 */
import { performance } from 'node:perf_hooks';

const originMs = performance.timeOrigin;

/** Host time: Unix ns, monotonic. */
export function hostTimeNs(): number {
  return (originMs + performance.now()) * 1e6;
}

/** Host time in ms (Unix), for display and the renderer. */
export function hostTimeMs(): number {
  return originMs + performance.now();
}
