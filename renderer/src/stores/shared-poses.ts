/**
 * The latest poses of every device in one shared buffer: the link worker writes a device's slot when
 * its batch arrives, the page's render loop copies the slots it has not seen yet. Nothing is posted
 * per batch, so a main thread stalled by software GL delays neither storing nor acking.
 *
 * Pure layout code: no DOM, no Node. It runs in the worker, in the page and in the unit tests, and it
 * works on a plain ArrayBuffer too (one thread; the main-thread fallback and tests).
 *
 * Torn reads: each slot is a seqlock. The writer makes the slot's sequence odd, writes, and makes it
 * even again; a reader copies the slot and keeps the copy only if the sequence was even and unchanged
 * across the copy. The writer never waits for readers, which is the point: the worker must ack at once.
 *
 * Layout (byte offsets from 0; Int32 words, then 8-byte aligned Float64 / Float32 data):
 *   header, HEADER_INTS words: [0] SHARED_POSES_MAGIC  [1] slots  [2] bodies per slot
 *     [3] markers per slot  [4] version (+1 after every write or forget: "anything new?" in one load)
 *   slot table, SLOT_INTS words per slot: [0] seq  [1] handle or FREE_SLOT  [2] body count
 *     [3] marker count  [4] recording (-1 unknown, 0, 1)  [5] marker flags known (0, 1)
 *   slot data, per slot: SLOT_FIXED f64 (frameNumber or NaN, hostTimeMs, deviceTimeMs or NaN,
 *     storedAtMs, samples), bodies × BODY_STRIDE f64 (the batch's own body layout), bodies ×
 *     DETAIL_STRIDE f64 (mean error, marker count; NaN unknown), markers × 3 f32, markers × 1 u8 flags.
 */
import { BODY_STRIDE, BatchLimits, DETAIL_STRIDE, type PosesSection } from '../../../preload/api';

export const SHARED_POSES_MAGIC = 0x53_50_53_02; // "SPS" + layout version 2
export const FREE_SLOT = -1;

const HEADER_INTS = 8;
const H_MAGIC = 0;
const H_SLOTS = 1;
const H_BODIES = 2;
const H_MARKERS = 3;
const H_VERSION = 4;

const SLOT_INTS = 8;
const S_SEQ = 0;
const S_HANDLE = 1;
const S_BODIES = 2;
const S_MARKERS = 3;
const S_RECORDING = 4;
const S_FLAGS_KNOWN = 5;

const SLOT_FIXED = 5;
const F_FRAME = 0;
const F_HOST_TIME = 1;
const F_DEVICE_TIME = 2;
const F_STORED_AT = 3;
const F_SAMPLES = 4;

/** Capacities of one buffer; every slot has room for the same number of bodies and markers. */
export interface SharedPoseCapacity {
  slots: number;
  bodies: number;
  markers: number;
}

/**
 * The hard ceiling: what one batch may carry (unpackBatch enforces the same limits), ~17 MB when
 * reached. Buffers start small and are re-allocated (doubling) only when a device needs more.
 */
export const SHARED_POSE_LIMITS: Readonly<SharedPoseCapacity> = Object.freeze({
  slots: BatchLimits.maxSections,
  bodies: BatchLimits.maxBodies,
  markers: BatchLimits.maxMarkers,
});

/** ~90 KB: a typical lab (a few devices, tens of bodies, a few hundred markers) never re-allocates. */
export const INITIAL_SHARED_POSE_CAPACITY: Readonly<SharedPoseCapacity> = Object.freeze({
  slots: 8,
  bodies: 64,
  markers: 256,
});

/** Where everything is, in element indices of the views over one buffer. */
interface Offsets {
  readonly capacity: SharedPoseCapacity;
  readonly byteLength: number;
  /** Float64 index of slot 0's data. */
  readonly dataF64: number;
  /** Float64 elements per slot (fixed part + bodies + the markers' bytes). */
  readonly slotF64: number;
  /** Float64 elements before the body details within a slot. */
  readonly detailsAtF64: number;
  /** Float64 elements before the markers within a slot. */
  readonly markersAtF64: number;
}

function offsetsFor(capacity: SharedPoseCapacity): Offsets {
  const headerBytes = (HEADER_INTS + capacity.slots * SLOT_INTS) * 4;
  const dataF64 = Math.ceil(headerBytes / 8);
  const detailsAtF64 = SLOT_FIXED + capacity.bodies * BODY_STRIDE;
  const markersAtF64 = detailsAtF64 + capacity.bodies * DETAIL_STRIDE;
  // Markers are f32 (three.js uploads f32 anyway), their flags one byte (every MarkerFlags bit fits);
  // round the slot up to whole f64s.
  const slotF64 = markersAtF64 + Math.ceil((capacity.markers * 13) / 8);
  const byteLength = (dataF64 + capacity.slots * slotF64) * 8;
  return { capacity, byteLength, dataF64, slotF64, detailsAtF64, markersAtF64 };
}

/** Bytes a buffer of this capacity takes. */
export function sharedPoseBytes(capacity: SharedPoseCapacity): number {
  return offsetsFor(capacity).byteLength;
}

function checkCapacity(capacity: SharedPoseCapacity): void {
  for (const key of ['slots', 'bodies', 'markers'] as const) {
    const value = capacity[key];
    if (!Number.isInteger(value) || value < 1 || value > SHARED_POSE_LIMITS[key]) {
      throw new RangeError(`shared poses: ${key} capacity ${value} outside 1..${SHARED_POSE_LIMITS[key]}`);
    }
  }
}

type AnyBuffer = SharedArrayBuffer | ArrayBuffer;

class Views {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  readonly u8: Uint8Array;
  constructor(
    readonly buffer: AnyBuffer,
    readonly at: Offsets,
  ) {
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }
  meta(slot: number, field: number): number {
    return HEADER_INTS + slot * SLOT_INTS + field;
  }
  data(slot: number): number {
    return this.at.dataF64 + slot * this.at.slotF64;
  }
  details(slot: number): number {
    return this.data(slot) + this.at.detailsAtF64;
  }
  markers(slot: number): number {
    return (this.data(slot) + this.at.markersAtF64) * 2;
  }
  /** Byte index of the slot's marker flags, after room for every marker's xyz. */
  flags(slot: number): number {
    return (this.markers(slot) + this.at.capacity.markers * 3) * 4;
  }
}

/** Int32 index of a slot's sequence word: for tests that play a writer caught mid-write. */
export function slotSeqIndex(slot: number): number {
  return HEADER_INTS + slot * SLOT_INTS + S_SEQ;
}

// ---------------------------------------------------------------------------------------------
// Writer (the link worker; one writer per buffer)
// ---------------------------------------------------------------------------------------------

export type SharedPoseWrite =
  | {
      status: 'stored';
      /** The buffer was re-allocated for this write: hand `writer.buffer` to the readers. */
      reallocated: boolean;
      /** A body appeared, disappeared or changed id (the scene mounts/unmounts on this only). */
      bodySetChanged: boolean;
      recordingChanged: boolean;
    }
  /** All SHARED_POSE_LIMITS.slots slots hold other devices; this device is not shown. */
  | { status: 'full' }
  /** Not a device handle this layout can name (negative, fractional, huge). */
  | { status: 'bad-handle' };

interface SlotState {
  handle: number;
  bodyIds: number[];
  recording: boolean | null;
  markerCount: number;
}

export interface SharedPoseWriterOptions {
  capacity?: Partial<SharedPoseCapacity>;
  /** SharedArrayBuffer by default; a plain ArrayBuffer works for a single thread. */
  allocate?: (bytes: number) => AnyBuffer;
}

export class SharedPoseWriter {
  private views: Views;
  private readonly slots: (SlotState | null)[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly allocate: (bytes: number) => AnyBuffer;

  constructor(options: SharedPoseWriterOptions = {}) {
    this.allocate = options.allocate ?? ((bytes) => new SharedArrayBuffer(bytes));
    const capacity = { ...INITIAL_SHARED_POSE_CAPACITY, ...options.capacity };
    checkCapacity(capacity);
    this.views = this.createViews(capacity);
  }

  get buffer(): AnyBuffer {
    return this.views.buffer;
  }

  get capacity(): Readonly<SharedPoseCapacity> {
    return this.views.at.capacity;
  }

  handles(): number[] {
    return [...this.slotOf.keys()];
  }

  bodyIds(handle: number): number[] {
    const slot = this.slotOf.get(handle);
    return slot === undefined ? [] : [...(this.slots[slot]?.bodyIds ?? [])];
  }

  totalMarkers(): number {
    let total = 0;
    for (const slot of this.slots) total += slot?.markerCount ?? 0;
    return total;
  }

  /** Stores the section as its device's latest poses. `storedAtMs`: Unix ms, the worker's clock. */
  write(section: PosesSection, storedAtMs: number): SharedPoseWrite {
    const { handle } = section;
    if (!Number.isInteger(handle) || handle < 0 || handle > 0x7fff_ffff) return { status: 'bad-handle' };
    const bodyCount = section.bodies.length;
    const markerCount = Math.floor(section.markers.length / 3);
    let slot = this.slotOf.get(handle);
    let reallocated = false;
    const { capacity } = this.views.at;
    const needSlot = slot === undefined && this.slots.length >= capacity.slots && !this.slots.includes(null);
    if (needSlot || bodyCount > capacity.bodies || markerCount > capacity.markers) {
      if (needSlot && capacity.slots >= SHARED_POSE_LIMITS.slots) return { status: 'full' };
      this.reallocate({
        slots: needSlot ? grow(capacity.slots, capacity.slots + 1, SHARED_POSE_LIMITS.slots) : capacity.slots,
        bodies: grow(capacity.bodies, bodyCount, SHARED_POSE_LIMITS.bodies),
        markers: grow(capacity.markers, markerCount, SHARED_POSE_LIMITS.markers),
      });
      reallocated = true;
    }
    if (slot === undefined) {
      const free = this.slots.indexOf(null);
      slot = free >= 0 ? free : this.slots.length;
      this.slots[slot] = { handle, bodyIds: [], recording: null, markerCount: 0 };
      this.slotOf.set(handle, slot);
    }
    const state = this.slots[slot]!;
    const bodySetChanged = updateBodyIds(state, section);
    const recordingChanged = state.recording !== section.recording;
    state.recording = section.recording;
    state.markerCount = markerCount;

    const v = this.views;
    const seq = this.beginWrite(slot);
    v.i32[v.meta(slot, S_HANDLE)] = handle;
    v.i32[v.meta(slot, S_BODIES)] = bodyCount;
    v.i32[v.meta(slot, S_MARKERS)] = markerCount;
    v.i32[v.meta(slot, S_RECORDING)] = section.recording === null ? -1 : section.recording ? 1 : 0;
    v.i32[v.meta(slot, S_FLAGS_KNOWN)] = section.markerFlags ? 1 : 0;
    const d = v.data(slot);
    v.f64[d + F_FRAME] = section.frameNumber ?? NaN;
    v.f64[d + F_HOST_TIME] = section.hostTimeMs;
    v.f64[d + F_DEVICE_TIME] = section.deviceTimeMs ?? NaN;
    v.f64[d + F_STORED_AT] = storedAtMs;
    v.f64[d + F_SAMPLES] = section.samples;
    let b = d + SLOT_FIXED;
    for (const body of section.bodies) {
      v.f64[b] = body.id;
      v.f64[b + 1] = body.x;
      v.f64[b + 2] = body.y;
      v.f64[b + 3] = body.z;
      v.f64[b + 4] = body.qx;
      v.f64[b + 5] = body.qy;
      v.f64[b + 6] = body.qz;
      v.f64[b + 7] = body.qw;
      v.f64[b + 8] = body.valid ? 1 : 0;
      b += BODY_STRIDE;
    }
    let e = v.details(slot);
    for (const body of section.bodies) {
      v.f64[e] = body.meanError ?? NaN;
      v.f64[e + 1] = body.markerCount ?? NaN;
      e += DETAIL_STRIDE;
    }
    const m = v.markers(slot);
    // f64 → f32 conversion, element by element: set() converts too.
    v.f32.set(section.markers.subarray(0, markerCount * 3), m);
    if (section.markerFlags) v.u8.set(section.markerFlags.subarray(0, markerCount), v.flags(slot));
    this.endWrite(slot, seq);
    return { status: 'stored', reallocated, bodySetChanged, recordingChanged };
  }

  /** Frees a gone device's slot, so readers drop its last poses and another device can use it. */
  forget(handle: number): boolean {
    const slot = this.slotOf.get(handle);
    if (slot === undefined) return false;
    this.slotOf.delete(handle);
    this.slots[slot] = null;
    const v = this.views;
    const seq = this.beginWrite(slot);
    v.i32[v.meta(slot, S_HANDLE)] = FREE_SLOT;
    v.i32[v.meta(slot, S_BODIES)] = 0;
    v.i32[v.meta(slot, S_MARKERS)] = 0;
    this.endWrite(slot, seq);
    return true;
  }

  /** Makes the slot's sequence odd: readers that copy from now on discard their copy. */
  private beginWrite(slot: number): number {
    return Atomics.add(this.views.i32, this.views.meta(slot, S_SEQ), 1) + 1;
  }

  private endWrite(slot: number, oddSeq: number): void {
    Atomics.store(this.views.i32, this.views.meta(slot, S_SEQ), (oddSeq + 1) | 0);
    Atomics.add(this.views.i32, H_VERSION, 1);
  }

  private createViews(capacity: SharedPoseCapacity): Views {
    const at = offsetsFor(capacity);
    const v = new Views(this.allocate(at.byteLength), at);
    v.i32[H_MAGIC] = SHARED_POSES_MAGIC;
    v.i32[H_SLOTS] = capacity.slots;
    v.i32[H_BODIES] = capacity.bodies;
    v.i32[H_MARKERS] = capacity.markers;
    for (let s = 0; s < capacity.slots; s++) v.i32[v.meta(s, S_HANDLE)] = FREE_SLOT;
    return v;
  }

  /**
   * A bigger buffer with every slot copied at the same index. Readers keep the old buffer (which no
   * longer changes, so it stays consistent) until they are handed the new one.
   */
  private reallocate(capacity: SharedPoseCapacity): void {
    const old = this.views;
    const next = this.createViews(capacity);
    next.i32[H_VERSION] = Atomics.load(old.i32, H_VERSION);
    for (let s = 0; s < old.at.capacity.slots; s++) {
      for (const field of [S_SEQ, S_HANDLE, S_BODIES, S_MARKERS, S_RECORDING, S_FLAGS_KNOWN]) {
        next.i32[next.meta(s, field)] = old.i32[old.meta(s, field)]!;
      }
      const from = old.data(s);
      const bodies = old.i32[old.meta(s, S_BODIES)]!;
      const markers = old.i32[old.meta(s, S_MARKERS)]!;
      next.f64.set(old.f64.subarray(from, from + SLOT_FIXED + bodies * BODY_STRIDE), next.data(s));
      next.f64.set(old.f64.subarray(old.details(s), old.details(s) + bodies * DETAIL_STRIDE), next.details(s));
      next.f32.set(old.f32.subarray(old.markers(s), old.markers(s) + markers * 3), next.markers(s));
      next.u8.set(old.u8.subarray(old.flags(s), old.flags(s) + markers), next.flags(s));
    }
    this.views = next;
  }
}

/** Doubling (amortised), at least `needed`, at most `limit`; never smaller than `current`. */
function grow(current: number, needed: number, limit: number): number {
  if (needed <= current) return current;
  return Math.min(limit, Math.max(needed, current * 2));
}

function updateBodyIds(state: SlotState, section: PosesSection): boolean {
  const ids = state.bodyIds;
  const incoming = section.bodies;
  let changed = ids.length !== incoming.length;
  for (let i = 0; i < incoming.length; i++) {
    const id = incoming[i]!.id;
    if (ids[i] !== id) {
      changed = true;
      ids[i] = id;
    }
  }
  ids.length = incoming.length;
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Reader (the page)
// ---------------------------------------------------------------------------------------------

/** One slot as copied out; arrays grow as needed and are reused across reads. */
export interface PoseSlotCopy {
  /** The slot's sequence the copy was taken at (even). */
  seq: number;
  /** The device handle, or FREE_SLOT for an empty or forgotten slot. */
  handle: number;
  frameNumber: number | null;
  hostTimeMs: number;
  deviceTimeMs: number | null;
  /** Unix ms when the worker stored it. */
  storedAtMs: number;
  samples: number;
  recording: boolean | null;
  bodyCount: number;
  /** bodyCount × BODY_STRIDE: id, x, y, z, qx, qy, qz, qw, valid(0|1). */
  bodies: Float64Array;
  /** bodyCount × DETAIL_STRIDE: mean error (m), marker count; NaN where unknown. */
  details: Float64Array;
  markerCount: number;
  /** markerCount × 3: x, y, z. */
  markers: Float32Array;
  /** markerCount MarkerFlags values, when flagsKnown. */
  markerFlags: Uint8Array;
  flagsKnown: boolean;
}

export function createPoseSlotCopy(): PoseSlotCopy {
  return {
    seq: 0,
    handle: FREE_SLOT,
    frameNumber: null,
    hostTimeMs: 0,
    deviceTimeMs: null,
    storedAtMs: 0,
    samples: 0,
    recording: null,
    bodyCount: 0,
    bodies: new Float64Array(16 * BODY_STRIDE),
    details: new Float64Array(16 * DETAIL_STRIDE),
    markerCount: 0,
    markers: new Float32Array(64 * 3),
    markerFlags: new Uint8Array(64),
    flagsKnown: false,
  };
}

/**
 * 'ok': `into` holds a consistent copy. 'busy': the writer was in the slot on every attempt; `into`
 * is garbage and the caller keeps what it had (the next frame tries again).
 */
export type SlotRead = 'ok' | 'busy';

/** Copies before giving up on a slot the writer keeps rewriting; each attempt is one memcpy. */
const READ_ATTEMPTS = 8;

export class SharedPoseReader {
  private readonly views: Views;

  constructor(buffer: AnyBuffer) {
    const header = new Int32Array(buffer, 0, HEADER_INTS);
    if (header[H_MAGIC] !== SHARED_POSES_MAGIC) throw new Error('shared poses: not a pose buffer (bad magic)');
    const capacity = { slots: header[H_SLOTS]!, bodies: header[H_BODIES]!, markers: header[H_MARKERS]! };
    checkCapacity(capacity);
    const at = offsetsFor(capacity);
    if (buffer.byteLength < at.byteLength) throw new Error('shared poses: buffer shorter than its layout');
    this.views = new Views(buffer, at);
  }

  get buffer(): AnyBuffer {
    return this.views.buffer;
  }

  get slotCount(): number {
    return this.views.at.capacity.slots;
  }

  /** Changes after every write or forget: one atomic load tells a render loop whether to look. */
  version(): number {
    return Atomics.load(this.views.i32, H_VERSION);
  }

  /** The slot's current sequence: unchanged since a read means nothing to copy. */
  seq(slot: number): number {
    return Atomics.load(this.views.i32, this.views.meta(slot, S_SEQ));
  }

  read(slot: number, into: PoseSlotCopy): SlotRead {
    const v = this.views;
    const { capacity } = v.at;
    if (!Number.isInteger(slot) || slot < 0 || slot >= capacity.slots) throw new RangeError(`no slot ${slot}`);
    const seqIndex = v.meta(slot, S_SEQ);
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const before = Atomics.load(v.i32, seqIndex);
      if ((before & 1) !== 0) continue;
      // Counts read mid-write can be anything: clamp before they size a copy.
      const bodyCount = clamp(v.i32[v.meta(slot, S_BODIES)]!, capacity.bodies);
      const markerCount = clamp(v.i32[v.meta(slot, S_MARKERS)]!, capacity.markers);
      const handle = v.i32[v.meta(slot, S_HANDLE)]!;
      const recording = v.i32[v.meta(slot, S_RECORDING)]!;
      const flagsKnown = v.i32[v.meta(slot, S_FLAGS_KNOWN)] === 1;
      const d = v.data(slot);
      const frame = v.f64[d + F_FRAME]!;
      const deviceTime = v.f64[d + F_DEVICE_TIME]!;
      into.hostTimeMs = v.f64[d + F_HOST_TIME]!;
      into.storedAtMs = v.f64[d + F_STORED_AT]!;
      into.samples = v.f64[d + F_SAMPLES]!;
      if (into.bodies.length < bodyCount * BODY_STRIDE) into.bodies = new Float64Array(capacity.bodies * BODY_STRIDE);
      if (into.markers.length < markerCount * 3) into.markers = new Float32Array(capacity.markers * 3);
      if (into.details.length < bodyCount * DETAIL_STRIDE)
        into.details = new Float64Array(capacity.bodies * DETAIL_STRIDE);
      if (into.markerFlags.length < markerCount) into.markerFlags = new Uint8Array(capacity.markers);
      into.bodies.set(v.f64.subarray(d + SLOT_FIXED, d + SLOT_FIXED + bodyCount * BODY_STRIDE));
      const e = v.details(slot);
      into.details.set(v.f64.subarray(e, e + bodyCount * DETAIL_STRIDE));
      const m = v.markers(slot);
      into.markers.set(v.f32.subarray(m, m + markerCount * 3));
      if (flagsKnown) into.markerFlags.set(v.u8.subarray(v.flags(slot), v.flags(slot) + markerCount));
      // The copy counts only if no write began or ended while it was taken.
      if (Atomics.load(v.i32, seqIndex) !== before) continue;
      into.seq = before;
      into.handle = handle;
      into.frameNumber = Number.isNaN(frame) ? null : frame;
      into.deviceTimeMs = Number.isNaN(deviceTime) ? null : deviceTime;
      into.recording = recording < 0 ? null : recording === 1;
      into.bodyCount = bodyCount;
      into.markerCount = markerCount;
      into.flagsKnown = flagsKnown;
      return 'ok';
    }
    return 'busy';
  }
}

function clamp(count: number, max: number): number {
  return Math.max(0, Math.min(max, count | 0));
}
