/**
 * A scripted Source for the Hub's and the link's own tests (the Hub is under test, not a protocol).
 * Each connect() takes the next scripted outcome; samples, catalogs and downs are pushed by the test.
 */
import { EventEmitter } from 'node:events';
import type {
  BodyPose,
  ConnectionState,
  PosesSample,
  RecordingControl,
  Source,
  SourceCapabilities,
  SourceCounters,
  SourceEvents,
  SourceStatus,
} from '../../main/hub/source';

export type ConnectOutcome = 'ok' | Error | 'hang';

export interface FakeSourceOptions {
  id?: string;
  /** Default 'natnet' (the Hub does not care; a test of the kind registry gives its own kind). */
  kind?: string;
  label?: string;
  /** Outcomes for successive connect() calls; 'ok' once the script runs out. */
  connects?: ConnectOutcome[];
  recording?: boolean | { failWith: string } | 'hang';
  /** Give it the events capability (sent events land in sentEvents). */
  events?: boolean | { failWith: string };
}

export class FakeSource extends EventEmitter<SourceEvents> implements Source {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly capabilities: SourceCapabilities;
  connectCalls = 0;
  closeCalls = 0;
  recordingCalls: string[] = [];
  sentEvents: { name: string; timestampNs?: number }[] = [];
  private readonly script: ConnectOutcome[];
  private state: ConnectionState = 'idle';
  private deviceRecording = false;
  private frame = 0;
  readonly countersValue: SourceCounters = { packets: 0, bytes: 0, samples: 0, malformed: 0, dropped: 0 };
  statusExtra: Partial<SourceStatus> = {};
  throwFromStatus = false;

  constructor(options: FakeSourceOptions = {}) {
    super();
    this.id = options.id ?? 'fake';
    this.kind = options.kind ?? 'natnet';
    this.label = options.label ?? `Fake ${this.id}`;
    this.script = [...(options.connects ?? [])];
    const rec = options.recording;
    this.capabilities = rec
      ? {
          recording:
            rec === 'hang' ? hangingControl() : this.recordingControl(typeof rec === 'object' ? rec.failWith : null),
        }
      : {};
    const events = options.events;
    if (events) {
      this.capabilities.events = {
        send: async (name: string, timestampNs?: number) => {
          if (typeof events === 'object') throw new Error(events.failWith);
          this.sentEvents.push({ name, timestampNs });
        },
      };
    }
  }

  async connect(): Promise<void> {
    this.connectCalls++;
    this.setState('connecting');
    const outcome = this.script.shift() ?? 'ok';
    if (outcome === 'hang') return new Promise<void>(() => {});
    if (outcome instanceof Error) {
      this.setState('closed');
      throw outcome;
    }
    this.setState('connected');
  }

  async close(): Promise<void> {
    this.closeCalls++;
    this.setState('closed');
  }

  counters(): SourceCounters {
    return { ...this.countersValue };
  }

  status(): SourceStatus {
    if (this.throwFromStatus) throw new Error('status exploded');
    return { state: this.state, recording: this.deviceRecording, ...this.statusExtra };
  }

  /** Emits one poses sample with `bodies` bodies and returns it. */
  emitPoses(bodies = 2, hostTimeNs = Date.now() * 1e6): PosesSample {
    this.frame++;
    this.countersValue.samples++;
    this.countersValue.packets++;
    if (this.state === 'connected') this.setState('streaming');
    const list: BodyPose[] = [];
    for (let i = 0; i < bodies; i++) {
      list.push({ id: i + 1, x: this.frame, y: i, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: true });
    }
    const sample: PosesSample = { kind: 'poses', hostTimeNs, frameNumber: this.frame, bodies: list };
    this.emit('sample', sample);
    return sample;
  }

  goDown(reason = 'peer went silent'): void {
    this.emit('down', reason);
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.emit('status', this.status());
  }

  private recordingControl(failWith: string | null): RecordingControl {
    return {
      start: async (takeName?: string) => {
        this.recordingCalls.push(`start:${takeName ?? ''}`);
        if (failWith) throw new Error(failWith);
        this.deviceRecording = true;
        this.emit('status', this.status());
      },
      stop: async () => {
        this.recordingCalls.push('stop');
        if (failWith) throw new Error(failWith);
        this.deviceRecording = false;
        this.emit('status', this.status());
      },
    };
  }
}

/** A device that never answers a recording request. */
function hangingControl(): RecordingControl {
  return { start: () => new Promise<void>(() => {}), stop: () => new Promise<void>(() => {}) };
}

/** Polls until `predicate` holds; bounded in time so a broken test fails instead of hanging. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
