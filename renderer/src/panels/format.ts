/** Display formatting shared by the panels: one place decides how a number reads at a glance. */

const DASH = '—';

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatHz(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} Hz` : `${value.toFixed(1)} Hz`;
}

export function formatMs(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${value.toFixed(digits)} ms`;
}

/** Ages read better in the unit that fits: 12 ms, 3.4 s, 5 min. */
export function formatAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.max(0, ms).toFixed(0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min`;
}

/**
 * What an operator needs from clock sync is how good it is, not the offset itself: a device clock
 * counts from its own epoch (Motive: since it started), so the offset is decades and means nothing
 * at a glance. Shown: the uncertainty (half the best round trip).
 */
export function formatClockSync(uncertaintyMs: number | null): string {
  if (uncertaintyMs === null) return DASH;
  return `±${uncertaintyMs < 1 ? uncertaintyMs.toFixed(2) : uncertaintyMs.toFixed(1)} ms`;
}

export { DASH };
