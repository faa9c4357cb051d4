/**
 * Parts of the saved layout JSON that belong to one panel, each under its own key (the 3D view's
 * options under "scene"), beside the layout store's own keys. A panel registers how to read its
 * section back and how to snapshot it; the layout store saves them all together.
 */
export interface LayoutSection {
  restore(saved: unknown): void;
  snapshot(): unknown;
}
export declare function registerLayoutSection(key: string, section: LayoutSection): void;
/** Called by a section when its state changed: the layout store saves (debounced) once restored. */
export declare function layoutSectionChanged(): void;
/** The layout store's side. */
export declare function onLayoutSectionChange(saver: () => void): void;
export declare function restoreLayoutSections(saved: Record<string, unknown> | null): void;
export declare function layoutSectionSnapshots(): Record<string, unknown>;
