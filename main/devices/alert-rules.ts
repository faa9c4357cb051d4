/**
 * When the operator must be told about a device (the alert rules): it drops (lost), goes stale,
 * runs under 90 % of its expected rate, or its clock offset jumps. Pure and clock-injected: fed the
 * device rows at the health tick, it says which alerts are active and which just began, keeps the
 * operator's acknowledgements and a history of the last alerts with their times.
 */
import {
  ALERT_HISTORY_LENGTH,
  type AlertRecord,
  type AlertRule,
  type DeviceAlert,
  type RowState,
} from '../../preload/api';
import { clockJump, type ClockReading } from '../../preload/shared/clock-jump';

export interface AlertInput {
  deviceId: string;
  label: string;
  rowState: RowState;
  rateHz: number;
  expectedHz: number | null;
  clockOffsetMs: number | null;
  clockUncertaintyMs: number | null;
  clockDriftPpm: number | null;
}

export interface AlertRuleOptions {
  /** Under this share of the expected rate is "low". */
  lowRateRatio?: number;
  /** The rate must stay low this long (one slow second is not an alert). */
  lowRateHoldMs?: number;
  /**
   * The smallest offset change between ticks that is a jump (preload/shared/clock-jump.ts widens it
   * with both readings' uncertainties and allows for the drift). Default 10 ms: clock models that
   * follow each echo (VRPN) wander by a few ms, which is not worth an alert.
   */
  clockJumpMs?: number;
  /** A jump is an event, not a state: its alert shows this long. */
  clockJumpShowMs?: number;
}

interface DeviceWatch {
  /** Lost and not streaming since: the Hub's retries pass through 'connecting' without ending the outage. */
  lost: boolean;
  lowSinceMs: number | null;
  lastClock: ClockReading | null;
  jumpUntilMs: number;
  jumpMessage: string;
  active: Map<AlertRule, AlertRecord>;
}

export class AlertRules {
  private readonly watches = new Map<string, DeviceWatch>();
  /** Newest first; the active alerts are the same objects as in their watch. */
  private readonly history: AlertRecord[] = [];
  private nextId = 1;
  private ratio = 0.9;
  private holdMs = 2000;
  private jumpMs = 10;
  private jumpShowMs = 10_000;

  constructor(options: AlertRuleOptions = {}) {
    this.configure(options);
  }

  /** New thresholds (the preferences), from the next update on. */
  configure(options: AlertRuleOptions): void {
    this.ratio = options.lowRateRatio ?? this.ratio;
    this.holdMs = options.lowRateHoldMs ?? this.holdMs;
    this.jumpMs = options.clockJumpMs ?? this.jumpMs;
    this.jumpShowMs = options.clockJumpShowMs ?? this.jumpShowMs;
  }

  get lowRateRatio(): number {
    return this.ratio;
  }

  /** The operator saw it: it stays while its condition lasts, no longer open. False if not active. */
  acknowledge(alertId: number, nowMs: number): boolean {
    for (const w of this.watches.values()) {
      for (const a of w.active.values()) {
        if (a.id !== alertId) continue;
        a.acknowledgedAtMs ??= nowMs;
        return true;
      }
    }
    return false;
  }

  /** The operator accepted a device's current rate: its low-rate alert ends as accepted. */
  acceptRate(deviceId: string, nowMs: number): void {
    const watch = this.watches.get(deviceId);
    const alert = watch?.active.get('low-rate');
    if (!watch || !alert) return;
    alert.acknowledgedAtMs ??= nowMs;
    this.end(watch, 'low-rate', nowMs, 'accepted');
    watch.lowSinceMs = null;
  }

  /** The last alerts, newest first, with when they began, were acknowledged and ended. */
  recent(): AlertRecord[] {
    return this.history.map((a) => ({ ...a }));
  }

  private end(watch: DeviceWatch, rule: AlertRule, nowMs: number, ending: AlertRecord['ending']): void {
    const alert = watch.active.get(rule);
    if (!alert) return;
    alert.endedAtMs = nowMs;
    alert.ending = ending;
    watch.active.delete(rule);
  }

  /** Evaluates every device at `nowMs` (host Unix ms); returns the alerts that began now. Devices not given are forgotten. */
  update(inputs: readonly AlertInput[], nowMs: number): DeviceAlert[] {
    const began: DeviceAlert[] = [];
    const seen = new Set<string>();
    for (const input of inputs) {
      seen.add(input.deviceId);
      let watch = this.watches.get(input.deviceId);
      if (!watch) {
        watch = {
          lost: false,
          lowSinceMs: null,
          lastClock: null,
          jumpUntilMs: -Infinity,
          jumpMessage: '',
          active: new Map(),
        };
        this.watches.set(input.deviceId, watch);
      }
      const wanted = this.conditions(input, watch, nowMs);
      for (const rule of [...watch.active.keys()]) if (!wanted.has(rule)) this.end(watch, rule, nowMs, 'cleared');
      for (const [rule, message] of wanted) {
        const current = watch.active.get(rule);
        if (current) {
          current.message = message;
          continue;
        }
        const alert: AlertRecord = {
          id: this.nextId++,
          deviceId: input.deviceId,
          rule,
          message,
          atMs: nowMs,
          endedAtMs: null,
        };
        watch.active.set(rule, alert);
        this.history.unshift(alert);
        if (this.history.length > ALERT_HISTORY_LENGTH) this.history.length = ALERT_HISTORY_LENGTH;
        began.push(activeView(alert));
      }
    }
    for (const [id, watch] of [...this.watches]) {
      if (seen.has(id)) continue;
      for (const rule of [...watch.active.keys()]) this.end(watch, rule, nowMs, 'cleared');
      this.watches.delete(id);
    }
    return began;
  }

  /** Every active alert, oldest first. */
  active(): DeviceAlert[] {
    const all: DeviceAlert[] = [];
    for (const w of this.watches.values()) for (const a of w.active.values()) all.push(activeView(a));
    return all.sort((a, b) => a.atMs - b.atMs || a.id - b.id);
  }

  private conditions(input: AlertInput, watch: DeviceWatch, nowMs: number): Map<AlertRule, string> {
    const out = new Map<AlertRule, string>();
    const name = input.label;
    if (input.rowState === 'lost') watch.lost = true;
    else if (input.rowState === 'streaming' || input.rowState === 'disconnected') watch.lost = false;
    if (watch.lost) out.set('lost', `${name} dropped: no data`);
    if (input.rowState === 'stale') out.set('stale', `${name} is stale: no sample for a few of its frame periods`);

    const low =
      input.rowState === 'streaming' && input.expectedHz !== null && input.rateHz < this.ratio * input.expectedHz;
    if (!low) watch.lowSinceMs = null;
    else {
      watch.lowSinceMs ??= nowMs;
      if (nowMs - watch.lowSinceMs >= this.holdMs) {
        const pct = Math.round((100 * input.rateHz) / input.expectedHz!);
        out.set(
          'low-rate',
          `${name} runs at ${input.rateHz.toFixed(1)} Hz, ${pct} % of its expected ${input.expectedHz!.toFixed(1)} Hz`,
        );
      }
    }

    const offset = input.clockOffsetMs;
    if (offset === null || input.rowState === 'lost' || input.rowState === 'disconnected') {
      // A reconnect measures the clock afresh: the first offset after it is not a jump.
      if (offset === null) watch.lastClock = null;
    } else {
      const reading: ClockReading = {
        offsetMs: offset,
        uncertaintyMs: input.clockUncertaintyMs ?? 0,
        driftPpm: input.clockDriftPpm ?? 0,
        atMs: nowMs,
      };
      const jump = watch.lastClock === null ? null : clockJump(watch.lastClock, reading, this.jumpMs);
      if (jump !== null) {
        watch.jumpUntilMs = nowMs + this.jumpShowMs;
        watch.jumpMessage = `${name}: clock offset jumped by ${jump.toFixed(1)} ms`;
      }
      watch.lastClock = reading;
    }
    if (nowMs < watch.jumpUntilMs) out.set('clock-jump', watch.jumpMessage);
    return out;
  }
}

function activeView(a: AlertRecord): DeviceAlert {
  const view: DeviceAlert = { id: a.id, deviceId: a.deviceId, rule: a.rule, message: a.message, atMs: a.atMs };
  if (a.acknowledgedAtMs !== undefined) view.acknowledgedAtMs = a.acknowledgedAtMs;
  return view;
}
