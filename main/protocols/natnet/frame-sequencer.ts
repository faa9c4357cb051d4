/**
 * Decides, frame by frame, whether a NatNet frame is new, and counts what went missing.
 *
 * Live frame numbers only go up, so a lower or equal number is a duplicate or a late (reordered)
 * datagram — unless Motive restarted and began counting again. The transmit stamp tells them apart:
 * a duplicate carries the same stamp, a late frame an older one, a restarted Motive a newer one.
 * In Edit mode the number is the take's frame id: loops and seeks move it anywhere, so nothing there
 * counts as lost or late.
 */

export type FrameVerdict =
  | { kind: 'accept'; missed: number }
  | { kind: 'duplicate' }
  | { kind: 'late' }
  /** Live numbers started again: the server process restarted. */
  | { kind: 'restart'; from: number; to: number };

/**
 * Reordering on a network is a few frames deep; a number this far back cannot be late (used when
 * the bitstream has no transmit stamp, NatNet < 3.0, and when the server clock restarted too).
 */
const RESTART_DISTANCE = 1000;

export class FrameSequencer {
  private lastNumber: number | undefined;
  private lastTransmit: number | undefined;
  private lastEditMode = false;

  reset(): void {
    this.lastNumber = undefined;
    this.lastTransmit = undefined;
    this.lastEditMode = false;
  }

  check(frameNumber: number, transmitTicks: number | undefined, editMode: boolean): FrameVerdict {
    const last = this.lastNumber;
    const modeChanged = editMode !== this.lastEditMode;
    if (last === undefined || modeChanged || editMode) {
      return this.accept(frameNumber, transmitTicks, editMode, 0);
    }
    if (frameNumber > last) return this.accept(frameNumber, transmitTicks, editMode, frameNumber - last - 1);
    if (frameNumber === last && (transmitTicks === undefined || transmitTicks === this.lastTransmit)) {
      return { kind: 'duplicate' };
    }
    const sentLater =
      transmitTicks !== undefined && this.lastTransmit !== undefined && transmitTicks > this.lastTransmit;
    if ((frameNumber < last && sentLater) || last - frameNumber > RESTART_DISTANCE) {
      // Follow the new numbering, so frames keep flowing while the owner reacts to the restart.
      this.accept(frameNumber, transmitTicks, editMode, 0);
      return { kind: 'restart', from: last, to: frameNumber };
    }
    return frameNumber === last ? { kind: 'duplicate' } : { kind: 'late' };
  }

  private accept(
    frameNumber: number,
    transmitTicks: number | undefined,
    editMode: boolean,
    missed: number,
  ): FrameVerdict {
    this.lastNumber = frameNumber;
    this.lastTransmit = transmitTicks;
    this.lastEditMode = editMode;
    return { kind: 'accept', missed };
  }
}
