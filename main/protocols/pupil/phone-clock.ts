/**
 * The simulated phone's clocks. `wallNs` is its Unix clock (what sender reports, events and IMU
 * carry): the host clock plus a configurable offset and drift, plus any steps (an NTP correction).
 * `steadyNs` is the same without steps: the media clock RTP timestamps follow, which never jumps.
 */
import { hostTimeNs } from '../../time/host-clock';

export interface PhoneClockOptions {
  /** Phone Unix time − host Unix time, ns. Default 0. */
  offsetNs?: number;
  /** Phone clock rate error, parts per million. Default 0. */
  driftPpm?: number;
}

export class PhoneClock {
  private readonly originHostNs = hostTimeNs();
  private stepsNs = 0;

  constructor(private readonly options: PhoneClockOptions = {}) {}

  steadyNs(hostNs = hostTimeNs()): number {
    const elapsed = hostNs - this.originHostNs;
    return this.originHostNs + (this.options.offsetNs ?? 0) + elapsed * (1 + (this.options.driftPpm ?? 0) * 1e-6);
  }

  wallNs(hostNs = hostTimeNs()): number {
    return this.steadyNs(hostNs) + this.stepsNs;
  }

  /** The steady→wall difference now (the sum of every step). */
  get stepTotalNs(): number {
    return this.stepsNs;
  }

  /** Jumps the wall clock (a fault: an NTP step on the phone). */
  step(ns: number): void {
    this.stepsNs += ns;
  }
}
