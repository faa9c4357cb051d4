/**
 * Faults the Companion simulator can inject (protocol notes, docs/protocols/pupil.md §10.1), so tests can show
 * how the client copes: PLAY refused with a 500, no RTCP sender report for N s, RTP loss and
 * reordering, a dropped status WebSocket, a phone clock step. Random choices come from a seeded
 * generator so a failing test repeats exactly.
 */

export interface PupilFaults {
  /** PLAY answered `500 Internal Server Error` (issue #42 of the official client). */
  playError?: boolean;
  /** No sender report for the first N seconds of every stream. */
  noSenderReportS?: number;
  /** Fraction 0..1 of RTP packets dropped. */
  rtpLoss?: number;
  /** Fraction 0..1 of RTP packets held back and sent after the next one. */
  rtpReorder?: number;
  /** Stop sending RTP (the stream goes silent) while true. */
  rtpSilent?: boolean;
  /** First RTP timestamp of every stream (e.g. just below 2^32 to make it wrap at once); random by default. */
  rtpTimestampStart?: number;
  /** Fraction 0..1 of RTP packets over TCP with a `400 Bad Request` written inside their frame (docs/protocols/pupil.md §2.6). */
  tcpCorruption?: number;
}

// The same seeded generator as the Motive simulator's faults.
export { seededRandom } from '../natnet/simulator-faults';

/** Applies loss and reordering to a stream of packets; `send` gets what survives, in the faulted order. */
export class PacketFate {
  private held: Uint8Array | undefined;
  lost = 0;
  reordered = 0;
  corrupted = 0;

  constructor(
    private readonly faults: () => PupilFaults,
    private readonly random: () => number,
  ) {}

  pass(packet: Uint8Array, send: (p: Uint8Array) => void, corrupt?: (p: Uint8Array) => boolean): void {
    const f = this.faults();
    if (f.rtpSilent) return;
    if (f.tcpCorruption && corrupt && this.random() < f.tcpCorruption && corrupt(packet)) {
      this.corrupted++;
      return;
    }
    if (f.rtpLoss && this.random() < f.rtpLoss) {
      this.lost++;
      return;
    }
    if (this.held) {
      send(packet);
      send(this.held);
      this.held = undefined;
      return;
    }
    if (f.rtpReorder && this.random() < f.rtpReorder) {
      this.held = packet;
      this.reordered++;
      return;
    }
    send(packet);
  }
}
