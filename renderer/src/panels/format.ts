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
 * A device clock that counts from its own epoch (Motive: seconds since it started) is decades off
 * Unix time; the offset is still right, so it is shown in the unit that keeps it short.
 */
export function formatOffset(offsetMs: number | null, uncertaintyMs: number | null): string {
  if (offsetMs === null) return DASH;
  const sign = offsetMs >= 0 ? '+' : '−';
  const spread = uncertaintyMs === null ? '' : ` ±${uncertaintyMs.toFixed(2)} ms`;
  return `${sign}${formatSpan(Math.abs(offsetMs))}${spread}`;
}

function formatSpan(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  if (ms < 3_600_000) return `${(ms / 1000).toFixed(3)} s`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(2)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

export { DASH };
