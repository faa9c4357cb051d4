/**
 * Reconnect delays: exponential with jitter, capped, and forgiven once a connection has proved stable.
 *
 * Jitter only ever shortens a delay (delay ∈ [base·(1−jitter), base]) so the cap is a real upper bound
 * an operator can rely on ("it retries at least every 5 s"), while several devices that dropped together
 * (a switch reboot) still spread their attempts instead of hammering the network in lockstep.
 */

export interface BackoffOptions {
  /** First delay after a failure, ms. */
  initialMs?: number;
  factor?: number;
  /** Upper bound of any delay, ms. */
  maxMs?: number;
  /** Fraction (0..1) a delay may be shortened by at random. */
  jitter?: number;
  /** A connection that stayed up this long starts the next failure from initialMs again. */
  stableAfterMs?: number;
  /** Injected by tests for determinism; returns [0, 1). */
  random?: () => number;
}

export const DEFAULT_BACKOFF = {
  initialMs: 250,
  factor: 2,
  maxMs: 5_000,
  jitter: 0.2,
  stableAfterMs: 10_000,
} as const;

/** The un-jittered delay before attempt `failures` (1 = first retry). Pure. */
export function backoffBaseMs(failures: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const factor = options.factor ?? DEFAULT_BACKOFF.factor;
  const max = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const exponent = Math.max(0, failures - 1);
  // Clamp the exponent so a long outage cannot overflow to Infinity before min() applies.
  return Math.min(max, initial * factor ** Math.min(exponent, 64));
}

export class Backoff {
  private failures = 0;
  private upSinceMs: number | null = null;
  private readonly options: BackoffOptions;

  constructor(options: BackoffOptions = {}) {
    this.options = options;
  }

  /** Failures counted since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** The connection is up; remember since when, to decide later whether it earned a reset. */
  markUp(nowMs: number): void {
    this.upSinceMs = nowMs;
  }

  /** The connection failed or went down: the delay to wait before the next attempt. */
  nextDelayMs(nowMs: number): number {
    const stableAfter = this.options.stableAfterMs ?? DEFAULT_BACKOFF.stableAfterMs;
    if (this.upSinceMs !== null && nowMs - this.upSinceMs >= stableAfter) this.failures = 0;
    this.upSinceMs = null;
    this.failures++;
    const base = backoffBaseMs(this.failures, this.options);
    const jitter = Math.min(1, Math.max(0, this.options.jitter ?? DEFAULT_BACKOFF.jitter));
    const random = this.options.random ?? Math.random;
    return base * (1 - jitter * random());
  }

  /** The operator asked explicitly: start over from the shortest delay. */
  reset(): void {
    this.failures = 0;
    this.upSinceMs = null;
  }
}
