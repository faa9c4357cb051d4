/**
 * Parts of the saved layout JSON that belong to one panel, each under its own key (the 3D view's
 * options under "scene"), beside the layout store's own keys. A panel registers how to read its
 * section back and how to snapshot it; the layout store saves them all together.
 */
export interface LayoutSection {
  restore(saved: unknown): void;
  snapshot(): unknown;
}

const sections = new Map<string, LayoutSection>();
let save: (() => void) | null = null;

export function registerLayoutSection(key: string, section: LayoutSection): void {
  sections.set(key, section);
}

/** Called by a section when its state changed: the layout store saves (debounced) once restored. */
export function layoutSectionChanged(): void {
  save?.();
}

/** The layout store's side. */
export function onLayoutSectionChange(saver: () => void): void {
  save = saver;
}

export function restoreLayoutSections(saved: Record<string, unknown> | null): void {
  for (const [key, section] of sections) section.restore(saved?.[key]);
}

export function layoutSectionSnapshots(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, section] of sections) out[key] = section.snapshot();
  return out;
}
