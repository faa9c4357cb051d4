/**
 * The desktop app's IPC path, beyond what the shared suites check on it: what the page can reach (only
 * window.sightline), that every RPC is validated in main before it acts (malformed calls sent straight
 * over IPC, past the preload's own check), that a page other than the app's own is refused, that a
 * second window attaches to the same router (pop-out windows), and that the Electron stand-in keeps
 * the behaviours it claims (README, "The desktop path without the Electron binary").
 *
 *   npm run build && node --import tsx --test test/e2e/ipc-path.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REFUSED_SENDER } from '../../main/app/ipc';
import { runSmoke, SMOKE_PAGE_PROBE, type SmokeReading } from '../../main/app/smoke';
import { IpcChannels } from '../../preload/api';
import { checkNoNodeInPage, debugBatches } from './checks';
import { useHeadlessDemoPage, type DemoPage } from './demo-page';
import { waitFor, watchPage } from './helpers';
import { openIpcWindow, type IpcWindow } from './ipc/ipc-window';
import { IPC_BINDING } from './ipc/main-stand-in';
import { preloadScript } from './ipc/stand-in-script';

/**
 * A preload of the tests' own, for checking the stand-in and for reaching IPC past the real preload's
 * checks: it hands the page ipcRenderer's calls (the app's preload never would).
 */
const PROBE_PRELOAD = `
const { contextBridge, ipcRenderer } = require('electron');
class Shape { constructor() { this.a = 1; } hello() { return 'hi'; } }
contextBridge.exposeInMainWorld('probe', {
  invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
  send: (channel, ...args) => ipcRenderer.send(channel, ...args),
  on: (channel, listener) => { ipcRenderer.on(channel, (_event, ...args) => listener(...args)); },
  shapes: {
    instance: new Shape(),
    nested: { promise: Promise.resolve(1), symbol: Symbol('s'), bytes: new Uint8Array([1, 2, 3]) },
    fn: (x) => ({ doubled: x * 2, arg: Object.prototype.toString.call(x) }),
    later: () => Promise.resolve({ x: 1 }),
    thrower: () => { const e = new Error('boom'); e.code = 'E_BOOM'; throw e; },
    takesCallback: (cb) => cb(new Float64Array([0.5])),
  },
});
`;

interface ProbeWindow {
  probe: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    send(channel: string, ...args: unknown[]): void;
    on(channel: string, listener: (...args: unknown[]) => void): void;
    shapes: Record<string, unknown> & {
      instance: { a: number; hello?: unknown };
      nested: Record<string, unknown>;
      fn(x: unknown): { doubled: number; arg: string };
      later(): Promise<unknown>;
      thrower(): never;
      takesCallback(cb: (value: unknown) => unknown): unknown;
    };
  };
  received: [string, unknown[]][];
}

describe('the desktop IPC path (Electron stand-in): security and the stand-in itself', () => {
  const live = useHeadlessDemoPage('IPC path', {}, 'ipc');
  const dir = mkdtempSync(join(tmpdir(), 'sightline-ipc-probe-'));
  let foreign: Server | null = null;
  let foreignUrl = '';

  before(async () => {
    foreign = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>not Sightline</title><p>a page that is not the app</p>');
    });
    await new Promise<void>((resolve) => foreign!.listen(0, '127.0.0.1', resolve));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await new Promise<void>((resolve) => (foreign ? foreign.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A window on the same router and Hub, with `script` as its preload. */
  async function probeWindow(env: DemoPage, url: string): Promise<IpcWindow> {
    const ipc = env.ipc!;
    const file = join(dir, 'probe-preload.cjs');
    writeFileSync(file, PROBE_PRELOAD);
    const win = await openIpcWindow(
      { ...ipc, preloadScript: await preloadScript(file) },
      env.server,
      ipc.browser.context,
    );
    await win.page.goto(url, { waitUntil: 'load', timeout: 15_000 });
    return win;
  }

  test('the page sees window.sightline and nothing else of the preload: no require, process, ipcRenderer', async (t) => {
    const env = live(t);
    if (!env) return;
    await checkNoNodeInPage(env.page);
    const reach = await env.page.evaluate((binding) => {
      const w = window as unknown as Record<string, unknown>;
      return {
        ipcRenderer: typeof w.ipcRenderer,
        contextBridge: typeof w.contextBridge,
        exports: typeof w.exports,
        binding: typeof w[binding],
        keys: Object.keys(w.sightline as object).sort(),
        frozen: Object.isFrozen(w.sightline),
        transport: (w.sightline as { transport: string }).transport,
        replaced: (() => {
          try {
            w.sightline = null;
          } catch {
            // strict-mode code would throw; the property stays either way
          }
          return w.sightline !== null;
        })(),
      };
    }, IPC_BINDING);
    assert.deepEqual(reach, {
      ipcRenderer: 'undefined',
      contextBridge: 'undefined',
      exports: 'undefined',
      binding: 'undefined',
      keys: ['ack', 'call', 'onBatch', 'onEvent', 'transport'],
      frozen: true,
      transport: 'electron',
      replaced: true,
    });
    // Against the same page loaded with no preload at all: the only new global is window.sightline,
    // besides the two Playwright puts in any page it has a binding in (its own plumbing, not ours).
    const plain: Page = await env.ipc!.browser.context.newPage();
    try {
      await watchPage(plain); // the same test-only global (__cspViolations) as the app page
      await plain.goto(env.url, { waitUntil: 'load', timeout: 15_000 });
      const names = (page: Page): Promise<string[]> => page.evaluate(() => Object.getOwnPropertyNames(window));
      const without = new Set(await names(plain));
      const added = (await names(env.page)).filter((name) => !without.has(name)).sort();
      assert.deepEqual(
        added.filter((name) => !name.startsWith('__playwright__binding__')),
        ['sightline'],
        `globals added: ${added.join(', ')}`,
      );
    } finally {
      await plain.close();
    }
  });

  test('every RPC is validated in main before it acts: malformed calls over IPC are refused, without effect', async (t) => {
    const env = live(t);
    if (!env) return;
    const win = await probeWindow(env, `${new URL(env.url).origin}/probe`);
    try {
      const page = win.page;
      const invoke = (method: unknown, params?: unknown): Promise<{ ok: boolean; error?: string }> =>
        page.evaluate(([channel, m, p]) => (window as unknown as ProbeWindow).probe.invoke(channel, m, p), [
          IpcChannels.rpc,
          method,
          params,
        ] as const) as Promise<{ ok: boolean; error?: string }>;
      const devicesBefore = env.server.hub.snapshots().map((d) => d.id);
      const sessionBefore = await invoke('getSession', {});
      assert.equal(sessionBefore.ok, true, 'a well-formed call from the app page is answered');
      const rejectedBefore = win.link.stats().rpcRejected;
      const malformed: [unknown, unknown][] = [
        ['noSuchMethod', {}],
        [42, {}],
        ['__proto__', {}],
        ['constructor', {}],
        ['hasOwnProperty', {}],
        ['startSession', { name: 'a,b' }],
        ['startSession', { name: 'x'.repeat(10_000) }],
        ['startSession', { name: 'ok', unexpected: true }],
        ['startSession', 'not an object'],
        ['startSession', [1, 2, 3]],
        ['addDevice', { kind: 'natnet', address: '127.0.0.1', evil: true }],
        ['addDevice', { kind: 'no-such-kind', address: '127.0.0.1' }],
        ['addDevice', { kind: 'natnet', address: 'x'.repeat(5_000) }],
        ['removeDevice', { deviceId: '' }],
        ['removeDevice', {}],
        ['removeDevice', { deviceId: 'd'.repeat(1_000) }],
        ['connectDevice', { deviceId: 7 }],
        ['openRecording', { path: '' }],
        ['playbackControl', { action: 'seek', positionNs: -1 }],
        ['playbackControl', { action: 'explode' }],
        ['sendOperatorEvent', { text: '' }],
        ['sendOperatorEvent', { text: 'x'.repeat(501) }],
        ['saveLayout', { layout: 'x'.repeat(200_000) }],
      ];
      for (const [method, params] of malformed) {
        const answer = await invoke(method, params);
        assert.equal(answer.ok, false, `${String(method)} ${JSON.stringify(params)?.slice(0, 60)} was accepted`);
        assert.ok(answer.error && answer.error.length < 1_000, 'a short reason, never a stack');
        assert.doesNotMatch(answer.error ?? '', /\n\s+at /, 'no stack trace in the answer');
      }
      assert.equal(win.link.stats().rpcRejected - rejectedBefore, malformed.length, 'each one counted');
      assert.deepEqual(
        env.server.hub.snapshots().map((d) => d.id),
        devicesBefore,
      );
      assert.deepEqual(await invoke('getSession', {}), sessionBefore, 'no session was started');
      // Acks that are not a sequence number are dropped before the link sees them.
      const acksBefore = win.link.stats().acks;
      await page.evaluate((channel) => {
        const { probe } = window as unknown as ProbeWindow;
        for (const bad of [-1, 1.5, 'seven', null, { seq: 1 }, Number.MAX_SAFE_INTEGER + 2, NaN])
          probe.send(channel, bad);
      }, IpcChannels.ack);
      // A call after the acks: IPC keeps one renderer's messages in order, so they have arrived.
      await invoke('getSession', {});
      assert.equal(win.link.stats().acks, acksBefore);
    } finally {
      await win.page.close();
    }
  });

  test('the --smoke check passes on this path: a fresh window gets a pose batch and draws a video frame', async (t) => {
    const env = live(t);
    if (!env) return;
    const ipc = env.ipc!;
    const win = await openIpcWindow(ipc, env.server, ipc.browser.context);
    try {
      const started = performance.now();
      const loaded = win.page.goto(env.url, { waitUntil: 'load', timeout: 15_000 });
      // The very expression main.ts evaluates in the window (webContents.executeJavaScript).
      const result = await runSmoke({
        probe: () => win.page.evaluate(SMOKE_PAGE_PROBE) as Promise<SmokeReading | null>,
        now: () => performance.now() - started,
        failure: new Promise<string>((resolve) => win.page.once('crash', () => resolve('the page crashed'))),
        timeoutMs: 30_000,
      });
      await loaded;
      assert.equal(result.ok, true, result.line);
      t.diagnostic(`${result.line} (loaded machine, Chromium with software GL)`);
    } finally {
      await win.page.close();
    }
  });

  test('a page that is not the app’s own is refused, whatever it calls, and its acks are ignored', async (t) => {
    const env = live(t);
    if (!env) return;
    const ipc = env.ipc!;
    const win = await openIpcWindow(ipc, env.server, ipc.browser.context);
    try {
      const problems = await watchPage(win.page);
      // The real preload runs in whatever the window shows; main must tell the page apart.
      await win.page.goto(foreignUrl, { waitUntil: 'load', timeout: 15_000 });
      const rejectedBefore = ipc.router.rejected;
      const acksBefore = win.link.stats().acks;
      const answers = await win.page.evaluate(async () => {
        const api = (window as unknown as { sightline: import('../../preload/api').SightlineApi }).sightline;
        api.ack(0);
        return [await api.call('getSession', {}), await api.call('startSession', { name: 'intruder' })];
      });
      assert.deepEqual(answers, [
        { ok: false, error: REFUSED_SENDER },
        { ok: false, error: REFUSED_SENDER },
      ]);
      assert.equal(ipc.router.rejected - rejectedBefore, 3, 'two calls and an ack refused');
      assert.equal(win.link.stats().acks, acksBefore);
      assert.equal(win.link.stats().rpcCalls, 0, 'nothing reached the link');
      t.diagnostic(`foreign page errors: ${problems.errors.length}`);
    } finally {
      await win.page.close();
    }
    // The app's own page is untouched by all this.
    const before = await debugBatches(env.page);
    await waitFor('batches still arriving in the app page', async () => (await debugBatches(env.page)) > before + 5);
  });

  test('a second window attaches to the same router and gets its own link (pop-out windows)', async (t) => {
    const env = live(t);
    if (!env) return;
    const ipc = env.ipc!;
    const second = await openIpcWindow(ipc, env.server, ipc.browser.context);
    try {
      await second.page.goto(env.url, { waitUntil: 'load', timeout: 15_000 });
      await waitFor('batches in the second window', async () => (await debugBatches(second.page)) > 10, 15_000);
      assert.notEqual(second.contents.id, ipc.window.contents.id);
      const before = await debugBatches(env.page);
      await waitFor('batches still in the first', async () => (await debugBatches(env.page)) > before + 5);
    } finally {
      await second.page.close();
    }
    assert.equal(second.transport.isOpen, false, 'closed with its window');
    const before = await debugBatches(env.page);
    await waitFor('the first window unaffected', async () => (await debugBatches(env.page)) > before + 5);
  });

  test('the stand-in keeps Electron’s rules: context bridge copies, structured clone, handler errors', async (t) => {
    const env = live(t);
    if (!env) return;
    const ipc = env.ipc!;
    ipc.ipcMain.handle('probe:echo', (_event, ...args) => args);
    ipc.ipcMain.handle('probe:buffer', () => Buffer.from([1, 2, 3]));
    ipc.ipcMain.handle('probe:boom', () => {
      throw new Error('disk full');
    });
    assert.throws(() => ipc.ipcMain.handle('probe:echo', () => null), /second handler for 'probe:echo'/);
    const win = await probeWindow(env, `${new URL(env.url).origin}/probe`);
    try {
      const page = win.page;
      await page.evaluate(() => {
        const w = window as unknown as ProbeWindow;
        w.received = [];
        w.probe.on('probe:push', (...args: unknown[]) => w.received.push(['probe:push', args]));
      });
      const bridge = await page.evaluate(async () => {
        const { shapes } = (window as unknown as ProbeWindow).probe;
        let thrown: Record<string, unknown> = {};
        try {
          shapes.thrower();
        } catch (error) {
          thrown = {
            isError: error instanceof Error,
            message: (error as Error).message,
            code: (error as { code?: string }).code,
          };
        }
        return {
          instanceProto: Object.getPrototypeOf(shapes.instance) === Object.prototype,
          instanceA: shapes.instance.a,
          instanceHello: typeof shapes.instance.hello,
          nestedPromise: typeof shapes.nested.promise,
          nestedSymbol: typeof shapes.nested.symbol,
          bytes: Object.prototype.toString.call(shapes.nested.bytes),
          frozen: Object.isFrozen(shapes) && Object.isFrozen(shapes.nested),
          fn: shapes.fn(new Int16Array([1])),
          later: await shapes.later(),
          thrown,
          callback: shapes.takesCallback((value: unknown) => Object.prototype.toString.call(value)),
        };
      });
      assert.deepEqual(bridge, {
        instanceProto: true,
        instanceA: 1,
        instanceHello: 'undefined',
        nestedPromise: 'undefined',
        nestedSymbol: 'undefined',
        bytes: '[object Uint8Array]',
        frozen: true,
        fn: { doubled: 2, arg: '[object Int16Array]' },
        later: { x: 1 },
        thrown: { isError: true, message: 'boom', code: undefined },
        callback: '[object Float64Array]',
      });

      const ipcAnswers = await page.evaluate(async () => {
        const { probe } = window as unknown as ProbeWindow;
        const echo = (await probe.invoke('probe:echo', new Float64Array([1.5, -0]), new Map([[1, 'a']]), undefined, {
          d: new Date(5),
          n: NaN,
        })) as unknown[];
        const buffer = await probe.invoke('probe:buffer');
        return {
          echo: echo.map((v) => Object.prototype.toString.call(v)),
          minusZero: Object.is((echo[0] as Float64Array)[1], -0),
          nan: Number.isNaN((echo[3] as { n: number }).n),
          buffer: [Object.prototype.toString.call(buffer), Array.from(buffer as Uint8Array)],
          failures: await Promise.all(
            [probe.invoke('probe:boom'), probe.invoke('probe:nobody'), probe.invoke('probe:echo', () => 1)].map((p) =>
              p.then(
                (value) => ({ value }),
                (error: Error) => ({ error: error.message }),
              ),
            ),
          ),
          sendUncloneable: (() => {
            try {
              probe.send('probe:x', [() => 1]); // (an array: esbuild would name an object's arrow with a helper the page lacks)
              return 'sent';
            } catch (error) {
              return (error as Error).message;
            }
          })(),
        };
      });
      assert.deepEqual(ipcAnswers, {
        echo: ['[object Float64Array]', '[object Map]', '[object Undefined]', '[object Object]'],
        minusZero: true,
        nan: true,
        buffer: ['[object Uint8Array]', [1, 2, 3]],
        failures: [
          { error: "Error invoking remote method 'probe:boom': Error: disk full" },
          { error: "Error invoking remote method 'probe:nobody': Error: No handler registered for 'probe:nobody'" },
          { error: 'An object could not be cloned.' },
        ],
        sendUncloneable: 'An object could not be cloned.',
      });

      // main → page: webContents.send clones too; a subarray arrives with its whole buffer, a Buffer as a Uint8Array.
      const whole = new Float64Array([1, 2, 3, 4]);
      win.contents.send('probe:push', whole.subarray(1, 3), Buffer.from('hi'), {
        at: new Date(7),
        nested: [undefined],
      });
      assert.throws(() => win.contents.send('probe:push', { f: () => 1 }), /Failed to serialize arguments/);
      const pushed = await waitFor('the pushed message', () =>
        page.evaluate(() => {
          const [entry] = (window as unknown as ProbeWindow).received;
          if (!entry) return false;
          const [view, buffer, rest] = entry[1] as [Float64Array, Uint8Array, { at: Date; nested: unknown[] }];
          return {
            view: [
              Object.prototype.toString.call(view),
              view.length,
              view.byteOffset,
              view.buffer.byteLength,
              Array.from(view),
            ],
            buffer: [Object.prototype.toString.call(buffer), new TextDecoder().decode(buffer)],
            at: rest.at instanceof Date ? rest.at.getTime() : null,
            nested: rest.nested.length === 1 && 0 in rest.nested && rest.nested[0] === undefined,
          };
        }),
      );
      assert.deepEqual(pushed, {
        view: ['[object Float64Array]', 2, 8, 32, [2, 3]],
        buffer: ['[object Uint8Array]', 'hi'],
        at: 7,
        nested: true,
      });
    } finally {
      ipc.ipcMain.removeHandler('probe:echo');
      ipc.ipcMain.removeHandler('probe:buffer');
      ipc.ipcMain.removeHandler('probe:boom');
      await win.page.close();
    }
  });
});
