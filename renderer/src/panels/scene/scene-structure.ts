/**
 * What the catalogs say about the scene's structure, derived at catalog rate (never per frame):
 * which bodies are skeleton segments, and the segment pairs to draw bones between.
 */
import type { BodyName } from '../../../../preload/api';

export interface BonePair {
  handle: number;
  child: number;
  parent: number;
}

export function bonePairs(catalogs: Record<number, readonly BodyName[]>, hidden: Record<number, true>): BonePair[] {
  const out: BonePair[] = [];
  for (const [key, bodies] of Object.entries(catalogs)) {
    const handle = Number(key);
    if (hidden[handle]) continue;
    for (const b of bodies)
      if (b.kind === 'bone' && b.parentId !== undefined) out.push({ handle, child: b.id, parent: b.parentId });
  }
  return out;
}

/** "handle:id" of every skeleton segment. */
export function boneKeys(catalogs: Record<number, readonly BodyName[]>): Set<string> {
  const out = new Set<string>();
  for (const [handle, bodies] of Object.entries(catalogs))
    for (const b of bodies) if (b.kind === 'bone') out.add(`${handle}:${b.id}`);
  return out;
}

export function catalogEntry(
  catalogs: Record<number, readonly BodyName[]>,
  handle: number,
  id: number,
): BodyName | undefined {
  return catalogs[handle]?.find((b) => b.id === id);
}
