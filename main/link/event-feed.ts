/**
 * The Events panel's feed: every device's events (EventSamples: LSL string markers, VRPN buttons and
 * dials, Pupil eye events, a recording's events played back), the operator's events (live, and those of
 * a recording played back) and the lab recording's start and stop, as rows for the page. One feed per process, shared by every renderer
 * link, so a page that (re)connects or a panel popped out into its own window gets the recent history.
 *
 * Rate limit: rows go out in batches, at most one every intervalMs (100 ms), each at most maxPerBatch
 * rows. A row waits at most until intervalMs after the previous batch (no free-running timer: an idle
 * feed costs nothing).
 * When rows come faster (a 1 kHz marker stream), the oldest waiting ones give way to the newest and are
 * counted in `dropped`, which every batch carries so the page can say how many it never got. The
 * recorder is not behind this limit: it gets every sample from the Hub.
 */
import { EventEmitter } from 'node:events';
import { DeviceEventLimits, type DeviceEventRow, type DeviceEventsEvent } from '../../preload/api';
import type { DeviceRef, Hub } from '../hub/hub';
import type { EventSample, Sample } from '../hub/source';
import { hostTimeNs } from '../time/host-clock';
import type { PlaybackController } from '../recording/playback-controller';
import type { PlayedNote } from '../recording/playback';
import type { SessionController, SessionNote } from '../recording/session';

export interface EventFeedOptions {
  /** No two batches closer than this, ms (default 100). */
  intervalMs?: number;
  /** Rows per batch at most (default 50: 500 rows a second reach the page at most). */
  maxPerBatch?: number;
  /** Rows kept for a page that connects (default and at most DeviceEventLimits.maxRows). */
  history?: number;
}

export interface EventFeedEvents {
  batch: [DeviceEventsEvent];
}

export interface EventFeedCounts {
  /** Rows made from events. */
  rows: number;
  /** Rows sent in batches. */
  sent: number;
  /** Rows left out by the rate limit. */
  dropped: number;
  batches: number;
}

type NewRow = Omit<DeviceEventRow, 'id'>;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A number as the operator reads it: at most 4 decimals, no trailing zeros. */
function shortNumber(value: number): string {
  return String(Math.round(value * 1e4) / 1e4);
}

/** What an event says beyond its name, in words. */
export function eventValue(sample: Pick<EventSample, 'value' | 'control'>): string | null {
  const v = sample.value;
  if (v === undefined) return null;
  if (sample.control?.kind === 'button' && typeof v === 'number') return v ? 'pressed' : 'released';
  if (sample.control?.kind === 'dial' && typeof v === 'number') return `${v > 0 ? '+' : ''}${shortNumber(v)} rev`;
  if (typeof v === 'number') return shortNumber(v);
  return String(v);
}

export function rowOfSample(device: DeviceRef, sample: EventSample): NewRow {
  const value = eventValue(sample);
  return {
    atMs: sample.hostTimeNs / 1e6,
    deviceTimeMs: sample.deviceTimeNs === undefined ? null : sample.deviceTimeNs / 1e6,
    source: 'device',
    deviceId: device.id,
    device: clip(device.label, DeviceEventLimits.maxDevice),
    text: clip(sample.name, DeviceEventLimits.maxText),
    value: value === null ? null : clip(value, DeviceEventLimits.maxValue),
  };
}

export function rowOfNote(note: SessionNote): NewRow {
  const base = { atMs: note.atNs / 1e6, deviceTimeMs: null, deviceId: null };
  if (note.kind === 'operator') {
    return {
      ...base,
      source: 'operator',
      device: 'Operator',
      text: clip(note.text, DeviceEventLimits.maxText),
      value: clip(note.source, DeviceEventLimits.maxValue),
    };
  }
  return {
    ...base,
    source: 'recording',
    device: 'Recording',
    text: note.kind === 'started' ? 'recording started' : 'recording stopped',
    value: clip(note.name, DeviceEventLimits.maxValue),
  };
}

/** An operator event of a recording played back: at the time it plays, marked as the recording's. */
export function rowOfPlayedNote(note: PlayedNote, atMs = hostTimeNs() / 1e6): NewRow {
  return {
    atMs,
    deviceTimeMs: null,
    source: 'operator',
    deviceId: null,
    device: 'Operator (played back)',
    text: clip(note.text, DeviceEventLimits.maxText),
    value: note.source ? clip(note.source, DeviceEventLimits.maxValue) : null,
  };
}

export class EventFeed extends EventEmitter<EventFeedEvents> {
  private readonly intervalMs: number;
  private readonly maxPerBatch: number;
  private readonly historySize: number;
  private pending: DeviceEventRow[] = [];
  private history: DeviceEventRow[] = [];
  private nextId = 1;
  private lastSentAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly detach: (() => void)[] = [];
  private closed = false;
  private readonly counts: EventFeedCounts = { rows: 0, sent: 0, dropped: 0, batches: 0 };

  constructor(options: EventFeedOptions = {}) {
    super();
    this.intervalMs = options.intervalMs ?? 100;
    this.maxPerBatch = Math.max(1, options.maxPerBatch ?? 50);
    this.historySize = Math.min(DeviceEventLimits.maxRows, Math.max(1, options.history ?? DeviceEventLimits.maxRows));
  }

  /**
   * Follows the Hub's event samples (a recording's devices played back included) and, when given, the
   * session's notes and the operator events of a recording played back.
   */
  attach(hub: Hub, session?: SessionController | null, playback?: PlaybackController | null): this {
    this.detach.push(hub.addSink((device, sample) => this.onSample(device, sample)));
    if (session) {
      const onNote = (note: SessionNote): void => this.push(rowOfNote(note));
      session.on('note', onNote);
      this.detach.push(() => session.off('note', onNote));
    }
    if (playback) {
      const onPlayed = (note: PlayedNote): void => this.push(rowOfPlayedNote(note));
      playback.on('note', onPlayed);
      this.detach.push(() => playback.off('note', onPlayed));
    }
    return this;
  }

  onSample(device: DeviceRef, sample: Sample): void {
    if (sample.kind === 'event') this.push(rowOfSample(device, sample));
  }

  push(row: NewRow): void {
    if (this.closed) return;
    this.counts.rows++;
    this.pending.push({ id: this.nextId++, ...row });
    if (this.pending.length > this.maxPerBatch) {
      // The newest matter most to an operator watching: the oldest waiting rows give way.
      const over = this.pending.length - this.maxPerBatch;
      this.pending.splice(0, over);
      this.counts.dropped += over;
    }
    this.schedule();
  }

  /** Main's recent rows, for a page that (re)connects. */
  snapshot(): DeviceEventsEvent {
    return {
      type: 'device-events',
      rows: this.history.slice(-this.historySize),
      dropped: this.counts.dropped,
      replace: true,
    };
  }

  stats(): EventFeedCounts {
    return { ...this.counts };
  }

  close(): void {
    this.closed = true;
    for (const d of this.detach.splice(0)) d();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
    this.removeAllListeners();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.closed || this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.lastSentAt = performance.now();
    this.history.push(...rows);
    // Trimmed in steps, not per row: the history is a window of the last historySize rows.
    if (this.history.length > 2 * this.historySize) this.history = this.history.slice(-this.historySize);
    this.counts.sent += rows.length;
    this.counts.batches++;
    this.emit('batch', { type: 'device-events', rows, dropped: this.counts.dropped, replace: false });
  }
}
