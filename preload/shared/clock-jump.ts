/**
 * Notices a device clock that jumped (device restarted, clock stepped): between two readings the
 * offset to the host may only move by what the drift explains, plus the uncertainties of both
 * readings (an estimate made from a slow round trip may move by up to its own uncertainty when a
 * faster one arrives: that is the estimate improving, not the clock jumping). One rule for main's
 * clock-jump alert and the Time panel's notice.
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
export function clockJump(previous: ClockReading, next: ClockReading, minJumpMs = MIN_JUMP_MS): number | null {
  // offset = host − device: a device clock running fast lowers it by drift × elapsed.
  const lowered = ((next.driftPpm || 0) * 1e-6 * (next.atMs - previous.atMs)) / (1 + (next.driftPpm || 0) * 1e-6);
  const unexplained = next.offsetMs - previous.offsetMs + lowered;
  const tolerance = Math.max(minJumpMs, 10 * (previous.uncertaintyMs + next.uncertaintyMs));
  return Math.abs(unexplained) > tolerance ? unexplained : null;
}
