import { setTheme, THEMES, useThemeStore, type ThemeChoice } from './theme-store';

const LABELS: Record<ThemeChoice, string> = { system: 'System theme', light: 'Light', dark: 'Dark' };

export function ThemeSwitch() {
  const choice = useThemeStore((s) => s.choice);
  return (
    <label className="header-item theme-switch">
      <span className="visually-hidden">Theme</span>
      <select value={choice} onChange={(e) => setTheme(e.target.value as ThemeChoice)} data-testid="theme-select">
        {THEMES.map((t) => (
          <option key={t} value={t}>
            {LABELS[t]}
          </option>
        ))}
      </select>
    </label>
  );
}
