/**
 * The Electron shell: app lifecycle, the one window, the app:// protocol serving the renderer, the
 * menu, and the wiring of Hub → RendererLink → ElectronTransport. Everything below main/app runs in
 * plain Node; this folder is the only code that imports 'electron'.
 *
 * Security (the Electron security checklist): context isolation, sandboxed
 * renderer and preload, no Node in the page, a strict CSP on every response, a custom secure scheme
 * (WebCodecs needs a secure context), navigation / new windows / webviews / permissions all denied,
 * and every IPC sender checked (ipc.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, Menu, protocol, session, type MenuItemConstructorOptions } from 'electron';
import { defaultConfigPath, parseCommonArgs } from '../config';
import { guardProcess } from '../crash-guard';
import { setupDevices, type DeviceSetup } from '../demo';
import { Hub } from '../hub/hub';
import { defaultRecordingsDir, SessionController } from '../recording/session';
import { RendererLink } from '../link/renderer-link';
import { APP_ORIGIN, isAppUrl } from '../link/sender-policy';
import { lookupStatic, rendererCsp, securityHeaders } from '../link/static-files';
import { ElectronTransport } from './ipc';

const RENDERER_ROOT = join(__dirname, '..', 'renderer');
const PRELOAD = join(__dirname, '..', 'preload', 'index.cjs');
const START_URL = `${APP_ORIGIN.protocol}//${APP_ORIGIN.host}/index.html`;

// Must happen before 'ready': makes app:// a standard, secure origin (fetch, WebCodecs, relative URLs).
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let hub: Hub | null = null;
let recordingSession: SessionController | null = null;
let devices: DeviceSetup | null = null;
let mainWindow: BrowserWindow | null = null;

async function serveRenderer(request: Request): Promise<Response> {
  const headers = securityHeaders(rendererCsp());
  const url = new URL(request.url);
  if (url.host !== APP_ORIGIN.host || (request.method !== 'GET' && request.method !== 'HEAD')) {
    return new Response('Not found', { status: 404, headers });
  }
  const found = await lookupStatic(RENDERER_ROOT, url.pathname);
  if (!found.ok) return new Response(found.reason, { status: found.status, headers });
  const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(found.path));
  return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': found.contentType } });
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 800,
    minHeight: 600,
    show: false,
    title: 'Sightline',
    backgroundColor: '#111418',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      preload: PRELOAD,
    },
  });
  win.once('ready-to-show', () => win.show());

  const transport = new ElectronTransport(win);
  const link = new RendererLink(hub!, transport, recordingSession ? { session: recordingSession } : {});
  // A reload starts a new page: it needs the devices and catalogs again, and has no batch to ack.
  win.webContents.on('did-finish-load', () => link.replay());
  win.on('closed', () => {
    link.close();
    transport.dispose();
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(START_URL);
  return win;
}

function buildMenu(): Menu {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    { role: 'forceReload' },
    ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: [{ role: process.platform === 'darwin' ? 'close' : 'quit' }] },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'About Sightline',
          click: () => {
            void dialog.showMessageBox({ type: 'info', title: 'Sightline', message: `Sightline ${app.getVersion()}` });
          },
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

// Guards for every web contents, including any we did not create ourselves.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

async function start(): Promise<void> {
  lockDownSession();
  protocol.handle('app', serveRenderer);
  Menu.setApplicationMenu(buildMenu());
  hub = new Hub();
  const liveHub = hub;
  guardProcess((message) => liveHub.notice('error', message));
  hub.on('notice', (n) => console.log(`[${n.level}] ${n.message}`));
  recordingSession = new SessionController(hub, { outDir: defaultRecordingsDir(), appVersion: app.getVersion() });
  const args = parseCommonArgs(process.argv.slice(1));
  devices = await setupDevices(hub, {
    demo: args.demo,
    configPath: args.configPath,
    defaultConfigPath: defaultConfigPath(),
  });
  mainWindow = createWindow();
}

let shutDown = false;
async function shutdown(): Promise<void> {
  try {
    // The recording is finished (summary, footer) before the devices it records go away.
    await recordingSession?.close();
    await hub?.close();
    await devices?.close();
  } catch (error) {
    console.error('Sightline: error while closing devices:', error);
  }
}

if (!app.requestSingleInstanceLock()) {
  // A second launch only brings the first window forward (see 'second-instance').
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (hub && !mainWindow) mainWindow = createWindow();
  });
  app.on('will-quit', (event) => {
    if (shutDown) return;
    // Sockets and simulators must be released before the process goes; then quit for real.
    event.preventDefault();
    shutDown = true;
    void shutdown().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('Sightline failed to start:', error);
      app.exit(1);
    });
}
