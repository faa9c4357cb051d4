/**
 * Light, dark or the system's choice; kept under the "theme" key of the layout JSON. The resolved
 * theme is set as `data-theme` on <html>, where styles.css swaps its colour variables.
 */
import { create } from 'zustand';
import { layoutSectionChanged, registerLayoutSection } from '../stores/layout-sections';
import { DEFAULT_THEME, parseThemeChoice, resolveTheme, type ResolvedTheme, type ThemeChoice } from './theme';

export { nextTheme, THEMES, type ThemeChoice } from './theme';

export interface ThemeState {
  choice: ThemeChoice;
  resolved: ResolvedTheme;
}

const lightQuery = typeof window !== 'undefined' ? window.matchMedia?.('(prefers-color-scheme: light)') : undefined;

export const useThemeStore = create<ThemeState>()(() => ({
  choice: DEFAULT_THEME,
  resolved: resolveTheme(DEFAULT_THEME, lightQuery?.matches ?? false),
}));

function apply(choice: ThemeChoice): void {
  const resolved = resolveTheme(choice, lightQuery?.matches ?? false);
  useThemeStore.setState({ choice, resolved });
  if (typeof document !== 'undefined') {
    document.documentElement.dataset.theme = resolved;
    document.documentElement.style.colorScheme = resolved;
  }
}

lightQuery?.addEventListener('change', () => apply(useThemeStore.getState().choice));
apply(DEFAULT_THEME);

registerLayoutSection('theme', {
  restore: (saved) => apply(parseThemeChoice(saved)),
  snapshot: () => useThemeStore.getState().choice,
});

export function setTheme(choice: ThemeChoice): void {
  apply(choice);
  layoutSectionChanged();
}
