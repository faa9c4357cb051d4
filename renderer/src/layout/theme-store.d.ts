export declare const THEMES: readonly ['system', 'light', 'dark'];
export type ThemeChoice = (typeof THEMES)[number];
export type ResolvedTheme = 'light' | 'dark';
export interface ThemeState {
  choice: ThemeChoice;
  resolved: ResolvedTheme;
}
export declare function parseThemeChoice(saved: unknown): ThemeChoice;
export declare function resolveTheme(choice: ThemeChoice, systemPrefersLight: boolean): ResolvedTheme;
export declare const useThemeStore: import('zustand').UseBoundStore<import('zustand').StoreApi<ThemeState>>;
export declare function setTheme(choice: ThemeChoice): void;
/** The next choice in the order system → light → dark (the shortcut cycles through them). */
export declare function nextTheme(choice: ThemeChoice): ThemeChoice;
