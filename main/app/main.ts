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
import { dirname, join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import { defaultConfigPath, parseCommonArgs, resolveConfigPath } from '../config';
import { guardProcess } from '../crash-guard';
import { setupDevices, type DeviceSetup } from '../demo';
import { Hub } from '../hub/hub';
import { PlaybackController } from '../recording/playback-controller';
import { SessionController } from '../recording/session';
import { EventFeed } from '../link/event-feed';
import { RendererLink } from '../link/renderer-link';
import { APP_ORIGIN } from '../link/sender-policy';
import { appProtocolHandler } from '../link/app-protocol';
import { logHub } from '../log/hub-log';
import { RotatingLog } from '../log/rotating-log';
import { logsFolder, resolveRecordingFolder, settingsFolder } from '../settings/app-settings';
import { preferencesOf, PreferencesService } from '../settings/preferences';
import { SettingsStore } from '../settings/settings-store';
import { loopbackTargets, lanTargets } from '../devices/discovery-service';
import { describeLabInterface, resolveLabInterface } from '../net/lab-interface';
import type { LabInterfaceAddress } from '../protocols/descriptor';
import { startDashboard, type DashboardSetup } from '../devices/setup';
import { notifyAlerts } from './alert-notifier';
import { IpcRouter } from './ipc';
import { aboutText, menuTemplate, type MenuActions } from './menu';
import { denyAllPermissions, guardContents } from './session-policy';
import { DEFAULT_WINDOW, mainWindowOptions } from './window-options';
import { restoreBounds } from './window-state';
import { runSmoke, SMOKE_PAGE_PROBE, SMOKE_PREFIX, SMOKE_TIMEOUT_MS } from './smoke';

const RENDERER_ROOT = join(__dirname, '..', 'renderer');
const PRELOAD = join(__dirname, '..', 'preload', 'index.cjs');
const WINDOW_ICON = join(__dirname, '..', '..', 'assets', 'icon.png');
const START_URL = `${APP_ORIGIN.protocol}//${APP_ORIGIN.host}/index.html`;
/** `--smoke`: start in demo mode, prove poses and video reach the page over IPC, print one line, exit. */
const SMOKE = process.argv.includes('--smoke');

function smokeFailed(reason: string): void {
  process.stdout.write(`${SMOKE_PREFIX} FAILED: ${reason}\n`);
  app.exit(1);
}

if (SMOKE) {
  // Whatever hangs (start-up included), the smoke test ends: a little after its own deadline.
  setTimeout(() => smokeFailed(`no result within ${SMOKE_TIMEOUT_MS / 1000} s of start`), SMOKE_TIMEOUT_MS + 5_000);
}

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
let preferences: PreferencesService | null = null;
let events: EventFeed | null = null;
let deviceFile = defaultConfigPath();
const log = new RotatingLog({ folder: logsFolder(), echo: (line) => console.log(line) });
const settings = new SettingsStore();

// The same handler the end-to-end suite serves the page with on its IPC path.
const serveRenderer = appProtocolHandler(RENDERER_ROOT);
let ipc: IpcRouter | null = null;

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

  linkWindow(win, { main: true });
  void win.loadURL(START_URL);
  return win;
}

/**
 * Attaches a window's page to the Hub through the IPC router: each window has its own transport and
 * RendererLink. Only the main window stores the layout and is the target of the menu's commands; a
 * panel window shows one panel on the same data.
 */
function linkWindow(win: BrowserWindow, role: { main: boolean }): void {
  const contents = win.webContents;
  const transport = ipc!.attach(contents);
  const windowLink = new RendererLink(hub!, transport, {
    // A smoke test proves the default window (scene video shown), whatever layout was saved.
    ...(SMOKE || !role.main ? {} : { layouts: settings }),
    ...(dashboard ? { dashboard: dashboard.dashboard } : {}),
    ...(recordingSession ? { session: recordingSession } : {}),
    ...(playback ? { playback } : {}),
    ...(preferences ? { preferences } : {}),
    ...(events ? { events } : {}),
    openPanelWindow,
  });
  if (role.main) link = windowLink;
  // A reload starts a new page: it needs the devices and catalogs again, and has no batch to ack.
  contents.on('did-finish-load', () => windowLink.replay());
  win.on('closed', () => {
    windowLink.close();
    transport.dispose();
    if (link === windowLink) link = null;
    if (mainWindow === win) mainWindow = null;
  });
}

const panelWindows = new Map<string, BrowserWindow>();

/** A popped-out panel in a window of its own (the page at ?panel=<id>); one window per panel. */
function openPanelWindow(panel: string): boolean {
  const open = panelWindows.get(panel);
  if (open && !open.isDestroyed()) {
    open.focus();
    return true;
  }
  const win = new BrowserWindow({ ...mainWindowOptions(PRELOAD, WINDOW_ICON), width: 720, height: 540 });
  win.once('ready-to-show', () => win.show());
  panelWindows.set(panel, win);
  win.on('closed', () => {
    if (panelWindows.get(panel) === win) panelWindows.delete(panel);
  });
  linkWindow(win, { main: false });
  const url = new URL(START_URL);
  url.searchParams.set('panel', panel);
  void win.loadURL(url.toString());
  return true;
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
  ipc = new IpcRouter(ipcMain);
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
  events = new EventFeed().attach(hub, recordingSession, playback);
  const lab = resolveLabInterface(settings.get().networkInterface);
  if (lab.message) hub.notice('warn', lab.message);
  if (lab.iface) log.info(`lab network interface: ${describeLabInterface(lab.iface)}`);
  const sourceDefaults = lab.iface ? { networkInterface: lab.iface.address } : {};
  const args = parseCommonArgs(process.argv.slice(1));
  deviceFile = resolveConfigPath(args.configPath, defaultConfigPath()).path;
  devices = await setupDevices(hub, {
    // --demo (or the smoke run) forces it; otherwise the preference decides whether an empty device list
    // starts the simulators.
    demo: args.demo || SMOKE || (preferencesOf(settings.get()).demoAtStart ? undefined : false),
    configPath: args.configPath,
    defaultConfigPath: defaultConfigPath(),
    sourceDefaults,
    demoOptIn: args.demoLsl || settings.get().demoLsl ? ['lsl'] : [],
  });
  dashboard = startDashboard(hub, {
    sourceDefaults,
    deviceFile,
    configured: devices.configured ?? [],
    // Demo simulators live on loopback; a real lab is found on the network.
    discovery: devices.mode === 'demo' ? loopbackTargets({}, settings.get()) : lanTargets(lab.iface, settings.get()),
  });
  dashboard.dashboard.attachSession(recordingSession);
  const board = dashboard.dashboard;
  const recorder = recordingSession;
  let discoveryIface: LabInterfaceAddress | null = lab.iface;
  // Discovery follows the settings: the lab network's interface, LSL scope and known peers; in demo
  // mode, the known peers on loopback only.
  const refreshDiscovery = (): void => {
    const targets =
      devices?.mode === 'demo' ? loopbackTargets({}, settings.get()) : lanTargets(discoveryIface, settings.get());
    board.discovery?.setTargets(targets);
  };
  preferences = new PreferencesService(settings, {
    setRecordingFolder: (folder) => {
      if (!process.env.SIGHTLINE_RECORDINGS) recorder.setOutDir(folder);
    },
    setRateFloor: (ratio) => board.setRateFloor(ratio),
    setDiscoveryInterface: (iface) => {
      discoveryIface = iface;
      refreshDiscovery();
    },
    setLsl: (_lsl, demoLsl) => {
      refreshDiscovery();
      void devices?.setOptIn('lsl', demoLsl || args.demoLsl === true);
    },
    pickFolder: async () => {
      const options = { title: 'Recording folder', properties: ['openDirectory', 'createDirectory'] as const };
      const choice = mainWindow
        ? await dialog.showOpenDialog(mainWindow, { ...options, properties: [...options.properties] })
        : await dialog.showOpenDialog({ ...options, properties: [...options.properties] });
      return choice.canceled ? null : (choice.filePaths[0] ?? null);
    },
  });
  preferences.applyStored();
  notifyAlerts(dashboard.dashboard, () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  mainWindow = createWindow();
  if (SMOKE) smokeTest(mainWindow);
}

function smokeTest(win: BrowserWindow): void {
  // performance.now() counts from the process's start.
  const now = (): number => performance.now();
  let shownAt: number | null = null;
  win.once('show', () => (shownAt = now()));
  const failure = new Promise<string>((resolve) => {
    win.webContents.on('render-process-gone', (_event, details) =>
      resolve(`the page's process is gone (${details.reason})`),
    );
    win.webContents.on('did-fail-load', (_event, code, description) =>
      resolve(`the page failed to load: ${description} (${code})`),
    );
    win.on('closed', () => resolve('the window was closed'));
  });
  void runSmoke({
    probe: async () =>
      win.isDestroyed() ? null : ((await win.webContents.executeJavaScript(SMOKE_PAGE_PROBE)) as never),
    now,
    startedAt: 0,
    failure,
    windowShownAt: () => shownAt,
  }).then((result) => {
    process.stdout.write(`${result.line}\n`);
    app.exit(result.ok ? 0 : 1);
  });
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
  if (SMOKE) smokeFailed('another Sightline is already running');
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
      if (SMOKE) smokeFailed(`could not start: ${(error as Error)?.message ?? String(error)}`);
      app.exit(1);
    });
}
