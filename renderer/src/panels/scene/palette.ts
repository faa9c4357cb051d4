/** Device colours: distinct on the dark background and from the red/green/blue of the body axes. */
const DEVICE_COLOURS = ['#c77dff', '#4cc9f0', '#f15bb5', '#9ef01a', '#f7b32b', '#ff8c42'] as const;

export function deviceColour(handle: number): string {
  return DEVICE_COLOURS[Math.abs(handle) % DEVICE_COLOURS.length]!;
}

export const INVALID_COLOUR = '#5d6671';
export const MARKER_COLOUR = '#e8edf2';
export const BACKGROUND_COLOUR = '#0d1117';
/** The light theme's: a mid grey-blue, so the white markers and the grid still read on it. */
export const LIGHT_BACKGROUND_COLOUR = '#aebbc8';
export const UNLABELED_MARKER_COLOUR = '#ff9f1c';
export const BONE_COLOUR = '#ffd166';
/** Apart from every device colour, so trails read as history, not as another body. */
export const TRAIL_COLOUR = '#00ffa0';
export const SELECTION_COLOUR = '#ffffff';
