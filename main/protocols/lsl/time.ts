/**
 * LSL's clock and time correction (docs/protocols/lsl.md §5).
 *
 * liblsl's `local_clock()` is the steady clock in seconds; on Linux that is CLOCK_MONOTONIC, the same
 * clock Node's hrtime reads, so our outlet and a liblsl outlet on one machine agree exactly.
 */

/** Seconds on LSL's clock (monotonic, arbitrary epoch). */
export function lslLocalClock(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export interface TimeProbe {
  /** Our clock when the request left. */
  t0: number;
  /** The outlet's clock when the request arrived. */
  t1: number;
  /** The outlet's clock when the reply left. */
  t2: number;
  /** Our clock when the reply arrived. */
  t3: number;
}

export interface TimeCorrection {
  /** Add to an outlet timestamp to get our clock (liblsl's `time_correction()`), seconds. */
  correction: number;
  /** The round trip of the probe it came from, seconds. */
  uncertainty: number;
}

/** Round trip without the outlet's own turnaround. */
export function probeRtt(p: TimeProbe): number {
  return p.t3 - p.t0 - (p.t2 - p.t1);
}

/**
 * liblsl's estimate from one wave of probes: the probe with the smallest round trip, as NTP does;
 * undefined with fewer than `minProbes` answers.
 */
export function estimateCorrection(probes: readonly TimeProbe[], minProbes = 6): TimeCorrection | undefined {
  if (probes.length < minProbes) return undefined;
  let best: TimeProbe | undefined;
  for (const p of probes) if (!best || probeRtt(p) < probeRtt(best)) best = p;
  const b = best!;
  const offset = (b.t1 - b.t0 + (b.t2 - b.t3)) / 2;
  return { correction: -offset, uncertainty: probeRtt(b) };
}

/**
 * The same probe as the arguments of our ClockModel.addRoundTrip (ns; the "device" is the outlet):
 * the outlet's midpoint (t1+t2)/2 against our send/receive shrunk by its turnaround, so the model's
 * midpoint and round trip equal LSL's.
 */
export function probeAsRoundTrip(p: TimeProbe): { hostSendNs: number; deviceNs: number; hostReceiveNs: number } {
  const turnaround = (p.t2 - p.t1) / 2;
  return {
    hostSendNs: (p.t0 + turnaround) * 1e9,
    deviceNs: ((p.t1 + p.t2) / 2) * 1e9,
    hostReceiveNs: (p.t3 - turnaround) * 1e9,
  };
}
