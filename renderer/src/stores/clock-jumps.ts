/**
 * Notices a device clock that jumped (device restarted, clock stepped): between two snapshots the
 * offset to the host may only move by what the drift explains, plus the uncertainties. Pure, so the
 * rule is unit-tested apart from the panel.
 */
export interface ClockReading {
  offsetMs: number;
  uncertaintyMs: number;
  driftPpm: number;
  /** Host ms when the reading was taken. */
  atMs: number;
}

/**
 * A jump smaller than this is never reported: on a busy host the estimate itself moves by a
 * millisecond or two when its drift fit is refined; a device that restarts or steps its clock moves
 * it by far more.
 */
export const MIN_JUMP_MS = 5;

/** The unexplained change of offset in ms when it is a jump, else null. */
export function clockJump(previous: ClockReading, next: ClockReading): number | null {
  // offset = host − device: a device clock running fast lowers it by drift × elapsed.
  const lowered = ((next.driftPpm || 0) * 1e-6 * (next.atMs - previous.atMs)) / (1 + (next.driftPpm || 0) * 1e-6);
  const unexplained = next.offsetMs - previous.offsetMs + lowered;
  const tolerance = Math.max(MIN_JUMP_MS, 10 * (previous.uncertaintyMs + next.uncertaintyMs));
  return Math.abs(unexplained) > tolerance ? unexplained : null;
}
