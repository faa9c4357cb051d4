/**
 * The one Record button: a local recording of every device plus, in parallel, device-side
 * recording on every device that can, under the session's name. The local recording starts first
 * and never waits for a device; each device's answer arrives as it comes (the 'changed' event) and
 * goes into the recording and its summary. Operator events go to every device that takes events
 * and into the recording.
 */
import { EventEmitter } from 'node:events';
import type { SessionState } from '../../preload/api';
import type { Hub } from '../hub/hub';
import { errorMessage } from '../hub/hub';
import { defaultRecordingFolder } from '../settings/app-settings';
import { hostTimeNs } from '../time/host-clock';
import { Recorder, type RecorderOptions } from './recorder';
import { broadcastEvent, remoteRecording, type EventAnswer } from './remote-recording';
import { defaultSessionName, type RemoteRecordingEntry } from './session-summary';

export interface SessionStartOptions {
  name?: string;
  operator?: string;
  deviceIds?: string[];
  /** Also start device-side recording (default true). */
  remote?: boolean;
}

export interface SessionControllerOptions extends Omit<
  RecorderOptions,
  'outDir' | 'sessionName' | 'operator' | 'deviceIds'
> {
  outDir: string;
  remoteTimeoutMs?: number;
}

/** What the Events panel lists from the session: the operator's events and the recording's start and stop. */
export type SessionNote =
  | { kind: 'operator'; text: string; source: string; atNs: number }
  | { kind: 'started' | 'stopped'; name: string; atNs: number };

export interface SessionEvents {
  changed: [SessionState];
  note: [SessionNote];
}

/** Where headless mode and the CLI put sessions: $SIGHTLINE_RECORDINGS, else the settings' folder (~/Documents/Sightline). */
export function defaultRecordingsDir(env: NodeJS.ProcessEnv = process.env, settingsFolder?: string): string {
  return env.SIGHTLINE_RECORDINGS || settingsFolder || defaultRecordingFolder();
}

const IDLE: SessionState = {
  active: false,
  name: null,
  folder: null,
  startedAtMs: null,
  messages: 0,
  bytes: 0,
  lost: 0,
  losses: { frameGaps: 0, kernelDrops: null, handoffOverflows: 0, recorderLosses: 0 },
  deviceLosses: {},
  disk: null,
  error: null,
  remote: [],
  lastEvent: null,
};

export class SessionController extends EventEmitter<SessionEvents> {
  private recorder: Recorder | null = null;
  private current: SessionState = { ...IDLE };
  private remoteStart: Promise<unknown> = Promise.resolve();
  private busy: Promise<unknown> = Promise.resolve();
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly hub: Hub,
    private readonly options: SessionControllerOptions,
  ) {
    super();
  }

  state(): SessionState {
    const r = this.recorder;
    if (r) {
      const counts = r.counts();
      this.current = {
        ...this.current,
        messages: counts.messages,
        bytes: counts.written,
        lost: counts.lost,
        losses: counts.totalLosses,
        deviceLosses: counts.losses,
        disk: counts.disk,
      };
    }
    return { ...this.current, remote: [...this.current.remote] };
  }

  /** Starts the local recording, then asks the devices without waiting for them. */
  /** Where the next recording goes (the Preferences dialog); a recording under way keeps its folder. */
  setOutDir(outDir: string): void {
    this.options.outDir = outDir;
  }

  start(options: SessionStartOptions = {}): Promise<SessionState> {
    return this.serial(async () => {
      if (this.recorder) throw new Error(`a recording is already running (${this.current.name ?? ''})`);
      const name = options.name?.trim() || defaultSessionName();
      const recorder = await Recorder.start(this.hub, {
        ...this.options,
        sessionName: name,
        operator: options.operator,
        deviceIds: options.deviceIds,
      });
      this.recorder = recorder;
      recorder.on('failed', (error) => {
        this.current = { ...this.current, error: error.message };
        this.changed();
      });
      this.current = {
        ...IDLE,
        active: true,
        name: recorder.name,
        folder: recorder.folder,
        startedAtMs: Date.now(),
        remote: [],
      };
      this.changed();
      this.emit('note', { kind: 'started', name: recorder.name, atNs: hostTimeNs() });
      // The counts move all the time; the UI hears of them once a second, not per sample.
      this.ticker = setInterval(() => this.changed(), 1000);
      this.ticker.unref();
      if (options.remote ?? true) {
        this.remoteStart = remoteRecording(this.hub, 'start', recorder.name, {
          timeoutMs: this.options.remoteTimeoutMs,
          deviceIds: options.deviceIds,
          onAnswer: (entry) => this.onAnswer(recorder, entry),
        }).catch((error: unknown) => this.hub.notice('error', `remote recording: ${errorMessage(error)}`));
      }
      return this.state();
    });
  }

  /** Stops the devices that started (in parallel, bounded), then the local recording. */
  stop(): Promise<SessionState> {
    return this.serial(async () => {
      const recorder = this.recorder;
      if (!recorder) return this.state();
      await this.remoteStart;
      const started = this.current.remote.filter((e) => e.outcome === 'started').map((e) => e.deviceId);
      if (started.length > 0) {
        await remoteRecording(this.hub, 'stop', recorder.name, {
          timeoutMs: this.options.remoteTimeoutMs,
          deviceIds: started,
          onAnswer: (entry) => this.onAnswer(recorder, entry),
        });
      }
      const summary = await recorder.stop();
      this.recorder = null;
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
      this.current = {
        ...this.current,
        active: false,
        messages: summary.messages,
        bytes: summary.bytes,
        lost: summary.lost,
        losses: summary.losses ?? this.current.losses,
        disk: null,
        error: summary.error,
      };
      this.changed();
      this.emit('note', { kind: 'stopped', name: recorder.name, atNs: hostTimeNs() });
      return this.state();
    });
  }

  /** An operator event: to every device that takes events, and into the recording (if one runs). */
  async sendEvent(text: string, source: string): Promise<EventAnswer[]> {
    const at = hostTimeNs();
    const answers = await broadcastEvent(this.hub, text, at, { timeoutMs: this.options.remoteTimeoutMs });
    this.recorder?.operatorEvent(text, source, Object.fromEntries(answers.map((a) => [a.deviceId, a.result])), at);
    this.current = { ...this.current, lastEvent: { text, atMs: at / 1e6, answers } };
    this.changed();
    this.emit('note', { kind: 'operator', text, source, atNs: at });
    return answers;
  }

  /** A device's answer: into the recording, and the latest per device into the state. */
  private onAnswer(recorder: Recorder, entry: RemoteRecordingEntry): void {
    recorder.remoteRecording(entry);
    this.current = {
      ...this.current,
      remote: [...this.current.remote.filter((e) => e.deviceId !== entry.deviceId), entry],
    };
    this.changed();
  }

  /** The running recorder (tests, the CLI's live line). */
  activeRecorder(): Recorder | null {
    return this.recorder;
  }

  async close(): Promise<void> {
    await this.stop().catch(() => {});
  }

  private changed(): void {
    this.emit('changed', this.state());
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.busy.then(run, run);
    this.busy = next.catch(() => {});
    return next;
  }
}
