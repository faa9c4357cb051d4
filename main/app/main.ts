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
import { dirname, join } from 'node:path';
import { app, BrowserWindow, dialog, Menu, protocol, screen, session, shell } from 'electron';
import { defaultConfigPath, parseCommonArgs, resolveConfigPath } from '../config';
import { guardProcess } from '../crash-guard';
import { setupDevices, type DeviceSetup } from '../demo';
import { Hub } from '../hub/hub';
import { PlaybackController } from '../recording/playback-controller';
import { SessionController } from '../recording/session';
import { RendererLink } from '../link/renderer-link';
import { APP_ORIGIN } from '../link/sender-policy';
import { lookupStatic, rendererCsp, securityHeaders } from '../link/static-files';
import { logHub } from '../log/hub-log';
import { RotatingLog } from '../log/rotating-log';
import { logsFolder, resolveRecordingFolder, settingsFolder } from '../settings/app-settings';
import { SettingsStore } from '../settings/settings-store';
import { loopbackTargets, LAN_TARGETS } from '../devices/discovery-service';
import { startDashboard, type DashboardSetup } from '../devices/setup';
import { notifyAlerts } from './alert-notifier';
import { ElectronTransport } from './ipc';
import { aboutText, menuTemplate, type MenuActions } from './menu';
import { denyAllPermissions, guardContents } from './session-policy';
import { DEFAULT_WINDOW, mainWindowOptions } from './window-options';
import { restoreBounds } from './window-state';

const RENDERER_ROOT = join(__dirname, '..', 'renderer');
const PRELOAD = join(__dirname, '..', 'preload', 'index.cjs');
const WINDOW_ICON = join(__dirname, '..', '..', 'assets', 'icon.png');
const START_URL = `${APP_ORIGIN.protocol}//${APP_ORIGIN.host}/index.html`;

// Must happen before 'ready': makes app:// a standard, secure origin (fetch, WebCodecs, relative URLs).
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
// One settings folder for the app, headless mode and the CLI (the device file's folder): Electron's own
// data (caches, the page's storage) goes there too rather than into a second, differently named folder.
app.setPath('userData', settingsFolder());
app.setPath('logs', logsFolder());

let hub: Hub | null = null;
let dashboard: DashboardSetup | null = null;
let recordingSession: SessionController | null = null;
let playback: PlaybackController | null = null;
let devices: DeviceSetup | null = null;
let mainWindow: BrowserWindow | null = null;
let link: RendererLink | null = null;
let deviceFile = defaultConfigPath();
const log = new RotatingLog({ folder: logsFolder(), echo: (line) => console.log(line) });
const settings = new SettingsStore();

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

function createWindow(): BrowserWindow {
  const saved = settings.get().window;
  const areas = screen.getAllDisplays().map((d) => d.workArea);
  const primary = screen.getPrimaryDisplay().workArea;
  const bounds = restoreBounds(saved, [primary, ...areas.filter((a) => a !== primary)], DEFAULT_WINDOW);
  const win = new BrowserWindow({
    ...mainWindowOptions(PRELOAD, WINDOW_ICON),
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
  });
  win.once('ready-to-show', () => {
    if (bounds.maximized) win.maximize();
    if (bounds.fullScreen) win.setFullScreen(true);
    win.show();
  });
  const remember = (): void => {
    if (win.isDestroyed() || win.isMinimized()) return;
    // The normal bounds, so a maximised window comes back maximised over its old normal place.
    const b = win.getNormalBounds();
    settings.setWindow({ ...b, maximized: win.isMaximized(), fullScreen: win.isFullScreen() });
  };
  win.on('resize', remember);
  win.on('move', remember);
  win.on('maximize', remember);
  win.on('unmaximize', remember);
  win.on('enter-full-screen', remember);
  win.on('leave-full-screen', remember);
  win.on('close', remember);

  const transport = new ElectronTransport(win);
  const windowLink = new RendererLink(hub!, transport, {
    layouts: settings,
    ...(dashboard ? { dashboard: dashboard.dashboard } : {}),
    ...(recordingSession ? { session: recordingSession } : {}),
    ...(playback ? { playback } : {}),
  });
  link = windowLink;
  // A reload starts a new page: it needs the devices and catalogs again, and has no batch to ack.
  win.webContents.on('did-finish-load', () => windowLink.replay());
  win.on('closed', () => {
    windowLink.close();
    transport.dispose();
    if (link === windowLink) link = null;
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(START_URL);
  return win;
}

const menuActions: MenuActions = {
  openRecording: () => {
    void dialog
      .showOpenDialog({
        title: 'Open Recording',
        properties: ['openFile'],
        filters: [{ name: 'MCAP', extensions: ['mcap'] }],
      })
      .then((choice) => {
        const file = choice.filePaths[0];
        if (choice.canceled || !file) return;
        playback?.open(file).catch((error: unknown) => hub?.notice('error', (error as Error).message));
      });
  },
  togglePanel: (panel) => link?.command({ name: 'toggle-panel', panel }),
  resetLayout: () => link?.command({ name: 'reset-layout' }),
  addDevice: () => link?.command({ name: 'add-device' }),
  discoverDevices: () => link?.command({ name: 'discover-devices' }),
  about: () => {
    void dialog.showMessageBox({
      type: 'info',
      title: 'About Sightline',
      message: 'Sightline',
      detail: aboutText({
        app: app.getVersion(),
        electron: process.versions.electron,
        chrome: process.versions.chrome,
        node: process.versions.node,
        v8: process.versions.v8,
      }),
    });
  },
  openLogsFolder: () => void shell.openPath(log.folder),
  // The folder too if the file does not exist yet, so the operator sees where to put it.
  openDeviceFile: () =>
    void shell.openPath(deviceFile).then((error) => (error ? shell.openPath(dirname(deviceFile)) : '')),
};

// Guards for every web contents, including any we did not create ourselves.
app.on('web-contents-created', (_event, contents) => guardContents(contents));

async function start(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  protocol.handle('app', serveRenderer);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate(menuActions, { platform: process.platform, packaged: app.isPackaged })),
  );
  hub = new Hub();
  const liveHub = hub;
  guardProcess((message) => liveHub.notice('error', message));
  logHub(hub, log);
  log.info(`Sightline ${app.getVersion()} starting (Electron ${process.versions.electron}); logs in ${log.folder}`);
  if (settings.loaded.message) hub.notice('warn', settings.loaded.message);
  const recording = resolveRecordingFolder(settings.get());
  if (recording.message) hub.notice('warn', recording.message);
  playback = new PlaybackController(hub);
  recordingSession = new SessionController(hub, {
    outDir: process.env.SIGHTLINE_RECORDINGS || recording.folder,
    compression: settings.get().recordingCompression,
    appVersion: app.getVersion(),
  });
  const args = parseCommonArgs(process.argv.slice(1));
  deviceFile = resolveConfigPath(args.configPath, defaultConfigPath()).path;
  devices = await setupDevices(hub, {
    demo: args.demo,
    configPath: args.configPath,
    defaultConfigPath: defaultConfigPath(),
  });
  dashboard = startDashboard(hub, {
    deviceFile,
    configured: devices.configured ?? [],
    // Demo simulators live on loopback; a real lab is found on the network.
    discovery: devices.mode === 'demo' ? loopbackTargets() : LAN_TARGETS,
  });
  dashboard.dashboard.attachSession(recordingSession);
  notifyAlerts(dashboard.dashboard, () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  mainWindow = createWindow();
}

let shutDown = false;
async function shutdown(): Promise<void> {
  settings.flush();
  if (settings.lastSaveError) log.warn(settings.lastSaveError);
  try {
    await dashboard?.close();
    // The recording is finished (summary, footer) before the devices it records go away.
    await recordingSession?.close();
    await playback?.close();
    await hub?.close();
    await devices?.close();
  } catch (error) {
    log.error(`error while closing devices: ${(error as Error).message}`);
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
      log.error(`Sightline failed to start: ${(error as Error)?.stack ?? String(error)}`);
      app.exit(1);
    });
}
