export declare const FOCUS_ORDER: readonly [
  'scene',
  'video',
  'devices',
  'recording',
  'inputs',
  'teleport',
  'health',
  'time',
  'playback',
];
export type FocusTarget = (typeof FOCUS_ORDER)[number];
export type ShortcutAction =
  | {
      kind: 'toggle-recording';
    }
  | {
      kind: 'operator-event';
    }
  | {
      kind: 'focus-panel';
      panel: FocusTarget;
    }
  | {
      kind: 'cycle-panel';
      step: 1 | -1;
    }
  | {
      kind: 'cycle-theme';
    }
  | {
      kind: 'help';
    }
  | {
      kind: 'close';
    };
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
export declare const PANEL_LABELS: Record<FocusTarget, string>;
/** What the help overlay lists, in order. */
export declare const SHORTCUT_HELP: ReadonlyArray<{
  keys: string;
  does: string;
}>;
export declare function matchShortcut(press: KeyPress): ShortcutAction | null;
