/**
 * Decides, frame by frame, whether a NatNet frame is new, and counts what went missing.
 *
 * Live frame numbers only go up, so a lower or equal number is a duplicate or a late (reordered)
 * datagram — unless Motive restarted and began counting again. The transmit stamp tells them apart:
 * a duplicate carries the same stamp, a late frame an older one, a restarted Motive a newer one.
 * A restart can also hide behind a number that went UP (the new process counted past the old one
 * before we heard from it): the frame timestamp (seconds since Motive started, derived from the
 * frame id) then advanced much less than the server clock did.
 * In Edit mode the number is the take's frame id: loops and seeks move it anywhere, so nothing there
 * counts as lost, late or restarted.
 */

export interface FrameStamps {
  /** Server transmit time in seconds (ticks / frequency), NatNet ≥ 3.0. */
  transmitS?: number;
  /** Frame timestamp in seconds since Motive started, NatNet ≥ 2.6. */
  timestampS?: number;
  editMode: boolean;
}

export type FrameVerdict =
  | { kind: 'accept'; missed: number }
  | { kind: 'duplicate' }
  | { kind: 'late' }
  /** Live numbering started again: the server process restarted. The frame is accepted as the new start. */
  | { kind: 'restart'; from: number; to: number };

/**
 * Reordering on a network is a few frames deep; a number this far back cannot be late (used when
 * the bitstream has no transmit stamp, NatNet < 3.0, and when the server clock restarted too).
 */
const RESTART_DISTANCE = 1000;
/**
 * Between two frames of one Motive process, the timestamp and the server clock advance together
 * (to within the pipeline's jitter, a few ms). A larger disagreement means a new process.
 */
const CLOCK_DISAGREEMENT_S = 0.25;

interface Last {
  frameNumber: number;
  transmitS?: number;
  timestampS?: number;
  editMode: boolean;
}

export class FrameSequencer {
  private last: Last | undefined;

  reset(): void {
    this.last = undefined;
  }

  check(frameNumber: number, stamps: FrameStamps): FrameVerdict {
    const last = this.last;
    if (last === undefined || stamps.editMode || stamps.editMode !== last.editMode) {
      return this.accept(frameNumber, stamps, 0);
    }
    const sentLater =
      stamps.transmitS !== undefined && last.transmitS !== undefined && stamps.transmitS > last.transmitS;
    if (frameNumber > last.frameNumber) {
      if (sentLater && this.timestampLagsClock(last, stamps)) return this.restart(last, frameNumber, stamps);
      return this.accept(frameNumber, stamps, frameNumber - last.frameNumber - 1);
    }
    if (frameNumber === last.frameNumber && (stamps.transmitS === undefined || stamps.transmitS === last.transmitS)) {
      return { kind: 'duplicate' };
    }
    if ((frameNumber < last.frameNumber && sentLater) || last.frameNumber - frameNumber > RESTART_DISTANCE) {
      return this.restart(last, frameNumber, stamps);
    }
    return frameNumber === last.frameNumber ? { kind: 'duplicate' } : { kind: 'late' };
  }

  private timestampLagsClock(last: Last, stamps: FrameStamps): boolean {
    if (stamps.timestampS === undefined || last.timestampS === undefined) return false;
    if (stamps.transmitS === undefined || last.transmitS === undefined) return false;
    const byClock = stamps.transmitS - last.transmitS;
    const byTimestamp = stamps.timestampS - last.timestampS;
    return Math.abs(byClock - byTimestamp) > CLOCK_DISAGREEMENT_S;
  }

  private restart(last: Last, frameNumber: number, stamps: FrameStamps): FrameVerdict {
    // Follow the new numbering, so frames keep flowing while the owner reacts to the restart.
    this.accept(frameNumber, stamps, 0);
    return { kind: 'restart', from: last.frameNumber, to: frameNumber };
  }

  private accept(frameNumber: number, stamps: FrameStamps, missed: number): FrameVerdict {
    this.last = { frameNumber, transmitS: stamps.transmitS, timestampS: stamps.timestampS, editMode: stamps.editMode };
    return { kind: 'accept', missed };
  }
}
