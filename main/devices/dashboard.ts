/**
 * The operator's dashboard in main: per-device rate history, alert rules and found devices, fed by the
 * Hub's ~2 Hz health tick and sent to renderers as one low-rate 'dashboard' LinkEvent (at most once a
 * second, sooner when an alert or the found list changes). New alerts are also emitted one by one, for
 * the app's desktop notification and the log.
 */
import { EventEmitter } from 'node:events';
import { deviceRowState, type DashboardEvent, type DeviceAlert, type DeviceSnapshot } from '../../preload/api';
import type { Hub } from '../hub/hub';
import { AlertRules, type AlertRuleOptions } from './alert-rules';
import type { DeviceManager } from './device-manager';
import type { DiscoveryService } from './discovery-service';
import { RateHistory } from './rate-history';

/** The lab-wide recording session (main/recording/session.ts), for the summary line. */
export interface SessionSource {
  state(): { active: boolean; startedAtMs: number | null };
}

export interface DashboardOptions {
  /** Unix ms; injected by tests. */
  now?: () => number;
  alerts?: AlertRuleOptions;
  /** Least time between two routine updates, ms. Default 1000. */
  minIntervalMs?: number;
}

export interface DashboardEvents {
  update: [DashboardEvent];
  alert: [DeviceAlert];
}

export class Dashboard extends EventEmitter<DashboardEvents> {
  private readonly histories = new Map<string, RateHistory>();
  private readonly lastRates = new Map<string, number>();
  private readonly rules: AlertRules;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private lastSentMs = -Infinity;
  private lastKey = '';
  private session: SessionSource | null = null;
  private readonly detach: (() => void)[] = [];

  constructor(
    private readonly hub: Hub,
    readonly devices: DeviceManager,
    readonly discovery: DiscoveryService | null,
    options: DashboardOptions = {},
  ) {
    super();
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? 1000;
    this.rules = new AlertRules(options.alerts);
    const onDevices = (devices: DeviceSnapshot[]): void => this.onDevices(devices);
    const onFound = (): void => this.publish(true);
    hub.on('devices', onDevices);
    discovery?.on('change', onFound);
    this.detach.push(
      () => hub.off('devices', onDevices),
      () => discovery?.off('change', onFound),
    );
  }

  /** Attaches the lab-wide recorder's session state (the summary line's "recording 00:12:31"). */
  attachSession(source: SessionSource | null): void {
    this.session = source;
    this.publish(true);
  }

  snapshot(): DashboardEvent {
    const found = (this.discovery?.found() ?? [])
      .filter((f) => !this.devices.isAdded(f))
      .map(({ kind, name, address, detail }) => ({ kind, name, address, detail }));
    return {
      type: 'dashboard',
      found,
      searching: this.discovery?.searching ?? false,
      history: [...this.histories].map(([deviceId, h]) => ({
        deviceId,
        expectedHz: h.expectedHz(),
        endMs: h.endMs(),
        ratesHz: h.ratesHz(),
      })),
      alerts: this.rules.active(),
      alertHistory: this.rules.recent(),
      saved: this.devices.saved(),
      deviceFile: this.devices.path,
      session: this.session ? sessionOf(this.session) : null,
    };
  }

  /** Feeds one health tick (the Hub's 'devices' event); public for tests with a fake clock. */
  onDevices(devices: readonly DeviceSnapshot[]): void {
    const nowMs = this.now();
    const present = new Set(devices.map((d) => d.id));
    for (const id of [...this.histories.keys()]) if (!present.has(id)) this.histories.delete(id);
    for (const id of [...this.lastRates.keys()]) if (!present.has(id)) this.lastRates.delete(id);
    const inputs = devices.map((d) => {
      let history = this.histories.get(d.id);
      if (!history) {
        history = new RateHistory(this.devices.expectedRateHz(d.id), { floorRatio: this.rules.lowRateRatio });
        this.histories.set(d.id, history);
      }
      history.declare(this.declaredRateHz(d.id));
      history.record(nowMs, d.health.sampleRateHz);
      this.lastRates.set(d.id, d.health.sampleRateHz);
      return {
        deviceId: d.id,
        label: d.label,
        rowState: deviceRowState(d.kind, d.health),
        rateHz: d.health.sampleRateHz,
        expectedHz: history.expectedHz(),
        clockOffsetMs: d.health.clockOffsetMs,
        clockUncertaintyMs: d.health.clockUncertaintyMs,
        clockDriftPpm: d.health.clockDriftPpm,
      };
    });
    const began = this.rules.update(inputs, nowMs);
    for (const alert of began) this.emit('alert', alert);
    this.publish(false);
  }

  /** What the device's source says it runs at; a source that fails to say is treated as saying nothing. */
  private declaredRateHz(id: string): number | null {
    try {
      return this.hub.source(id)?.status().nominalRateHz ?? null;
    } catch {
      return null;
    }
  }

  /** The alert floor, as a share of the expected rate (the preferences' rate floor). */
  setRateFloor(ratio: number): void {
    this.rules.configure({ lowRateRatio: ratio });
    for (const h of this.histories.values()) h.setFloorRatio(ratio);
  }

  /** The operator saw this alert: it no longer counts as open. */
  acknowledgeAlert(alertId: number): void {
    if (!this.rules.acknowledge(alertId, this.now())) throw new Error(`no active alert ${alertId}`);
    this.publish(true);
  }

  /** The operator accepts the device's current rate as its expected rate; its low-rate alert ends. */
  acceptRate(deviceId: string): void {
    const history = this.histories.get(deviceId);
    const rate = this.lastRates.get(deviceId);
    if (!history || !(rate !== undefined && rate > 0)) throw new Error(`no current rate for ${deviceId} to accept`);
    history.accept(rate);
    this.rules.acceptRate(deviceId, this.now());
    this.publish(true);
  }

  /** A new history of a device whose expected rate changed (edit): forget what was learned. */
  forget(deviceId: string): void {
    this.histories.delete(deviceId);
  }

  private publish(force: boolean): void {
    const event = this.snapshot();
    // Alerts, found rows and the device file's list change what the operator must see now.
    const key = JSON.stringify([
      event.alerts.map((a) => [a.id, a.acknowledgedAtMs]),
      event.found,
      event.searching,
      event.saved,
    ]);
    const nowMs = this.now();
    if (!force && key === this.lastKey && nowMs - this.lastSentMs < this.minIntervalMs) return;
    this.lastKey = key;
    this.lastSentMs = nowMs;
    this.emit('update', event);
  }

  close(): void {
    this.session = null;
    for (const d of this.detach) d();
    this.detach.length = 0;
  }
}

function sessionOf(source: SessionSource): DashboardEvent['session'] {
  const s = source.state();
  return { recording: s.active, startedAtMs: s.startedAtMs };
}
