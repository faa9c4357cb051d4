/**
 * A synthetic LSL source: an EEG-like stream (alpha rhythm, slower drift and noise per channel, in
 * microvolts, labelled with 10-20 names) and a string marker stream, as outlets. For `sightline sim lsl`,
 * demo mode and tests; loopback unless told otherwise.
 */
import { channelsDesc } from './info';
import { LslOutlet, type OutletOptions } from './outlet';
import { lslLocalClock } from './time';
import { xmlElement } from './xml';

const LABELS_10_20 = [
  'Fp1',
  'Fp2',
  'F7',
  'F3',
  'Fz',
  'F4',
  'F8',
  'FC5',
  'FC1',
  'FC2',
  'FC6',
  'T7',
  'C3',
  'Cz',
  'C4',
  'T8',
  'CP5',
  'CP1',
  'CP2',
  'CP6',
  'P7',
  'P3',
  'Pz',
  'P4',
  'P8',
  'PO9',
  'O1',
  'Oz',
  'O2',
  'PO10',
  'AFz',
  'FCz',
];

export interface LslSimulatorOptions {
  channels?: number;
  rateHz?: number;
  name?: string;
  /** Marker stream beside the EEG (default true), one marker a second. */
  markers?: boolean;
  sourceIdPrefix?: string;
  /** Passed to both outlets (bind address, responder port…). */
  outlet?: Partial<OutletOptions>;
  /** How often samples are pushed (ms); samples keep their own timestamps. */
  tickMs?: number;
}

/** The simulator's default push period: the bench paces liblsl's outlet the same way. */
export const SIM_TICK_MS = 20;

export class LslSimulator {
  eeg: LslOutlet | undefined;
  markers: LslOutlet | undefined;
  /** Samples pushed so far (EEG) and markers. */
  readonly counters = { samples: 0, markers: 0 };
  private timer: NodeJS.Timeout | undefined;
  private readonly options: Required<Omit<LslSimulatorOptions, 'outlet'>> & { outlet: Partial<OutletOptions> };

  constructor(options: LslSimulatorOptions = {}) {
    this.options = {
      channels: options.channels ?? 32,
      rateHz: options.rateHz ?? 500,
      name: options.name ?? 'SightlineSimEEG',
      markers: options.markers ?? true,
      sourceIdPrefix: options.sourceIdPrefix ?? 'sightline-sim',
      outlet: options.outlet ?? {},
      tickMs: options.tickMs ?? SIM_TICK_MS,
    };
  }

  get outlets(): LslOutlet[] {
    return [this.eeg, this.markers].filter((o): o is LslOutlet => o !== undefined);
  }

  async start(): Promise<LslOutlet[]> {
    const o = this.options;
    const labels = Array.from({ length: o.channels }, (_, k) => LABELS_10_20[k] ?? `EEG${k + 1}`);
    this.eeg = await LslOutlet.create({
      name: o.name,
      type: 'EEG',
      channelCount: o.channels,
      channelFormat: 'float32',
      nominalSrate: o.rateHz,
      sourceId: `${o.sourceIdPrefix}-eeg`,
      desc: channelsDesc(
        labels.map((label) => ({ label, unit: 'microvolts', type: 'EEG' })),
        [xmlElement('manufacturer', 'Sightline (simulated)')],
      ),
      ...o.outlet,
    });
    if (o.markers) {
      this.markers = await LslOutlet.create({
        name: `${o.name}-Markers`,
        type: 'Markers',
        channelCount: 1,
        channelFormat: 'string',
        nominalSrate: 0,
        sourceId: `${o.sourceIdPrefix}-markers`,
        desc: channelsDesc([{ label: 'Marker' }]),
        ...o.outlet,
      });
    }
    const start = lslLocalClock();
    let sent = 0;
    let nextMarker = 1;
    this.timer = setInterval(() => {
      const now = lslLocalClock();
      const due = Math.floor((now - start) * o.rateHz);
      const chunk = [];
      for (; sent < due; sent++) {
        const t = start + sent / o.rateHz;
        const values = new Array<number>(o.channels);
        for (let k = 0; k < o.channels; k++) {
          values[k] =
            20 * Math.sin(2 * Math.PI * 10 * t + k * 0.3) +
            8 * Math.sin(2 * Math.PI * 0.5 * t + k) +
            5 * (Math.random() - 0.5);
        }
        chunk.push({ timestamp: t, values });
      }
      if (chunk.length) {
        this.eeg?.pushChunk(chunk);
        this.counters.samples += chunk.length;
      }
      if (this.markers && now - start >= nextMarker) {
        this.markers.pushSample([`stimulus/${nextMarker}`], start + nextMarker);
        this.counters.markers++;
        nextMarker++;
      }
    }, o.tickMs);
    return this.outlets;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.outlets.map((o) => o.close()));
  }
}
