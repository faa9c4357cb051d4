/**
 * A window on the desktop IPC path, wired as main/app/main.ts wires one (createWindow): the real
 * IpcRouter attaches a transport to the window's webContents (here the stand-in over a Playwright
 * page), a RendererLink from the same Hub serves it, a finished load replays the state, and closing the
 * window closes both. Several windows can share one router, as pop-out windows would.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { HeadlessServer } from '../../../main/headless';
import { IpcRouter, type ElectronTransport } from '../../../main/app/ipc';
import type { RendererLink } from '../../../main/link/renderer-link';
import type { AppServer } from './app-server';
import { attachElectronStandIn, StandInIpcMain, type StandInWebContents } from './main-stand-in';

export interface IpcApp {
  ipcMain: StandInIpcMain;
  router: IpcRouter;
  appServer: AppServer;
  preloadScript: string;
}

export interface IpcWindow {
  page: Page;
  contents: StandInWebContents;
  transport: ElectronTransport;
  link: RendererLink;
}

export function ipcApp(appServer: AppServer, preloadScript: string): IpcApp {
  const ipcMain = new StandInIpcMain();
  return { ipcMain, router: new IpcRouter(ipcMain), appServer, preloadScript };
}

/** A new page with the preload and IPC in place; `prepare` runs before it loads anything. */
export async function openIpcWindow(
  app: IpcApp,
  server: HeadlessServer,
  context: BrowserContext,
  prepare: (page: Page) => Promise<unknown> = async () => {},
): Promise<IpcWindow> {
  const page = await context.newPage();
  await prepare(page);
  const contents = await attachElectronStandIn(page, app.ipcMain, {
    toAppUrl: app.appServer.toAppUrl,
    preloadScript: app.preloadScript,
  });
  const transport = app.router.attach(contents);
  const link = server.attach(transport);
  contents.on('did-finish-load', () => link.replay());
  page.on('close', () => {
    link.close();
    transport.dispose();
  });
  return { page, contents, transport, link };
}
