/**
 * The gaze path the Companion simulator sends: a smooth Lissajous curve over the scene, a pure
 * function of the phone's clock, so tests (and the renderer's e2e check) can compute where the
 * gaze circle must be drawn for any frame: gazeAt(phone time of the frame).
 *
 * Coordinates are normalised (0..1 from the top-left); multiply by the scene size for pixels.
 * The path stays within 0.2..0.8 so the circle never leaves the picture.
 */

/** Periods in seconds of the x and y motion (incommensurate, so the curve covers the area). */
export const GAZE_PATH_PERIOD_X_S = 4.3;
export const GAZE_PATH_PERIOD_Y_S = 3.1;
const AMPLITUDE = 0.3;

/**
 * Normalised gaze at phone Unix time `phoneTimeNs`. The phase is taken modulo each period in
 * integer-safe steps so that the double arithmetic stays exact to well under a microsecond.
 */
export function gazeAt(phoneTimeNs: number): { x: number; y: number } {
  return {
    x: 0.5 + AMPLITUDE * Math.sin(phase(phoneTimeNs, GAZE_PATH_PERIOD_X_S)),
    y: 0.5 + AMPLITUDE * Math.sin(phase(phoneTimeNs, GAZE_PATH_PERIOD_Y_S) + 0.9),
  };
}

function phase(timeNs: number, periodS: number): number {
  const periodNs = periodS * 1e9;
  const within = timeNs - Math.floor(timeNs / periodNs) * periodNs;
  return (2 * Math.PI * within) / periodNs;
}
