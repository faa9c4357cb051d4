/**
 * Samples packed into one transferable buffer for the recorder's worker.
 *
 * Structured cloning a batch of sample objects costs the sockets' thread per object and per field
 * (a VRPN sample carries every tracker's body; a Motive frame 30–100 bodies); writing the same
 * numbers into one ArrayBuffer and transferring it costs a copy of the bytes and nothing per object
 * afterwards. The worker unpacks them into the same Sample shapes, so the mapping to MCAP messages
 * (sample-mapping.ts) is unchanged. What travels is what the mapping records: a BodyPose's optional
 * extras (meanError, markerCount) and PosesSample's markerFlags and bones are not recorded today, so
 * they stay behind. A kind's decoded message (`raw`) travels only for kinds that record it
 * (KindRecording): inline when its hand-off form is bytes (NatNet), else beside the buffer as a
 * structured clone.
 *
 * Layout per sample, little-endian, no alignment except before float32 arrays:
 *   u8 kind, u8 flags, u16 device index, f64 host time, [f64 device time], [f64 device clock], body.
 */
import type { BodyPose } from '../../preload/api';
import type { AnalogSample, EventSample, InputControl, PosesSample, Sample } from '../hub/source';

const KIND = { poses: 0, gaze: 1, video: 2, event: 3, analog: 4 } as const;
const KINDS = ['poses', 'gaze', 'video', 'event', 'analog'] as const;

const F_DEVICE_TIME = 1;
const F_DEVICE_CLOCK = 2;
/** Kind-specific: poses frame number; video width. */
const F_A = 4;
/** poses recording flag present; video height. */
const F_B = 8;
/** poses recording flag value; video codec. */
const F_C = 16;
/** poses markers; event value; analog device name. */
const F_D = 32;
/** poses raw (index into the extras); event control. */
const F_E = 64;
/** poses raw as bytes, inline (a kind whose hand-off form is a Uint8Array). */
const F_RAW_BYTES = 128;

const NUMBER = 1;
const STRING = 2;
const TRUE = 3;
const FALSE = 4;

const BUTTON = 0;
const DIAL = 1;

const MIN_CAPACITY = 64 * 1024;
/** Buffers the worker gave back, kept for the next batches (a batch in flight, one filling, spares). */
const POOL_SIZE = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One batch as it crosses to the worker: `buffer` is transferred, `extras` cloned. */
export interface PackedBatch {
  buffer: ArrayBuffer;
  length: number;
  count: number;
  /** Decoded device messages (`raw`) of the samples that carry one, in order. */
  extras: unknown[];
}

export class SamplePacker {
  private buffer = new ArrayBuffer(MIN_CAPACITY);
  private view = new DataView(this.buffer);
  private bytes = new Uint8Array(this.buffer);
  private pos = 0;
  private count = 0;
  private extras: unknown[] = [];
  private readonly pool: ArrayBuffer[] = [];

  /** Bytes packed so far in this batch. */
  get length(): number {
    return this.pos;
  }

  get samples(): number {
    return this.count;
  }

  /**
   * Appends a sample; `raw` (already made ready for the hand-off) travels beside the buffer. A
   * malformed sample throws and leaves the batch as it was.
   */
  add(device: number, sample: Sample, raw?: unknown): void {
    const head = this.pos;
    const extras = this.extras.length;
    try {
      this.append(head, device, sample, raw);
    } catch (error) {
      this.pos = head;
      this.extras.length = extras;
      throw error;
    }
    this.count++;
  }

  private append(head: number, device: number, sample: Sample, raw: unknown): void {
    const kind = KIND[sample.kind] as number | undefined;
    if (kind === undefined) throw new Error(`unknown sample kind ${String(sample.kind)}`);
    this.reserve(32);
    let flags = 0;
    this.view.setUint8(head, kind);
    this.view.setUint16(head + 2, device, true);
    this.view.setFloat64(head + 4, sample.hostTimeNs, true);
    this.pos = head + 12;
    if (sample.deviceTimeNs !== undefined) {
      flags |= F_DEVICE_TIME;
      this.f64(sample.deviceTimeNs);
    }
    if (sample.deviceClockNs !== undefined) {
      flags |= F_DEVICE_CLOCK;
      this.f64(sample.deviceClockNs);
    }
    switch (sample.kind) {
      case 'poses':
        flags |= this.poses(sample, raw);
        break;
      case 'gaze':
        this.reserve(17);
        this.f64(sample.x);
        this.f64(sample.y);
        this.u8(sample.worn ? 1 : 0);
        break;
      case 'video': {
        this.reserve(13);
        this.u8(sample.key ? 1 : 0);
        this.f64(sample.ptsUs);
        if (sample.width !== undefined) {
          flags |= F_A;
          this.f64(sample.width);
        }
        if (sample.height !== undefined) {
          flags |= F_B;
          this.f64(sample.height);
        }
        if (sample.codec !== undefined) {
          flags |= F_C;
          this.str(sample.codec);
        }
        this.blob(sample.data);
        break;
      }
      case 'event':
        flags |= this.event(sample);
        break;
      case 'analog':
        flags |= this.analog(sample);
        break;
    }
    this.view.setUint8(head + 1, flags);
  }

  /** The batch so far (its buffer is the caller's to transfer); the packer starts a new one. */
  take(): PackedBatch {
    const batch: PackedBatch = { buffer: this.buffer, length: this.pos, count: this.count, extras: this.extras };
    this.buffer = this.pool.pop() ?? new ArrayBuffer(Math.max(MIN_CAPACITY, this.pos));
    this.view = new DataView(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
    this.pos = 0;
    this.count = 0;
    this.extras = [];
    return batch;
  }

  /** A batch's buffer back from the worker, to be filled again. */
  recycle(buffer: ArrayBuffer): void {
    if (this.pool.length < POOL_SIZE && buffer.byteLength >= MIN_CAPACITY) this.pool.push(buffer);
  }

  private poses(sample: PosesSample, raw: unknown): number {
    let flags = 0;
    const bodies = sample.bodies;
    const n = bodies.length;
    this.reserve(8 + 1 + 4 + n * 65);
    if (sample.frameNumber !== undefined) {
      flags |= F_A;
      this.f64(sample.frameNumber);
    }
    if (sample.recording !== undefined) flags |= F_B | (sample.recording ? F_C : 0);
    this.u32(n);
    const view = this.view;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const b = bodies[i]!;
      view.setFloat64(p, b.id, true);
      view.setFloat64(p + 8, b.x, true);
      view.setFloat64(p + 16, b.y, true);
      view.setFloat64(p + 24, b.z, true);
      view.setFloat64(p + 32, b.qx, true);
      view.setFloat64(p + 40, b.qy, true);
      view.setFloat64(p + 48, b.qz, true);
      view.setFloat64(p + 56, b.qw, true);
      view.setUint8(p + 64, b.valid ? 1 : 0);
      p += 65;
    }
    this.pos = p;
    const markers = sample.markers;
    if (markers && markers.length > 0) {
      flags |= F_D;
      this.reserve(4 + 3 + markers.byteLength);
      this.u32(markers.length);
      this.pos = (this.pos + 3) & ~3;
      this.bytes.set(new Uint8Array(markers.buffer, markers.byteOffset, markers.byteLength), this.pos);
      this.pos += markers.byteLength;
    }
    if (raw instanceof Uint8Array) {
      flags |= F_RAW_BYTES;
      this.blob(raw);
    } else if (raw !== undefined) {
      flags |= F_E;
      this.extras.push(raw);
    }
    return flags;
  }

  private event(sample: EventSample): number {
    let flags = 0;
    this.str(sample.name);
    const value = sample.value;
    if (value !== undefined) {
      flags |= F_D;
      this.reserve(9);
      if (typeof value === 'number') {
        this.u8(NUMBER);
        this.f64(value);
      } else if (typeof value === 'string') {
        this.u8(STRING);
        this.str(value);
      } else {
        this.u8(value ? TRUE : FALSE);
      }
    }
    const control = sample.control;
    if (control) {
      flags |= F_E;
      this.str(control.device);
      this.reserve(9);
      this.u8(control.kind === 'dial' ? DIAL : BUTTON);
      this.f64(control.index);
    }
    return flags;
  }

  private analog(sample: AnalogSample): number {
    const channels = sample.channels;
    this.reserve(4 + channels.length * 8);
    this.u32(channels.length);
    for (const c of channels) this.f64(c);
    if (sample.device === undefined) return 0;
    this.str(sample.device);
    return F_D;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buffer.byteLength) return;
    const bigger = new ArrayBuffer(Math.max(this.buffer.byteLength * 2, this.pos + n));
    new Uint8Array(bigger).set(this.bytes.subarray(0, this.pos));
    this.buffer = bigger;
    this.view = new DataView(bigger);
    this.bytes = new Uint8Array(bigger);
  }

  private u8(v: number): void {
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }

  private u32(v: number): void {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  private f64(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  private str(text: string): void {
    this.reserve(4 + text.length * 3);
    const { written } = encoder.encodeInto(text, this.bytes.subarray(this.pos + 4));
    this.view.setUint32(this.pos, written, true);
    this.pos += 4 + written;
  }

  private blob(data: Uint8Array): void {
    this.reserve(4 + data.byteLength);
    this.u32(data.byteLength);
    this.bytes.set(data, this.pos);
    this.pos += data.byteLength;
  }
}

/** Unpacks a batch in order: `each(device index, sample)`. Throws on a damaged batch (never expected). */
export function unpackSamples(batch: PackedBatch, each: (device: number, sample: Sample) => void): void {
  const view = new DataView(batch.buffer, 0, batch.length);
  const bytes = new Uint8Array(batch.buffer, 0, batch.length);
  let pos = 0;
  let extra = 0;
  const f64 = (): number => {
    const v = view.getFloat64(pos, true);
    pos += 8;
    return v;
  };
  const u32 = (): number => {
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u8 = (): number => view.getUint8(pos++);
  const str = (): string => {
    const n = u32();
    const text = decoder.decode(bytes.subarray(pos, pos + n));
    pos += n;
    return text;
  };
  for (let s = 0; s < batch.count; s++) {
    const kind = KINDS[u8()];
    const flags = u8();
    const device = view.getUint16(pos, true);
    pos += 2;
    const base: { hostTimeNs: number; deviceTimeNs?: number; deviceClockNs?: number } = { hostTimeNs: f64() };
    if (flags & F_DEVICE_TIME) base.deviceTimeNs = f64();
    if (flags & F_DEVICE_CLOCK) base.deviceClockNs = f64();
    switch (kind) {
      case 'poses': {
        const sample: PosesSample = { kind, ...base, bodies: [] };
        if (flags & F_A) sample.frameNumber = f64();
        if (flags & F_B) sample.recording = (flags & F_C) !== 0;
        const n = u32();
        const bodies = new Array<BodyPose>(n);
        for (let i = 0; i < n; i++) {
          bodies[i] = {
            id: view.getFloat64(pos, true),
            x: view.getFloat64(pos + 8, true),
            y: view.getFloat64(pos + 16, true),
            z: view.getFloat64(pos + 24, true),
            qx: view.getFloat64(pos + 32, true),
            qy: view.getFloat64(pos + 40, true),
            qz: view.getFloat64(pos + 48, true),
            qw: view.getFloat64(pos + 56, true),
            valid: view.getUint8(pos + 64) === 1,
          };
          pos += 65;
        }
        sample.bodies = bodies;
        if (flags & F_D) {
          const count = u32();
          pos = (pos + 3) & ~3;
          sample.markers = new Float32Array(batch.buffer, pos, count);
          pos += count * 4;
        }
        if (flags & F_RAW_BYTES) {
          const n = u32();
          sample.raw = bytes.subarray(pos, pos + n);
          pos += n;
        } else if (flags & F_E) sample.raw = batch.extras[extra++];
        each(device, sample);
        break;
      }
      case 'gaze':
        each(device, { kind, ...base, x: f64(), y: f64(), worn: u8() === 1 });
        break;
      case 'video': {
        const key = u8() === 1;
        const ptsUs = f64();
        const width = flags & F_A ? f64() : undefined;
        const height = flags & F_B ? f64() : undefined;
        const codec = flags & F_C ? str() : undefined;
        const n = u32();
        const data = bytes.subarray(pos, pos + n);
        pos += n;
        each(device, {
          kind,
          ...base,
          key,
          ptsUs,
          data,
          ...(width === undefined ? {} : { width }),
          ...(height === undefined ? {} : { height }),
          ...(codec === undefined ? {} : { codec }),
        });
        break;
      }
      case 'event': {
        const sample: EventSample = { kind, ...base, name: str() };
        if (flags & F_D) {
          const tag = u8();
          sample.value = tag === NUMBER ? f64() : tag === STRING ? str() : tag === TRUE;
        }
        if (flags & F_E) {
          const controlDevice = str();
          const controlKind: InputControl['kind'] = u8() === DIAL ? 'dial' : 'button';
          sample.control = { device: controlDevice, kind: controlKind, index: f64() };
        }
        each(device, sample);
        break;
      }
      case 'analog': {
        const n = u32();
        const channels = new Array<number>(n);
        for (let i = 0; i < n; i++) channels[i] = f64();
        const sample: AnalogSample = { kind, ...base, channels };
        if (flags & F_D) sample.device = str();
        each(device, sample);
        break;
      }
      default:
        throw new Error(`a damaged hand-off batch (sample ${s} of ${batch.count})`);
    }
  }
}
