/**
 * The set-up every Chromium suite against headless demo mode shares: start the server and a page in
 * `before`, release both in `after`, and a `live(t)` that skips (with the reason) where Chromium is
 * missing. Call it inside a `describe`.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { startHeadless, type HeadlessOptions, type HeadlessServer } from '../../main/headless';
import {
  chromiumUnavailable,
  ensureBuilt,
  launchChromium,
  watchPage,
  withTimeout,
  type LaunchedBrowser,
  type PageProblems,
} from './helpers';

export interface DemoPage {
  page: Page;
  server: HeadlessServer;
  problems: PageProblems;
}

export function useHeadlessDemoPage(
  suite: string,
  options: Partial<HeadlessOptions> = {},
): (t: { skip(reason: string): void }) => DemoPage | null {
  const skipReason = chromiumUnavailable();
  let server: HeadlessServer | null = null;
  let browser: LaunchedBrowser | null = null;
  let page: Page | null = null;
  let problems: PageProblems | null = null;

  before(async () => {
    if (skipReason) {
      console.log(`skipping the ${suite} suite: ${skipReason}`);
      return;
    }
    ensureBuilt();
    server = await withTimeout(
      startHeadless({ demo: true, port: 0, host: '127.0.0.1', log: () => {}, ...options }),
      20_000,
      'headless start',
    );
    browser = await launchChromium();
    page = await browser.context.newPage();
    problems = await watchPage(page);
    await page.goto(server.url, { waitUntil: 'load', timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  return (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return null;
    }
    assert.ok(page && server && problems, 'set-up failed');
    return { page, server, problems };
  };
}
