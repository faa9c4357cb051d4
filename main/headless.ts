/**
 * Headless mode (`npm run serve`): the Hub without Electron, serving the built renderer over HTTP and
 * the link over a WebSocket at /link, for a browser (a second screen, a tablet, the end-to-end tests).
 *
 * Security: binds 127.0.0.1 unless told otherwise. On loopback, the Host header must name loopback
 * (a DNS-rebinding page cannot pose as us) and a browser's WebSocket Origin must be our own page.
 * Any other bind address requires a random token, given once in the printed URL (?token=…) and then
 * kept in an HttpOnly, SameSite=Strict cookie so the page's own scripts and styles load without it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { extname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import { PlaybackController } from './recording/playback-controller';
import { defaultRecordingsDir, SessionController } from './recording/session';
import { WebSocketServer, type WebSocket } from 'ws';
import { guardProcess } from './crash-guard';
import { COMMON_ARG_OPTIONS, defaultConfigPath, resolveConfigPath } from './config';
import { loopbackTargets, lanTargets, type DiscoveryTargets } from './devices/discovery-service';
import { startDashboard, type DashboardSetup } from './devices/setup';
import type { Dashboard } from './devices/dashboard';
import { setupDevices, type DeviceSetup } from './demo';
import { errorMessage, Hub, type HubOptions } from './hub/hub';
import type { Source } from './hub/source';
import { EventFeed } from './link/event-feed';
import { RendererLink, type LinkTransport, type RendererLinkOptions } from './link/renderer-link';
import { lookupStatic, rendererCsp, securityHeaders } from './link/static-files';
import { WS_MAX_PAYLOAD, WsTransport } from './link/ws-transport';
import { logHub } from './log/hub-log';
import { RotatingLog } from './log/rotating-log';
import { logsFolder, resolveRecordingFolder, settingsPath, type AppSettings } from './settings/app-settings';
import { lslOutletNetwork } from './protocols/lsl/settings';
import { PreferencesService } from './settings/preferences';
import { SettingsStore } from './settings/settings-store';
import { startLslPublishing } from './protocols/lsl/publishing';
import type { LslPublisher, PublisherOptions } from './protocols/lsl/publisher';
import { resolveLabInterface, type LabInterface } from './net/lab-interface';
import type { LabInterfaceAddress } from './protocols/descriptor';

export interface HeadlessOptions {
  /** Bind address; default 127.0.0.1. Anything but loopback requires the token. */
  host?: string;
  /** Default 0: the OS picks (see the returned port). */
  port?: number;
  /** The built renderer; default dist/renderer next to this bundle. */
  staticRoot?: string;
  /** Require the token even on loopback (tests); forced on for non-loopback hosts. */
  requireToken?: boolean;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /** Demo mode whatever the config says (--demo). */
  demo?: boolean;
  /** Demo mode also shows simulated LSL streams (--demo-lsl; also settings.demoLsl). */
  demoLsl?: boolean;
  /** Rigid bodies the demo's simulated Motive streams (default 4); the label-layout e2e uses 100. */
  demoBodies?: number;
  /** --config FILE */
  configPath?: string;
  /** Default ~/.config/sightline/devices.json. */
  defaultConfigPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Use these sources instead of the config or demo mode (tests, the bench); each is connected. */
  sources?: { source: Source; simulated?: boolean }[];
  hubOptions?: HubOptions;
  linkOptions?: RendererLinkOptions;
  /** At most this many renderers at once. */
  maxClients?: number;
  /** A recording to play back at start (its devices join the configured or demo ones). */
  play?: string;
  /** Where recording sessions go; default $SIGHTLINE_RECORDINGS, else ~/Sightline/recordings. */
  recordingsDir?: string;
  /** Where notices are printed; default stderr. */
  log?: (line: string) => void;
  /** The settings file that keeps the page's panel layout; without it the layout is not kept. */
  settingsPath?: string;
  /** The rotating log file (the same one the app writes), besides `log`. */
  logFile?: RotatingLog;
  /**
   * Where the device list looks for devices. Default: loopback in demo mode, none otherwise (so that
   * tests never broadcast); 'lab' (what `npm run serve` passes): the lab network outside demo mode.
   */
  discovery?: DiscoveryTargets | null | 'lab';
  /** Between automatic discovery scans, ms (default 15 s; 0: only when the operator asks). */
  discoveryIntervalMs?: number;
  /** Publish every device's samples as LSL streams (--lsl); the options' outlet part sets ports and address. */
  lsl?: PublisherOptions;
}

export interface HeadlessStats {
  clients: number;
  /** WebSocket upgrades refused (path, host, origin, token, too many clients). */
  upgradesRejected: number;
  /** HTTP requests refused (host, token, method, path). */
  httpRejected: number;
  /** Sockets closed for invalid or oversized messages. */
  policyViolations: number;
}

export interface HeadlessServer {
  /** What to open in a browser; carries ?token=… when a token is required. */
  url: string;
  port: number;
  host: string;
  token: string | null;
  hub: Hub;
  devices: DeviceSetup | null;
  /** Device list, discovery, rate history and alerts (main/devices/). */
  dashboard: Dashboard;
  /** The LSL publisher when started with `lsl` (--lsl). */
  lsl: LslPublisher | undefined;
  stats(): HeadlessStats;
  /**
   * A renderer on another transport, served by this same Hub, recorder and device list (the
   * end-to-end suite's Electron IPC path). The link is closed with the server.
   */
  attach(transport: LinkTransport): RendererLink;
  close(): Promise<void>;
}

/** `npm run serve`'s port unless --port says otherwise; 0 lets the system pick. */
export const DEFAULT_PORT = 8717;
const TOKEN_COOKIE = 'sightline_token';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function defaultStaticRoot(): string {
  // Bundled: dist/main/headless.cjs → dist/renderer. From source (tsx): main/headless.ts → dist/renderer.
  const bundled = extname(__filename) === '.cjs';
  return bundled ? join(__dirname, '..', 'renderer') : join(__dirname, '..', 'dist', 'renderer');
}

export async function startHeadless(options: HeadlessOptions = {}): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  const requireToken = options.requireToken === true || !loopback;
  const token = requireToken ? (options.token ?? randomBytes(32).toString('base64url')) : null;
  const staticRoot = options.staticRoot ?? defaultStaticRoot();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const counters: Omit<HeadlessStats, 'clients'> = { upgradesRejected: 0, httpRejected: 0, policyViolations: 0 };
  const clients = new Map<WebSocket, RendererLink>();
  const attached = new Set<RendererLink>();
  let port = 0;

  const hub = new Hub(options.hubOptions);
  hub.on('notice', (n) => log(`[${n.level}] ${n.message}`));
  const stopLogging = options.logFile ? logHub(hub, options.logFile) : () => {};
  const settings = options.settingsPath ? new SettingsStore(options.settingsPath) : null;
  if (settings?.loaded.message) hub.notice('warn', settings.loaded.message);
  const lab = resolveLabInterface(settings?.get().networkInterface);
  if (lab.message) hub.notice('warn', lab.message);
  const lsl = options.lsl ? startLslPublishing(hub, lslPublisherOptions(options, settings, lab.iface)) : undefined;
  const sourceDefaults = lab.iface ? { networkInterface: lab.iface.address } : {};
  const recordingFolder = settings ? resolveRecordingFolder(settings.get()) : null;
  if (recordingFolder?.message) hub.notice('warn', recordingFolder.message);
  const session = new SessionController(hub, {
    outDir: options.recordingsDir ?? defaultRecordingsDir(options.env, recordingFolder?.folder),
    compression: settings?.get().recordingCompression,
  });
  const playback = new PlaybackController(hub);
  const events = new EventFeed().attach(hub, session, playback);
  const linkOptions: RendererLinkOptions = {
    ...options.linkOptions,
    ...(settings ? { layouts: settings } : {}),
    session,
    playback,
    events,
  };
  let dashboard: DashboardSetup | null = null;

  /** Loopback binds accept only loopback Host names; a token-protected bind accepts any. */
  const hostHeaderAllowed = (header: string | undefined): boolean => {
    if (!header || !/^[A-Za-z0-9.\-[\]:]{1,260}$/.test(header)) return false;
    if (!loopback) return true;
    const name = header.replace(/:\d+$/, '');
    return isLoopbackHost(name) && header.endsWith(`:${port}`);
  };

  const tokenPresented = (req: IncomingMessage): 'query' | 'cookie' | null => {
    if (!token) return null;
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
    if (query !== null && sameSecret(query, token)) return 'query';
    const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
    if (cookie !== null && sameSecret(cookie, token)) return 'cookie';
    return null;
  };

  const refuse = (res: ServerResponse, status: number, message: string): void => {
    counters.httpRejected++;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders(rendererCsp()) });
    res.end(`${message}\n`);
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostHeaderAllowed(req.headers.host)) return refuse(res, 403, 'Forbidden: unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, 'Method not allowed');
    }
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (!rawPath.startsWith('/')) return refuse(res, 400, 'Bad request');
    const presented = tokenPresented(req);
    if (token && !presented)
      return refuse(res, 401, 'Unauthorized: open the URL printed by `npm run serve`, with its ?token=…');
    if (rawPath === '/link') return refuse(res, 426, 'Upgrade required: /link is a WebSocket');
    const found = await lookupStatic(staticRoot, rawPath);
    if (!found.ok) {
      const hint =
        found.status === 404 && (rawPath === '/' || rawPath === '/index.html')
          ? ' (the renderer is not built: run `npm run build`)'
          : '';
      return refuse(res, found.status, `${found.reason}${hint}`);
    }
    const headers: Record<string, string | number> = {
      'Content-Type': found.contentType,
      'Content-Length': found.size,
      ...securityHeaders(rendererCsp([`ws://${req.headers.host ?? `${host}:${port}`}`])),
    };
    if (presented === 'query' && token) {
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(found.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    handleHttp(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD, perMessageDeflate: false });

  const rejectUpgrade = (socket: Duplex, status: number, text: string): void => {
    counters.upgradesRejected++;
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/link') return rejectUpgrade(socket, 404, 'Not Found');
    if (!hostHeaderAllowed(req.headers.host)) return rejectUpgrade(socket, 403, 'Forbidden');
    // Browsers always send Origin; it must be the page we served. Non-browser clients send none.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return rejectUpgrade(socket, 403, 'Forbidden');
    if (token && !tokenPresented(req)) return rejectUpgrade(socket, 401, 'Unauthorized');
    if (clients.size >= (options.maxClients ?? 32)) return rejectUpgrade(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = new WsTransport(ws, { onViolation: () => counters.policyViolations++ });
      const link = new RendererLink(hub, transport, linkOptions);
      clients.set(ws, link);
      ws.on('close', () => {
        link.close();
        clients.delete(ws);
      });
    });
  });

  let devices: DeviceSetup | null = null;
  try {
    if (options.sources) {
      for (const { source, simulated } of options.sources) {
        hub.add(source, { simulated: simulated ?? false });
        hub.connect(source.id).catch(() => {});
      }
    } else {
      devices = await setupDevices(hub, {
        demo: options.demo,
        configPath: options.configPath,
        defaultConfigPath: options.defaultConfigPath ?? defaultConfigPath(options.env),
        env: options.env,
        ...(options.demoBodies !== undefined ? { demoBodies: options.demoBodies } : {}),
        sourceDefaults,
        demoOptIn: options.demoLsl || settings?.get().demoLsl ? ['lsl'] : [],
      });
    }
    const deviceFile = options.sources
      ? null
      : resolveConfigPath(options.configPath, options.defaultConfigPath ?? defaultConfigPath(options.env), options.env)
          .path;
    dashboard = startDashboard(hub, {
      deviceFile,
      configured: devices?.configured ?? [],
      discovery: discoveryTargets(options.discovery, devices?.mode === 'demo', lab.iface, settings?.get()),
      sourceDefaults,
      discoveryOptions: options.discoveryIntervalMs !== undefined ? { intervalMs: options.discoveryIntervalMs } : {},
    });
    linkOptions.dashboard = dashboard.dashboard;
    dashboard.dashboard.attachSession(session);
    if (settings) {
      const board = dashboard.dashboard;
      let discoveryIface: LabInterfaceAddress | null = lab.iface;
      // Discovery made from the settings follows them (lab network: interface, scope and peers; demo:
      // known peers on loopback); targets a caller gave (tests) stay as given.
      const refreshDiscovery = (): void => {
        if (options.discovery !== undefined && options.discovery !== 'lab') return;
        const demo = devices?.mode === 'demo';
        const targets = discoveryTargets(options.discovery, demo, discoveryIface, settings.get());
        if (targets) board.discovery?.setTargets(targets);
      };
      const preferences = new PreferencesService(settings, {
        // A folder given on the command line (or by a test) wins until the operator picks another.
        setRecordingFolder: (folder) => {
          if (!options.recordingsDir || settings.get().recordingFolder) session.setOutDir(folder);
        },
        setRateFloor: (ratio) => board.setRateFloor(ratio),
        setDiscoveryInterface: (iface) => {
          discoveryIface = iface;
          refreshDiscovery();
        },
        setLsl: (_lsl, demoLsl) => {
          refreshDiscovery();
          if (lsl && !options.demo)
            lsl.publisher.setOutletOptions(lslPublisherOptions(options, settings, lab.iface).outlet ?? {});
          void devices?.setOptIn('lsl', demoLsl || options.demoLsl === true);
        },
      });
      preferences.applyStored();
      linkOptions.preferences = preferences;
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    events.close();
    await dashboard?.close();
    await hub.close();
    await devices?.close();
    await lsl?.close();
    throw error;
  }
  if (options.play) {
    await playback.open(options.play).catch((error: unknown) => hub.notice('error', errorMessage(error)));
  }
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : (options.port ?? 0);

  const shownHost = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/${token ? `?token=${token}` : ''}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const open = [...clients.keys()];
      const allClosed = Promise.all(open.map((ws) => new Promise<void>((r) => ws.once('close', () => r()))));
      for (const ws of open) ws.close(1001, 'server shutting down');
      await Promise.race([allClosed, new Promise((r) => setTimeout(r, 1_000).unref())]);
      for (const ws of clients.keys()) ws.terminate();
      for (const link of clients.values()) link.close();
      clients.clear();
      for (const link of attached) link.close();
      attached.clear();
      wss.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await dashboard?.close();
      await session.close();
      events.close();
      await playback.close();
      await hub.close();
      await devices?.close();
      await lsl?.close();
      settings?.flush();
      stopLogging();
    })();
    return closing;
  };

  return {
    url,
    port,
    host,
    token,
    hub,
    devices,
    dashboard: dashboard.dashboard,
    lsl: lsl?.publisher,
    stats: () => ({ clients: clients.size, ...counters }),
    attach: (transport) => {
      const link = new RendererLink(hub, transport, linkOptions);
      attached.add(link);
      return link;
    },
    close,
  };
}

function discoveryTargets(
  given: HeadlessOptions['discovery'],
  demo: boolean,
  lab: LabInterfaceAddress | null,
  settings: AppSettings | undefined,
): DiscoveryTargets | null {
  if (given === 'lab') return demo ? loopbackTargets({}, settings) : lanTargets(lab, settings);
  if (given !== undefined) return given;
  return demo ? loopbackTargets({}, settings) : null;
}

/**
 * The publisher's outlets: outside demo mode they answer on the operator's LSL scope (settings.lsl),
 * joining its multicast groups on the lab interface; what the caller gave (demo's loopback, tests'
 * ports) wins.
 */
export function lslPublisherOptions(
  options: HeadlessOptions,
  settings: SettingsStore | null,
  lab: LabInterface | null,
): PublisherOptions {
  const given = options.lsl ?? {};
  if (options.demo || !settings) return given;
  return { ...given, outlet: { ...lslOutletNetwork(settings.get().lsl, lab?.address), ...given.outlet } };
}

function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

const HELP = `usage: node dist/main/headless.cjs [--port 8717] [--host 127.0.0.1] [--demo] [--demo-lsl] [--config FILE] [--play FILE.mcap] [--lsl]

  --port N       HTTP/WebSocket port (default 8717, or one the OS picks if that is taken; 0: the OS picks)
  --host ADDR    bind address; anything but loopback requires the printed ?token=…
  --demo         demo mode (a simulated Motive on loopback) whatever the config says
  --demo-lsl     demo mode also shows simulated LSL streams (an EEG-like stream and its markers) on loopback
  --config FILE  device config (default: $SIGHTLINE_CONFIG, else ~/.config/sightline/devices.json)
  --play FILE    play a recording back (its devices appear as playback devices)
  --lsl          publish every device to the Lab Streaming Layer (one stream per device and kind)`;

async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...COMMON_ARG_OPTIONS,
        play: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        lsl: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${HELP}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    process.stderr.write(`--port: expected 0..65535, got ${JSON.stringify(values.port)}\n`);
    process.exit(2);
  }
  const logFile = new RotatingLog({ folder: logsFolder() });
  const options = {
    host: values.host,
    demo: values.demo,
    demoLsl: values['demo-lsl'],
    configPath: values.config,
    settingsPath: settingsPath(),
    logFile,
    discovery: 'lab' as const,
    // LSL's own ports on every interface, as liblsl outlets use them; demo mode keeps them on loopback.
    ...(values.lsl && { lsl: { outlet: values.demo ? { bindAddress: '127.0.0.1' } : {} } }),
  };
  let server: HeadlessServer;
  try {
    server = await startHeadless({ ...options, port: port ?? DEFAULT_PORT });
  } catch (error) {
    // The default port is a convenience (a bookmark on the lab's tablet), not a requirement.
    if (port !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    process.stderr.write(`Port ${DEFAULT_PORT} is in use; letting the system pick one.\n`);
    server = await startHeadless({ ...options, port: 0 });
  }
  guardProcess((message) => server.hub.notice('error', message));
  process.stdout.write(`Sightline headless: ${server.url}\n`);
  logFile.info(`headless mode on ${server.host}:${server.port}; logs in ${logFile.folder}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`Sightline headless: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  });
}
