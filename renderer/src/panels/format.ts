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

export function formatOffset(offsetMs: number | null, uncertaintyMs: number | null): string {
  if (offsetMs === null) return DASH;
  const offset = `${offsetMs >= 0 ? '+' : ''}${offsetMs.toFixed(2)}`;
  return uncertaintyMs === null ? `${offset} ms` : `${offset} ±${uncertaintyMs.toFixed(2)} ms`;
}

export { DASH };
