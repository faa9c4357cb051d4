/**
 * An LSL stream as a Sightline Source: the inlet's numeric channels as analog samples, a string stream's
 * values as events, every sample's LSL timestamp mapped to host time through the inlet's clock model
 * (docs/protocols/lsl.md §5). Losing the outlet is a `down`: the Hub reconnects, and connect() resolves
 * the query again, so an outlet restarted with the same source_id is picked up under its new uid.
 */
import { EventEmitter } from 'node:events';
import { hostTimeNs } from '../../time/host-clock';
import type { Sample, Source, SourceCapabilities, SourceCounters, SourceEvents, SourceStatus } from '../../hub/source';
import { describedChannels, type StreamInfo } from './info';
import { fetchFullInfo, LslInlet } from './inlet';
import { resolveStreams, type ResolveTarget } from './resolver';
import type { DecodedSample } from './samples';

export interface LslSourceOptions {
  id: string;
  label: string;
  /** Which stream: an LSL query, e.g. `name='EEG'` or `source_id='amp-1234'`. */
  query: string;
  targets: ResolveTarget[];
  bindAddress?: string;
  resolveTimeoutMs?: number;
}

/** What the LSL panel shows beyond the generic health (SourceStatus.detail). */
export interface LslDetail {
  name: string;
  type: string;
  channelFormat: string;
  channelCount: number;
  nominalSrate: number;
  sourceId: string;
  hostname: string;
  labels: string[];
  /** liblsl's time_correction(): seconds to add to the outlet's timestamps; null until measured. */
  timeCorrectionS: number | null;
  timeUncertaintyS: number | null;
}

export class LslSource extends EventEmitter<SourceEvents> implements Source {
  readonly kind = 'lsl';
  readonly capabilities: SourceCapabilities = {};
  private inlet: LslInlet | undefined;
  private info: StreamInfo | undefined;
  private labels: string[] = [];
  private state: SourceStatus['state'] = 'idle';
  private lastError: string | undefined;
  private readonly counts: SourceCounters = { packets: 0, bytes: 0, samples: 0, malformed: 0, dropped: 0 };

  constructor(private readonly options: LslSourceOptions) {
    super();
  }

  get id(): string {
    return this.options.id;
  }

  get label(): string {
    return this.options.label;
  }

  /** What discovery calls this stream (FoundEntry.deviceId): its source_id, else its uid; null before connecting. */
  identity(): string | null {
    return this.info ? this.info.sourceId || this.info.uid : null;
  }

  async connect(): Promise<void> {
    this.setState('connecting');
    const found = await resolveStreams({
      query: this.options.query,
      targets: this.options.targets,
      timeoutMs: this.options.resolveTimeoutMs ?? 3000,
      minimum: 1,
      waveIntervalMs: 250,
      bindAddress: this.options.bindAddress,
    });
    const stream = found[0];
    if (!stream) throw new Error(`no LSL stream answers ${this.options.query}`);
    this.info = stream.info;
    // The short info has no desc: the channel labels come with the full info.
    const full = await fetchFullInfo(stream.address, stream.info.v4dataPort, 3000).catch(() => stream.info);
    this.labels = describedChannels(full.desc).map((c) => c.label);
    const inlet = new LslInlet({
      stream,
      bindAddress: this.options.bindAddress,
      onSample: (s) => this.onSample(s),
      onState: (state, reason) => {
        if (state === 'streaming') this.setState('connected');
        if (state === 'closed' && reason !== undefined && this.inlet === inlet) {
          this.lastError = reason;
          this.counts.malformed = inlet.stats.badFeeds;
          this.emit('down', reason);
        }
      },
      onTimeCorrection: () => this.emit('status', this.status()),
    });
    this.inlet = inlet;
    inlet.start();
    this.emit('status', this.status());
  }

  async close(): Promise<void> {
    const inlet = this.inlet;
    this.inlet = undefined;
    await inlet?.close();
    this.setState('closed');
  }

  counters(): SourceCounters {
    return { ...this.counts };
  }

  status(): SourceStatus<LslDetail> {
    const info = this.info;
    const correction = this.inlet?.timeCorrection;
    const clock = this.inlet?.clockModel.estimate();
    return {
      state: this.state,
      ...(info && {
        ...(info.nominalSrate > 0 && { nominalRateHz: info.nominalSrate }),
        peer: `${info.name} (${info.type || 'no type'}, ${info.channelCount} × ${info.channelFormat}, ${info.nominalSrate ? `${info.nominalSrate} Hz` : 'irregular'}) on ${info.hostname}`,
        detail: {
          name: info.name,
          type: info.type,
          channelFormat: info.channelFormat,
          channelCount: info.channelCount,
          nominalSrate: info.nominalSrate,
          sourceId: info.sourceId,
          hostname: info.hostname,
          labels: this.labels,
          timeCorrectionS: correction?.correction ?? null,
          timeUncertaintyS: correction?.uncertainty ?? null,
        },
      }),
      ...(this.lastError !== undefined && { lastError: this.lastError }),
      ...(clock && { clock }),
    };
  }

  private setState(state: SourceStatus['state']): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('status', this.status());
  }

  private onSample(s: DecodedSample): void {
    const info = this.info!;
    const base = {
      hostTimeNs: hostTimeNs(),
      deviceClockNs: s.timestamp * 1e9,
      ...(this.inlet?.toHostNs(s.timestamp) !== undefined && { deviceTimeNs: this.inlet.toHostNs(s.timestamp)! }),
    };
    this.counts.packets++;
    if (this.state !== 'streaming') this.setState('streaming');
    if (info.channelFormat === 'string') {
      for (const value of s.values as string[]) {
        this.counts.samples++;
        this.emit('sample', { kind: 'event', name: value, ...base } satisfies Sample);
      }
      return;
    }
    this.counts.samples++;
    const channels = (s.values as (number | bigint)[]).map(Number);
    this.emit('sample', { kind: 'analog', channels, device: info.name, ...base } satisfies Sample);
  }
}
