/**
 * The page's keyboard shortcuts, as data: the help overlay lists this table and the key handler
 * matches against it. The recorder's plain 1–9 keys (a marker event each, RecordSession.tsx) stay
 * free: panel focus uses Alt with a digit, and nothing here fires while a text field has focus.
 */
import { SIDE_PANELS } from './dock-layout';

export const FOCUS_ORDER = ['scene', ...SIDE_PANELS] as const;
export type FocusTarget = (typeof FOCUS_ORDER)[number];

export type ShortcutAction =
  | { kind: 'toggle-recording' }
  | { kind: 'operator-event' }
  | { kind: 'focus-panel'; panel: FocusTarget }
  | { kind: 'cycle-panel'; step: 1 | -1 }
  | { kind: 'cycle-theme' }
  | { kind: 'help' }
  | { kind: 'close' };

export interface KeyPress {
  key: string;
  /** KeyboardEvent.code, for Alt+digit where some layouts change `key`. */
  code?: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  /** Focus is in a text field: only Escape is ours then. */
  typing?: boolean;
}

export const PANEL_LABELS: Record<FocusTarget, string> = {
  scene: '3D scene',
  video: 'Video with gaze',
  devices: 'Devices',
  recording: 'Recording',
  inputs: 'Inputs (VRPN)',
  teleport: 'Teleport session',
  health: 'Health',
  time: 'Time',
  playback: 'Playback',
  plots: 'Plots',
  channels: 'Channels',
  events: 'Events',
};

/** What the help overlay lists, in order. */
export const SHORTCUT_HELP: ReadonlyArray<{ keys: string; does: string }> = [
  { keys: 'Shift+R', does: 'Start or stop the lab recording (Record all / Stop all)' },
  { keys: 'E', does: 'Write an operator event (focuses the event field; Enter sends)' },
  { keys: '1 – 9', does: 'Send event "marker N" (recorder hotkeys)' },
  // Alt with a digit reaches the first ten panels; the others are reached with F6.
  ...FOCUS_ORDER.slice(0, 10).map((panel, i) => ({
    keys: `Alt+${(i + 1) % 10}`,
    does: `Go to ${PANEL_LABELS[panel]}`,
  })),
  { keys: 'F6 / Shift+F6', does: 'Go to the next / previous panel' },
  { keys: 'Shift+T', does: 'Switch theme (system → light → dark)' },
  { keys: '?', does: 'Show or hide this list' },
  { keys: 'Esc', does: 'Close this list' },
];

export function matchShortcut(press: KeyPress): ShortcutAction | null {
  if (press.key === 'Escape') return { kind: 'close' };
  if (press.typing || press.ctrlKey || press.metaKey) return null;
  if (press.key === 'F6') return { kind: 'cycle-panel', step: press.shiftKey ? -1 : 1 };
  if (press.altKey) {
    const digit = /^Digit([0-9])$/.exec(press.code ?? '')?.[1] ?? (/^[0-9]$/.test(press.key) ? press.key : undefined);
    // Alt+0 is the tenth panel, as on a keyboard's number row.
    const panel = digit ? FOCUS_ORDER[(Number(digit) + 9) % 10] : undefined;
    return panel ? { kind: 'focus-panel', panel } : null;
  }
  if (press.key === '?') return { kind: 'help' };
  if (press.shiftKey && press.key.toLowerCase() === 'r') return { kind: 'toggle-recording' };
  if (press.shiftKey && press.key.toLowerCase() === 't') return { kind: 'cycle-theme' };
  if (!press.shiftKey && press.key === 'e') return { kind: 'operator-event' };
  return null;
}
