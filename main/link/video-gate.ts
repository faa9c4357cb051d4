/**
 * Decides which H.264 access units go to a renderer. Each is sent as it comes (never batched: a
 * decoder needs every frame of a group of pictures), unless the renderer falls behind: when the
 * transport's unsent backlog passes a bound, access units are dropped, and after a drop nothing but a
 * key frame is sent again, since a frame whose reference is missing would decode to garbage. A new
 * renderer (replay) also starts at a key frame. Both kinds of drop are counted.
 */
export interface VideoGateCounts {
  sent: number;
  /** Dropped because the renderer's transport was too far behind. */
  droppedBacklog: number;
  /** Not sent while waiting for a key frame (after a drop, or for a renderer that just connected). */
  skippedToKey: number;
}

/** ~2 s of 1088×1080 video at 30 fps: a renderer that far behind is not catching up by itself. */
export const DEFAULT_MAX_VIDEO_BACKLOG_BYTES = 2 * 1024 * 1024;

export class VideoGate {
  /** Devices whose decoder in the renderer has had a key frame since the last drop or replay. */
  private readonly keyed = new Set<number>();
  private readonly counts: VideoGateCounts = { sent: 0, droppedBacklog: 0, skippedToKey: 0 };

  constructor(private readonly maxBacklogBytes = DEFAULT_MAX_VIDEO_BACKLOG_BYTES) {}

  /** True if this access unit should be sent now (and counts it as sent). */
  admit(handle: number, key: boolean, backlogBytes: number): boolean {
    if (backlogBytes > this.maxBacklogBytes) {
      this.keyed.delete(handle);
      this.counts.droppedBacklog++;
      return false;
    }
    if (!this.keyed.has(handle)) {
      if (!key) {
        this.counts.skippedToKey++;
        return false;
      }
      this.keyed.add(handle);
    }
    this.counts.sent++;
    return true;
  }

  /** A unit admitted but not delivered (the transport failed): the next one must be a key frame. */
  lost(handle: number): void {
    this.keyed.delete(handle);
    this.counts.sent--;
    this.counts.droppedBacklog++;
  }

  /** A new renderer: every device starts again at a key frame. */
  restart(): void {
    this.keyed.clear();
  }

  stats(): VideoGateCounts {
    return { ...this.counts };
  }
}
