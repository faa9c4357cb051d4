/**
 * The page's side of the worker link's shared pose buffer: copies the slots that changed since the
 * last look into the pose store, where the 3D view and the debug hooks read them. Called when a frame
 * is about to be drawn (and by the debug hooks), not per batch: poses the screen never shows are
 * never copied, and this thread gets no message per batch.
 */
import { FREE_SLOT, SharedPoseReader, createPoseSlotCopy } from './shared-poses';
import { poseStore } from './pose-store';

export class SharedPoseMirror {
  private reader: SharedPoseReader;
  private lastVersion = 0;
  /** Per slot: the sequence last copied (odd never is, so -1 means "not yet"). */
  private copiedSeq: number[] = [];
  /** Per slot: the handle last copied from it. */
  private slotHandle: (number | null)[] = [];
  private readonly staging = createPoseSlotCopy();
  /** Slots the writer kept busy on the last sync; retried on the next. */
  private busy = false;

  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    this.reader = new SharedPoseReader(buffer);
    this.reset();
  }

  /** The worker re-allocated (a bigger device, more devices): every slot is copied afresh. */
  replaceBuffer(buffer: SharedArrayBuffer | ArrayBuffer): void {
    this.reader = new SharedPoseReader(buffer);
    this.reset();
  }

  /** Cheap when nothing changed (one atomic load). Returns whether the pose store changed. */
  sync(): boolean {
    const version = this.reader.version();
    if (version === this.lastVersion && !this.busy) return false;
    let changed = false;
    let busy = false;
    const copy = this.staging;
    for (let slot = 0; slot < this.reader.slotCount; slot++) {
      if (this.reader.seq(slot) === this.copiedSeq[slot]) continue;
      if (this.reader.read(slot, copy) === 'busy') {
        busy = true;
        continue;
      }
      this.copiedSeq[slot] = copy.seq;
      const previous = this.slotHandle[slot] ?? null;
      if (previous !== null && previous !== copy.handle) changed = poseStore.forget(previous) || changed;
      if (copy.handle === FREE_SLOT) {
        this.slotHandle[slot] = null;
        continue;
      }
      this.slotHandle[slot] = copy.handle;
      // The worker's Unix stamp on this page's performance.now() time line (staleness checks use it).
      poseStore.ingestCopy(copy, copy.storedAtMs - performance.timeOrigin);
      changed = true;
    }
    this.lastVersion = version;
    this.busy = busy;
    return changed;
  }

  private reset(): void {
    // Forces the next sync to look at every slot, whatever the version says.
    this.busy = true;
    this.copiedSeq = new Array<number>(this.reader.slotCount).fill(-1);
    // Handles copied from the old buffer stay where they were: the worker keeps slot indices.
    this.slotHandle.length = Math.max(this.slotHandle.length, this.reader.slotCount);
  }
}

/** The mirror of the link worker's buffer, once the worker has sent one (null on the main-thread path). */
let mirror: SharedPoseMirror | null = null;

/** The worker's buffer, first or re-allocated. */
export function mirrorSharedPoses(buffer: SharedArrayBuffer | ArrayBuffer): void {
  if (mirror) mirror.replaceBuffer(buffer);
  else mirror = new SharedPoseMirror(buffer);
}

export function stopMirroringPoses(): void {
  mirror = null;
}

/**
 * Brings the pose store up to date with the link worker's shared buffer (a no-op on the main-thread
 * path, where batches are stored as they come). The render loop calls it before each frame; true
 * when something changed.
 */
export function refreshPoses(): boolean {
  return mirror?.sync() ?? false;
}
