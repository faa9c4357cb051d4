/**
 * The theme choice, pure: what a saved value means and what "system" resolves to. Without a saved
 * choice the app stays dark, the control-room look it always had; "system" follows the OS.
 */
export const DEFAULT_THEME = 'dark';
export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];
export type ResolvedTheme = 'light' | 'dark';

export function parseThemeChoice(saved: unknown): ThemeChoice {
  return typeof saved === 'string' && (THEMES as readonly string[]).includes(saved)
    ? (saved as ThemeChoice)
    : DEFAULT_THEME;
}

export function resolveTheme(choice: ThemeChoice, systemPrefersLight: boolean): ResolvedTheme {
  if (choice === 'system') return systemPrefersLight ? 'light' : 'dark';
  return choice;
}

/** The next choice in the order system → light → dark (the shortcut cycles through them). */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return THEMES[(THEMES.indexOf(choice) + 1) % THEMES.length] ?? 'system';
}
