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
/** A jump smaller than this is never reported (timer and scheduling noise). */
export declare const MIN_JUMP_MS = 1;
/** The unexplained change of offset in ms when it is a jump, else null. */
export declare function clockJump(previous: ClockReading, next: ClockReading): number | null;
