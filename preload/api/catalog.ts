/**
 * Body catalogs: each device's body names, kinds and skeleton links, sent when they change and checked
 * by the renderer (no zod there) before it trusts them.
 */

export interface BodyName {
  id: number;
  name: string;
  /** Absent: a rigid body (or a source that does not say). 'bone': a skeleton segment (NatNet). */
  kind?: BodyKind;
  /** A bone's parent segment: another body id of the same device. Absent for a root. */
  parentId?: number;
  /** What the body belongs to: a bone's skeleton name. */
  group?: string;
}

export const BODY_KINDS = ['rigid', 'bone'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

/** Bounds the renderer enforces on catalog events (NatNet allows 1000 rigid bodies and 100 × 200 bones). */
export const CatalogLimits = { maxBodies: 21_000, maxName: 256 } as const;

export interface CatalogEvent {
  type: 'catalog';
  handle: number;
  bodies: BodyName[];
}

/** Checks a catalog event from main before the renderer trusts it; null when anything is off. */
export function readCatalogEvent(event: unknown): CatalogEvent | null {
  const e = event as Partial<CatalogEvent> | null;
  if (!e || e.type !== 'catalog' || !Number.isInteger(e.handle) || !Array.isArray(e.bodies)) return null;
  if (e.bodies.length > CatalogLimits.maxBodies) return null;
  const bodies: BodyName[] = [];
  for (const b of e.bodies as unknown[]) {
    const x = b as Partial<BodyName> | null;
    if (!x || !Number.isFinite(x.id) || typeof x.name !== 'string' || x.name.length > CatalogLimits.maxName)
      return null;
    const body: BodyName = { id: x.id!, name: x.name };
    if (x.kind !== undefined) {
      if (!(BODY_KINDS as readonly unknown[]).includes(x.kind)) return null;
      body.kind = x.kind;
    }
    if (x.parentId !== undefined) {
      if (!Number.isFinite(x.parentId)) return null;
      body.parentId = x.parentId;
    }
    if (x.group !== undefined) {
      if (typeof x.group !== 'string' || x.group.length > CatalogLimits.maxName) return null;
      body.group = x.group;
    }
    bodies.push(body);
  }
  return { type: 'catalog', handle: e.handle!, bodies };
}
