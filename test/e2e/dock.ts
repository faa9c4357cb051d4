/**
 * Panels sit in dockview tabs: a test brings one to the front by its tab's role and name, the way an
 * operator would, never by its position on the page.
 */
import type { Page } from 'playwright-core';

export async function showPanel(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  await tab.waitFor({ timeout: 10_000 });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await panelRegion(page, name).waitFor({ timeout: 5_000 });
}

/**
 * A panel's own region. dockview labels its tab group's region with the active panel's name too;
 * the panel's region is the innermost of the two, so the last in document order.
 */
export function panelRegion(page: Page, name: string) {
  return page.getByRole('region', { name, exact: true }).last();
}
