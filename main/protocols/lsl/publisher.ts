/**
 * Sightline as an LSL outlet (docs/protocols/lsl.md §6): every device's samples republished as LSL
 * streams, one stream per device and sample kind. Poses follow the XDF MoCap conventions (per body
 * `x y z qx qy qz qw`, labels, objects, types and units in desc), gaze is `x y worn` (double64), events
 * are a string marker stream, analogs are float32. Each sample is stamped with its device time (already
 * mapped to host time by the device's clock model) converted to LSL's clock, so a recorder like
 * LabRecorder needs no further correction; without a device time the host arrival time is used.
 *
 * A pose stream's channel layout is fixed by the bodies it first saw: when the set of bodies changes the
 * outlet is replaced (same source_id, new uid), which LSL inlets follow by recovering.
 */
import type { DeviceRef, SampleSink } from '../../hub/hub';
import type { Sample } from '../../hub/source';
import { hostTimeNs } from '../../time/host-clock';
import { channelsDesc, type ChannelDescription, type ChannelFormat } from './info';
import { LslOutlet, type OutletOptions } from './outlet';
import type { SampleValues } from './samples';
import { lslLocalClock } from './time';
import { xmlElement } from './xml';

export interface PublisherOptions {
  /** Passed to every outlet (bind address, responder port, session…). */
  outlet?: Partial<OutletOptions>;
  /** Body names per device (the Hub's catalog); body ids otherwise. */
  bodyName?: (device: DeviceRef, bodyId: number) => string | undefined;
  /** Published kinds per device; all when absent. */
  filter?: (device: DeviceRef) => boolean;
}

export interface PublishedStream {
  deviceId: string;
  name: string;
  type: string;
  sourceId: string;
  uid: string;
  dataPort: number;
}

interface Publication {
  outlet: LslOutlet | undefined;
  /** While the outlet is being created; samples meanwhile wait in `queue`. */
  pending: Promise<void> | undefined;
  queue: { values: SampleValues; timestamp: number }[];
  /** What the layout was made for (pose streams: the body ids). */
  layoutKey: string;
}

const AXES = [
  ['X', 'PositionX', 'meters'],
  ['Y', 'PositionY', 'meters'],
  ['Z', 'PositionZ', 'meters'],
  ['A', 'OrientationA', 'quaternion'],
  ['B', 'OrientationB', 'quaternion'],
  ['C', 'OrientationC', 'quaternion'],
  ['D', 'OrientationD', 'quaternion'],
] as const;

/** Body names from the Hub's catalog events, for PublisherOptions.bodyName. */
export class BodyNames {
  private readonly byHandle = new Map<number, Map<number, string>>();
  update(entry: { handle: number; bodies: { id: number; name: string }[] }): void {
    this.byHandle.set(entry.handle, new Map(entry.bodies.map((b) => [b.id, b.name])));
  }
  readonly lookup = (device: DeviceRef, bodyId: number): string | undefined =>
    this.byHandle.get(device.handle)?.get(bodyId);
}

interface Layout {
  type: string;
  /** Sources with several devices of one kind (VRPN analogs): one stream each. */
  stream?: string;
  format: ChannelFormat;
  channels: ChannelDescription[];
  values: SampleValues;
  layoutKey: string;
}

/** Samples kept per stream while its outlet opens (a few ms); more are dropped and counted. */
const MAX_QUEUED_WHILE_OPENING = 1024;

/** The device Sightline's own markers (recording start and stop, operator events) are published under. */
export const SIGHTLINE_DEVICE: DeviceRef = {
  id: 'sightline',
  handle: -1,
  kind: 'sightline',
  label: 'Sightline',
  simulated: false,
};

export class LslPublisher {
  readonly stats = { published: 0, dropped: 0, outlets: 0, errors: 0 };
  private readonly publications = new Map<string, Publication>();
  private readonly hostOffsetNs = hostTimeNs() - lslLocalClock() * 1e9;
  private closed = false;

  constructor(private options: PublisherOptions = {}) {}

  /**
   * New network options for every outlet (the operator changed LSL's scope): each stream's outlet
   * closes and opens again with them at its next sample, with the same source_id, so LSL inlets
   * (LabRecorder, another Sightline) recover it.
   */
  setOutletOptions(outlet: Partial<OutletOptions>): void {
    this.options = { ...this.options, outlet };
    for (const [key, p] of this.publications) {
      this.publications.delete(key);
      void (async () => {
        await p.pending;
        await p.outlet?.close();
      })();
    }
  }

  /** The sink to give Hub.addSink. */
  readonly sink: SampleSink = (device, sample) => this.onSample(device, sample);

  /** A marker on Sightline's own marker stream (recording start/stop, operator events). */
  marker(name: string, value?: string, atHostNs = hostTimeNs()): void {
    this.onSample(SIGHTLINE_DEVICE, {
      kind: 'event',
      name,
      ...(value !== undefined && { value }),
      hostTimeNs: atHostNs,
    });
  }

  streams(): PublishedStream[] {
    const out: PublishedStream[] = [];
    for (const [key, p] of this.publications) {
      if (!p.outlet) continue;
      const i = p.outlet.info;
      out.push({
        deviceId: key.split('\u0000')[0]!,
        name: i.name,
        type: i.type,
        sourceId: i.sourceId,
        uid: i.uid,
        dataPort: i.v4dataPort,
      });
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.publications.values()];
    this.publications.clear();
    await Promise.all(
      all.map(async (p) => {
        await p.pending;
        await p.outlet?.close();
      }),
    );
  }

  /** LSL clock seconds for a sample: its device time (host ns via the clock model), else its arrival. */
  private lslTime(sample: Sample): number {
    return ((sample.deviceTimeNs ?? sample.hostTimeNs) - this.hostOffsetNs) / 1e9;
  }

  private onSample(device: DeviceRef, sample: Sample): void {
    if (this.closed || (this.options.filter && !this.options.filter(device))) return;
    const made = this.layoutOf(device, sample);
    if (!made) return;
    const key = `${device.id}\u0000${made.type}\u0000${made.stream ?? ''}`;
    let p = this.publications.get(key);
    if (p && p.layoutKey !== made.layoutKey) {
      const old = p;
      void (async () => {
        await old.pending;
        await old.outlet?.close();
      })();
      p = undefined;
    }
    if (!p) {
      const created: Publication = { outlet: undefined, pending: undefined, queue: [], layoutKey: made.layoutKey };
      created.pending = LslOutlet.create({
        name: `${device.label} ${made.stream ?? made.type}`,
        type: made.type,
        channelCount: made.channels.length,
        channelFormat: made.format,
        nominalSrate: 0,
        sourceId: `sightline:${device.id}:${made.type}${made.stream === undefined ? '' : `:${made.stream}`}`,
        desc: channelsDesc(made.channels, [
          xmlElement('acquisition', undefined, [
            xmlElement('manufacturer', 'Sightline'),
            xmlElement('device', device.kind),
          ]),
        ]),
        ...this.options.outlet,
      }).then(
        (outlet) => {
          created.pending = undefined;
          if (this.closed || this.publications.get(key) !== created) {
            void outlet.close();
            return;
          }
          created.outlet = outlet;
          this.stats.outlets++;
          for (const q of created.queue) outlet.pushSample(q.values, q.timestamp);
          this.stats.published += created.queue.length;
          created.queue = [];
        },
        () => {
          created.pending = undefined;
          this.stats.errors++;
        },
      );
      this.publications.set(key, created);
      p = created;
    }
    if (!p.outlet) {
      // The first samples wait for the outlet (a marker must not be lost); a stream that cannot open drops.
      if (p.queue.length < MAX_QUEUED_WHILE_OPENING)
        p.queue.push({ values: made.values, timestamp: this.lslTime(sample) });
      else this.stats.dropped++;
      return;
    }
    p.outlet.pushSample(made.values, this.lslTime(sample));
    this.stats.published++;
  }

  private layoutOf(device: DeviceRef, sample: Sample): Layout | undefined {
    switch (sample.kind) {
      case 'poses': {
        if (sample.bodies.length === 0) return undefined;
        const channels: ChannelDescription[] = [];
        const values: number[] = [];
        for (const b of sample.bodies) {
          const name = this.options.bodyName?.(device, b.id) ?? `body${b.id}`;
          AXES.forEach(([suffix, type, unit]) =>
            channels.push({ label: `${name}_${suffix}`, type, unit, extra: { object: name } }),
          );
          values.push(b.x, b.y, b.z, b.qx, b.qy, b.qz, b.qw);
        }
        return {
          type: 'MoCap',
          format: 'float32',
          channels,
          values,
          layoutKey: sample.bodies.map((b) => b.id).join(','),
        };
      }
      case 'gaze':
        return {
          type: 'Gaze',
          format: 'double64',
          channels: [
            { label: 'x', unit: 'normalized', extra: { eye: 'both', metatype: 'ScreenX', coordinate_system: 'world' } },
            { label: 'y', unit: 'normalized', extra: { eye: 'both', metatype: 'ScreenY', coordinate_system: 'world' } },
            { label: 'worn', unit: 'boolean' },
          ],
          values: [sample.x, sample.y, sample.worn ? 1 : 0],
          layoutKey: '',
        };
      case 'event':
        return {
          type: 'Markers',
          format: 'string',
          channels: [{ label: 'Event' }],
          values: [sample.value === undefined ? sample.name : `${sample.name}=${String(sample.value)}`],
          layoutKey: '',
        };
      case 'analog':
        return {
          type: 'Analog',
          format: 'float32',
          channels: sample.channels.map((_, k) => ({ label: `${sample.device ?? 'analog'}_${k}` })),
          values: sample.channels,
          ...(sample.device !== undefined && { stream: sample.device }),
          layoutKey: String(sample.channels.length),
        };
      case 'video':
        return undefined;
    }
  }
}
