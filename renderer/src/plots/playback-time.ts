/**
 * A played-back sample arrives stamped "now" (main replays it as if it arrived then); a plot that
 * spans the recording needs its recorded time. The playback state says where playback was when it
 * was received and at what speed, so a sample's recorded time is that position plus the time since,
 * times the speed. Pure.
 */
export interface PlaybackClock {
  /** Recorded host time playing when the state was received (Unix ns). */
  positionNs: number;
  speed: number;
  playing: boolean;
  /** When this page received that state (host Unix ms). */
  receivedAtMs: number;
}

export function recordedTimeMs(hostMs: number, clock: PlaybackClock): number {
  const at = clock.positionNs / 1e6;
  return clock.playing ? at + (hostMs - clock.receivedAtMs) * clock.speed : at;
}
