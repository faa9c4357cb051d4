/**
 * The bridge the link was started with (stores/link.ts hands it in), for the actions panels call.
 * A leaf on purpose: the actions import this and the stores, never the link's wiring, so the link can
 * import every store without one importing it back.
 */
import type { Bridge } from '../bridge/types';

let current: Bridge | null = null;

export function setLinkBridge(bridge: Bridge | null): void {
  current = bridge;
}

export function linkBridge(): Bridge {
  if (!current) throw new Error('the link has not been started');
  return current;
}
