/**
 * The set-up every Chromium suite against demo mode shares: start the server and a page in `before`,
 * release both in `after`, and a `live(t)` that skips (with the reason) where Chromium is missing.
 * Call it inside a `describe`.
 *
 * Two paths carry the link: 'websocket' is headless mode as a browser gets it (the page from the
 * headless HTTP server, a worker owning the WebSocket); 'ipc' is the desktop app's own path without
 * the Electron binary (test/e2e/ipc/): the page served by the app:// handler, the real preload bundle
 * over an Electron stand-in, and the real IPC transport in this process, on the same Hub.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { defaultStaticRoot, startHeadless, type HeadlessOptions, type HeadlessServer } from '../../main/headless';
import {
  chromiumUnavailable,
  ensureBuilt,
  launchChromium,
  watchPage,
  withTimeout,
  type LaunchedBrowser,
  type PageProblems,
} from './helpers';
import { startAppServer, type AppServer } from './ipc/app-server';
import { ipcApp, openIpcWindow, type IpcApp, type IpcWindow } from './ipc/ipc-window';
import { preloadScript } from './ipc/stand-in-script';

export type LinkPathUnderTest = 'websocket' | 'ipc';
/** Suites that check what an operator sees run on both. */
export const LINK_PATHS: readonly LinkPathUnderTest[] = ['websocket', 'ipc'];
/** How each path names itself in the page's header. */
export const HEADER_TRANSPORT: Record<LinkPathUnderTest, string> = {
  websocket: 'WebSocket link',
  ipc: 'desktop link',
};

export interface DemoPage {
  page: Page;
  server: HeadlessServer;
  problems: PageProblems;
  path: LinkPathUnderTest;
  /** The page's URL (a reload or a second page goes here). */
  url: string;
  /** On the IPC path: the stand-in app and this page's window. */
  ipc: (IpcApp & { window: IpcWindow; browser: LaunchedBrowser }) | null;
}

export function useHeadlessDemoPage(
  suite: string,
  options: Partial<HeadlessOptions> = {},
  path: LinkPathUnderTest = 'websocket',
): (t: { skip(reason: string): void }) => DemoPage | null {
  const skipReason = chromiumUnavailable();
  let server: HeadlessServer | null = null;
  let browser: LaunchedBrowser | null = null;
  let appServer: AppServer | null = null;
  let env: DemoPage | null = null;

  before(async () => {
    if (skipReason) {
      console.log(`skipping the ${suite} suite (${path}): ${skipReason}`);
      return;
    }
    ensureBuilt();
    server = await withTimeout(
      startHeadless({ demo: true, port: 0, host: '127.0.0.1', log: () => {}, ...options }),
      20_000,
      'headless start',
    );
    browser = await launchChromium();
    if (path === 'websocket') {
      const page = await browser.context.newPage();
      const problems = await watchPage(page);
      await page.goto(server.url, { waitUntil: 'load', timeout: 15_000 });
      env = { page, server, problems, path, url: server.url, ipc: null };
      return;
    }
    appServer = await startAppServer(defaultStaticRoot());
    const app = ipcApp(appServer, await preloadScript());
    let problems: PageProblems | null = null;
    const window = await openIpcWindow(app, server, browser.context, async (page) => {
      problems = await watchPage(page);
    });
    await window.page.goto(appServer.url, { waitUntil: 'load', timeout: 15_000 });
    env = {
      page: window.page,
      server,
      problems: problems!,
      path,
      url: appServer.url,
      ipc: { ...app, window, browser },
    };
  });

  after(async () => {
    await browser?.close();
    await appServer?.close();
    await server?.close();
  });

  return (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return null;
    }
    assert.ok(env, 'set-up failed');
    return env;
  };
}
