/**
 * The Electron shell's decisions, checked in plain Node: the window's security options, the session
 * policy (every permission, navigation, window and webview refused), the CSP main serves, the menu and
 * where the window reopens. main/app keeps each of these in a module that imports only types from
 * electron, so these tests read the very objects the app uses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aboutText, MENU_PANELS, menuTemplate, type MenuActions } from '../../main/app/menu';
import { FOCUS_ORDER } from '../../renderer/src/layout/shortcut-map';
import { denyAllPermissions, guardContents } from '../../main/app/session-policy';
import { DEFAULT_WINDOW, mainWindowOptions } from '../../main/app/window-options';
import { restoreBounds } from '../../main/app/window-state';
import { rendererCsp, securityHeaders } from '../../main/link/static-files';
import { appProtocolHandler } from '../../main/link/app-protocol';

test('the main window runs the page isolated, sandboxed, without Node, with the preload only', () => {
  const options = mainWindowOptions('/app/dist/preload/index.cjs');
  const web = options.webPreferences!;
  assert.equal(web.contextIsolation, true);
  assert.equal(web.sandbox, true);
  assert.equal(web.nodeIntegration, false);
  assert.equal(web.nodeIntegrationInWorker, false);
  assert.equal(web.nodeIntegrationInSubFrames, false);
  assert.equal(web.webSecurity, true);
  assert.equal(web.allowRunningInsecureContent, false);
  assert.equal(web.webviewTag, false);
  assert.equal(web.experimentalFeatures, false);
  assert.equal(web.preload, '/app/dist/preload/index.cjs');
  assert.equal(options.show, false, 'shown on ready-to-show, never blank');
});

test('main.ts builds its window from those options and its session from that policy', () => {
  const source = readFileSync(join(__dirname, '../../main/app/main.ts'), 'utf8');
  assert.match(source, /new BrowserWindow\(\{\s*\.\.\.mainWindowOptions\(PRELOAD/);
  assert.match(source, /denyAllPermissions\(session\.defaultSession\)/);
  assert.match(source, /app\.on\('web-contents-created', \(_event, contents\) => guardContents\(contents\)\)/);
  assert.match(source, /protocol\.handle\('app', serveRenderer\)/);
  assert.match(
    source,
    /registerSchemesAsPrivileged\(\[\s*\{ scheme: 'app', privileges: \{ standard: true, secure: true/,
  );
  assert.match(source, /requestSingleInstanceLock\(\)/);
  assert.match(source, /const serveRenderer = appProtocolHandler\(RENDERER_ROOT\)/);
  assert.match(source, /new IpcRouter\(ipcMain\)/);
  // Nothing in the shell may turn the protections back off.
  assert.doesNotMatch(
    source,
    /nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false|webSecurity:\s*false/,
  );
});

test('every permission request and check is refused', () => {
  let request: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
  let check: ((wc: unknown, permission: string) => boolean) | null = null;
  denyAllPermissions({
    setPermissionRequestHandler: (h) => (request = h),
    setPermissionCheckHandler: (h) => (check = h),
  });
  for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid', 'serial', 'usb']) {
    let granted: boolean | null = null;
    request!(null, permission, (g) => (granted = g));
    assert.equal(granted, false, `${permission} request`);
    assert.equal(check!(null, permission), false, `${permission} check`);
  }
});

test('navigation, redirects off app://, webviews and new windows are refused', () => {
  const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  guardContents({
    on: ((name: string, listener: (event: { preventDefault(): void }, url?: string) => void) => {
      listeners.set(name, listener);
    }) as never,
    setWindowOpenHandler: (h) => (openHandler = h),
  });
  const fire = (name: string, url?: string): boolean => {
    let prevented = false;
    listeners.get(name)!({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  assert.equal(fire('will-navigate', 'https://example.invalid/'), true);
  assert.equal(fire('will-navigate', 'app://sightline/index.html'), true, 'even within the app: the page is single');
  assert.equal(fire('will-redirect', 'https://example.invalid/'), true);
  assert.equal(fire('will-redirect', 'app://sightline/index.html'), false);
  assert.equal(fire('will-attach-webview'), true);
  assert.deepEqual(openHandler!({ url: 'https://example.invalid/' }), { action: 'deny' });
});

test('the CSP allows only the app itself: no eval, no inline script, no plugins, no framing', () => {
  const csp = rendererCsp();
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values] as const;
    }),
  );
  assert.deepEqual(directives.get('default-src'), ["'self'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.deepEqual(directives.get('base-uri'), ["'none'"]);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
  assert.ok(!csp.includes('unsafe-eval'));
  const headers = securityHeaders(csp);
  assert.equal(headers['Content-Security-Policy'], csp);
  assert.equal(headers['X-Content-Type-Options'], 'nosniff');
});

test('the app:// handler serves the renderer with the CSP and security headers, and nothing else', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sightline app root '));
  try {
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(root, 'app.js'), 'console.log(1)');
    const serve = appProtocolHandler(root);
    const page = await serve(new Request('app://sightline/index.html'));
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await page.text(), '<!doctype html><title>x</title>');
    for (const [name, value] of Object.entries(securityHeaders(rendererCsp()))) {
      assert.equal(page.headers.get(name), value, name);
    }
    assert.equal((await serve(new Request('app://sightline/'))).status, 200, '/ is index.html');
    const head = await serve(new Request('app://sightline/app.js', { method: 'HEAD' }));
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const refused = [
      new Request('app://elsewhere/index.html'),
      new Request('app://sightline/index.html', { method: 'POST', body: 'x' }),
      new Request('app://sightline/missing.js'),
      new Request('app://sightline/%2e%2e/%2e%2e/etc/passwd'),
      new Request('app://sightline/a%00b'),
    ];
    for (const request of refused) {
      const answer = await serve(request);
      assert.ok(answer.status >= 400, `${request.method} ${request.url}: ${answer.status}`);
      assert.equal(answer.headers.get('content-security-policy'), rendererCsp(), 'errors carry the CSP too');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

function recordingActions(): { actions: MenuActions; calls: string[] } {
  const calls: string[] = [];
  const actions: MenuActions = {
    openRecording: () => calls.push('openRecording'),
    togglePanel: (p) => calls.push(`togglePanel:${p}`),
    resetLayout: () => calls.push('resetLayout'),
    addDevice: () => calls.push('addDevice'),
    discoverDevices: () => calls.push('discoverDevices'),
    about: () => calls.push('about'),
    openLogsFolder: () => calls.push('openLogsFolder'),
    openDeviceFile: () => calls.push('openDeviceFile'),
  };
  return { actions, calls };
}

type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void; accelerator?: string };

test('the menu has File, View, Devices and Help, and each item calls its action', () => {
  const { actions, calls } = recordingActions();
  const menu = menuTemplate(actions, { platform: 'linux', packaged: true }) as Item[];
  const top = (label: string): Item[] => {
    const found = menu.find((m) => m.label === label || m.role === label);
    assert.ok(found?.submenu, `${label} menu`);
    return found.submenu;
  };
  const click = (items: Item[], label: string): void => {
    const item = items.find((i) => i.label === label);
    assert.ok(item?.click, `${label} item`);
    item.click();
  };
  click(top('File'), 'Open Recording…');
  assert.ok(top('File').some((i) => i.role === 'quit'));
  for (const panel of MENU_PANELS) click(top('View'), panel.label);
  click(top('View'), 'Reset Layout');
  for (const role of ['togglefullscreen', 'zoomIn', 'zoomOut', 'resetZoom']) {
    assert.ok(
      top('View').some((i) => i.role === role),
      role,
    );
  }
  assert.ok(!top('View').some((i) => i.role === 'toggleDevTools'), 'no dev tools in a packaged app');
  click(top('Devices'), 'Add Device…');
  click(top('Devices'), 'Discover Devices');
  click(top('help'), 'About Sightline');
  click(top('help'), 'Open Logs Folder');
  click(top('help'), 'Open Device File');
  assert.deepEqual(calls, [
    'openRecording',
    ...MENU_PANELS.map((p) => `togglePanel:${p.id}`),
    'resetLayout',
    'addDevice',
    'discoverDevices',
    'about',
    'openLogsFolder',
    'openDeviceFile',
  ]);
  const mac = menuTemplate(actions, { platform: 'darwin', packaged: false }) as Item[];
  assert.equal(mac[0]!.role, 'appMenu');
});

test('the View menu lists every panel the page can show, each with its own accelerator', () => {
  assert.deepEqual(
    MENU_PANELS.map((p) => p.id),
    [...FOCUS_ORDER],
  );
  const { actions } = recordingActions();
  const menu = menuTemplate(actions, { platform: 'linux', packaged: true }) as Item[];
  const view = menu.find((m) => m.label === 'View')?.submenu ?? [];
  const accelerators = view.filter((i) => i.accelerator).map((i) => i.accelerator);
  assert.equal(new Set(accelerators).size, accelerators.length, 'no accelerator twice');
  assert.ok(accelerators.length >= MENU_PANELS.length);
});

test('About names every version support asks for', () => {
  const text = aboutText({ app: '0.1.0', electron: '45.4.1', chrome: '142.0', node: '22.20.0', v8: '14.2' });
  for (const part of ['Sightline 0.1.0', 'Electron 45.4.1', 'Chromium 142.0', 'Node.js 22.20.0', 'V8 14.2']) {
    assert.ok(text.includes(part), part);
  }
});

test('the window reopens where it was left, when that place is still on a screen', () => {
  const screens = [
    { x: 0, y: 0, width: 1920, height: 1050 },
    { x: 1920, y: 0, width: 2560, height: 1400 },
  ];
  const saved = { x: 2100, y: 100, width: 1600, height: 1000, maximized: true, fullScreen: false };
  assert.deepEqual(restoreBounds(saved, screens, DEFAULT_WINDOW), saved);
});

test('a window left on a screen that is gone reopens centred on the primary one, shrunk to fit', () => {
  const primary = { x: 0, y: 0, width: 1280, height: 760 };
  const saved = { x: 2100, y: 100, width: 1600, height: 1000, maximized: false, fullScreen: false };
  const b = restoreBounds(saved, [primary], DEFAULT_WINDOW);
  assert.deepEqual(b, { x: 0, y: 0, width: 1280, height: 760, maximized: false, fullScreen: false });
  const first = restoreBounds(undefined, [{ x: 0, y: 0, width: 1920, height: 1080 }], DEFAULT_WINDOW);
  assert.deepEqual(first, { x: 240, y: 90, width: 1440, height: 900, maximized: false, fullScreen: false });
  // Only a sliver of the title bar visible counts as gone.
  const sliver = restoreBounds({ ...saved, x: 1270, y: 10 }, [primary], DEFAULT_WINDOW);
  assert.equal(sliver.x, 0);
});
