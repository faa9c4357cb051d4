/**
 * Whether this page is the main window or a popped-out panel (`?panel=<id>`): a panel window shows
 * one panel on the same link and never saves the layout (the main window owns it).
 */
export function poppedPanelOf(search: string): string | null {
  const panel = new URLSearchParams(search).get('panel');
  return panel && /^[a-z][a-z0-9-]{0,31}$/.test(panel) ? panel : null;
}

let panelWindow: string | null = null;

export function setPanelWindow(panel: string | null): void {
  panelWindow = panel;
}

export function panelWindowOf(): string | null {
  return panelWindow;
}

/** The URL of a panel's own window: this page's address (its token included) with ?panel=<id>. */
export function panelWindowUrl(href: string, panel: string): string {
  const url = new URL(href);
  url.searchParams.set('panel', panel);
  url.hash = '';
  return url.toString();
}
