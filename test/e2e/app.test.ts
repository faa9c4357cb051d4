/**
 * End to end: the built renderer in Debian's Chromium in demo mode (every simulated device on loopback),
 * on both link paths: headless mode's WebSocket, and the desktop app's IPC path (the real preload and
 * IPC transport over an Electron stand-in, test/e2e/ipc/). The same checks run against the Electron app
 * when its binary is installed.
 *
 *   npm run build && node --import tsx --test test/e2e/app.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { DEMO_DEVICE_ID } from '../../main/protocols/natnet/demo';
import { HEADER_TRANSPORT, LINK_PATHS, useHeadlessDemoPage } from './demo-page';
import { startHeadless } from '../../main/headless';
import {
  checkDeviceHealth,
  checkNoNodeInPage,
  checkRecording,
  checkSceneMoves,
  debugBatches,
  debugBodies,
  debugLatencies,
  waitForStreaming,
} from './checks';
import {
  ARTIFACTS,
  ROOT,
  VIEWPORT,
  electronBinary,
  ensureBuilt,
  pageCspViolations,
  waitFor,
  watchPage,
  withTimeout,
} from './helpers';
import type { TestWindow } from './page-globals';
import { checkPlayback, checkRecordSession, checkTimePanel } from './session-checks';
import { showPanel } from './dock';

/** main/demo.ts starts the simulated Motive at this rate (demoRateHz default). */
const DEMO_RATE_HZ = 120;
/** Test artefacts stay out of the tracked tree; `npm run screenshot` copies this one to docs/screenshot.png. */
const SCREENSHOT = join(ARTIFACTS, 'screenshots', 'app.png');
const RECORDINGS = join(ARTIFACTS, 'recordings', 'e2e');

for (const path of LINK_PATHS) {
  describe(`renderer in Debian Chromium, demo mode, ${path === 'ipc' ? 'desktop IPC path' : 'headless WebSocket path'}`, () => {
    const live = useHeadlessDemoPage(`Chromium (${path})`, { recordingsDir: join(RECORDINGS, path) }, path);
    let recordedFolder: string | null = null;
    /** What only headless mode has (its worker, its server going away) or needs once (the screenshot). */
    const onWebSocket = (name: string, fn: (t: TestContext) => Promise<void>): void => {
      if (path === 'websocket') test(name, fn);
    };

    test('the page loads with no console errors and no CSP violations', async (t) => {
      const env = live(t);
      if (!env) return;
      await env.page.getByTestId('scene').waitFor({ timeout: 10_000 });
      await waitFor('the first batches', async () => (await debugLatencies(env.page)).length > 10, 10_000);
      await env.page.waitForTimeout(500);
      const csp = [...env.problems.cspViolations, ...(await pageCspViolations(env.page))];
      assert.deepEqual(csp, [], `CSP violations:\n${csp.join('\n')}`);
      assert.deepEqual(env.problems.errors, [], `console errors:\n${env.problems.errors.join('\n')}`);
      if (env.problems.warnings.length) t.diagnostic(`console warnings: ${env.problems.warnings.join(' | ')}`);
      assert.equal(await env.page.getByTestId('header-transport').textContent(), HEADER_TRANSPORT[path]);
      await env.page.getByTestId('demo-badge').waitFor({ timeout: 5_000 });
      await checkNoNodeInPage(env.page);
    });

    test('demo mode: every device kind the Hub runs streams in the page', async (t) => {
      const env = live(t);
      if (!env) return;
      const devices = env.server.hub.snapshots();
      const kinds = new Set(devices.map((d) => d.kind));
      assert.ok(kinds.size >= 4, `demo mode runs ${[...kinds].join(', ')}`);
      for (const device of devices) await waitForStreaming(env.page, device.id);
      t.diagnostic(`${devices.length} devices streaming: ${[...kinds].join(', ')}`);
    });

    test('the 3D view shows the bodies moving (pixels, not the DOM)', async (t) => {
      const env = live(t);
      if (!env) return;
      const { drawn, changed, total } = await checkSceneMoves(env.page);
      t.diagnostic(`canvas ${total} px: ${drawn} drawn, ${changed} changed in 500 ms`);
    });

    test('the Devices panel shows live health', async (t) => {
      const env = live(t);
      if (!env) return;
      const reading = await checkDeviceHealth(env.page, DEMO_DEVICE_ID, DEMO_RATE_HZ);
      t.diagnostic(`rate ${reading.rateHz} Hz, samples ${reading.samplesBefore} → ${reading.samplesAfter}`);
      const latencies = await debugLatencies(env.page);
      const sorted = [...latencies].sort((a, b) => a - b);
      t.diagnostic(
        `arrival→store latency over ${sorted.length} batches: p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)} ms`,
      );
    });

    onWebSocket(
      'the link runs in a worker: cross-origin isolated, stored off the main thread, software GL detected',
      async (t) => {
        const env = live(t);
        if (!env) return;
        const state = await env.page.evaluate(() => ({
          isolated: crossOriginIsolated,
          path: (window as TestWindow).__sightlineDebug?.linkPath(),
          quality: (window as TestWindow).__sightlineDebug?.quality(),
        }));
        assert.equal(state.isolated, true, 'the page is not cross-origin isolated (COOP/COEP headers)');
        assert.equal(state.path, 'worker');
        await showPanel(env.page, 'Health');
        assert.match((await env.page.getByTestId('health-link-path').textContent()) ?? '', /worker thread/);
        // CHROMIUM_ARGS force SwiftShader: the view must have noticed before creating its canvas.
        assert.ok(state.quality, 'no quality() debug hook');
        assert.match(state.quality.gl ?? '', /SwiftShader \(software\)/);
        assert.equal(state.quality.antialias, false);
        assert.ok(state.quality.dpr >= 0.5 && state.quality.dpr <= 1, `dpr ${state.quality.dpr}`);
        assert.match(
          (await env.page.getByTestId('health-gl').textContent()) ?? '',
          /^SwiftShader \(software\) · dpr [0-9.]+ · AA off$/,
        );

        // Block the page's main thread for a second. Batches keep being stored and acked by the worker,
        // so none of them waits for the page: on the main-thread path the batch that arrived during the
        // stall would show ~1000 ms.
        const before = await debugBatches(env.page);
        await env.page.evaluate(() => {
          const until = performance.now() + 1000;
          while (performance.now() < until) {
            // busy: this is what a software-rendered frame does to the main thread, only longer
          }
        });
        // Let the worker's ~4 Hz figures reach the page.
        await waitFor(
          'batches stored during the stall',
          async () => (await debugBatches(env.page)) >= before + 20,
          5_000,
        );
        const stored = (await debugBatches(env.page)) - before;
        const latencies = (await debugLatencies(env.page)).slice(-stored);
        const worst = Math.max(...latencies);
        t.diagnostic(`${stored} batches across a 1 s main-thread stall, worst arrival→store ${worst.toFixed(1)} ms`);
        assert.ok(worst < 500, `a batch waited ${worst.toFixed(0)} ms: the main thread's stall delayed the link`);
        // Leave the page as found: the next tests (the README screenshot) should not show the stall's
        // one-second render-fps dip. Best effort; a busy machine may stay slower.
        await waitFor(
          'render fps after the stall',
          () => env.page.evaluate(() => ((window as TestWindow).__sightlineDebug?.fps() ?? 0) >= 20),
          4_000,
          250,
        ).catch(() => t.diagnostic('render fps still below 20 after the stall'));
      },
    );

    onWebSocket('a screenshot of the whole window for the README', async (t) => {
      const env = live(t);
      if (!env) return;
      // Wait for a stats tick, so the Health panel shows measured numbers rather than zeros.
      await showPanel(env.page, 'Health');
      await waitFor(
        'render fps in the Health panel',
        async () => (await env.page.getByTestId('health-fps').getAttribute('data-value')) !== '0',
        5_000,
      );
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await env.page.screenshot({ path: SCREENSHOT, timeout: 10_000 });
      assert.deepEqual(env.page.viewportSize(), VIEWPORT);
      t.diagnostic(`saved ${SCREENSHOT}`);
    });

    test('Record turns the simulator recording on and the indicator follows; Stop turns it off', async (t) => {
      const env = live(t);
      if (!env) return;
      // The simulated Motive itself, not what the client reports about it: the device side is the truth.
      const simulator = env.server.devices?.demo?.motive;
      assert.ok(simulator, 'the headless handle does not expose the demo simulator (server.devices.demo.motive)');
      await checkRecording(env.page, DEMO_DEVICE_ID, () => simulator.recording);
      assert.equal(simulator.recording, false);
    });

    onWebSocket(
      'without cross-origin isolation, or without the worker script, the link runs on the main thread',
      async (t) => {
        const env = live(t);
        if (!env) return;
        const context = env.page.context();
        const variants: { name: string; setUp(page: Page): Promise<unknown> }[] = [
          {
            // As if served without COOP/COEP. (Stripping the real header needs request interception, and a
            // document fulfilled by the test counts as a public page that may not open a loopback socket.)
            name: 'not cross-origin isolated',
            setUp: (page) =>
              page.addInitScript(() => Object.defineProperty(window, 'crossOriginIsolated', { value: false })),
          },
          { name: 'worker script missing', setUp: (page) => page.route('**/link-worker.js', (route) => route.abort()) },
        ];
        for (const variant of variants) {
          const page: Page = await context.newPage();
          try {
            const problems = await watchPage(page);
            await variant.setUp(page);
            await page.goto(env.server.url, { waitUntil: 'load', timeout: 15_000 });
            await waitFor(
              `${variant.name}: main-thread path`,
              () => page.evaluate(() => (window as TestWindow).__sightlineDebug?.linkPath() === 'main-thread'),
              10_000,
            );
            await waitFor(`${variant.name}: batches`, async () => (await debugBatches(page)) > 20, 10_000);
            await waitFor(`${variant.name}: bodies`, async () => (await debugBodies(page)).length > 0, 10_000);
            assert.deepEqual(problems.errors, [], `${variant.name}: console errors:\n${problems.errors.join('\n')}`);
            const csp: string[] = [...problems.cspViolations, ...(await pageCspViolations(page))];
            assert.deepEqual(csp, [], `${variant.name}: CSP violations:\n${csp.join('\n')}`);
          } finally {
            await page.close();
          }
        }
        // The suite's own page was a background tab meanwhile (rAF throttled): make it the active one again.
        await env.page.bringToFront();
      },
    );

    test('the Time panel shows the demo clock: offset, uncertainty, drift, no jump', async (t) => {
      const env = live(t);
      if (!env) return;
      t.diagnostic(await checkTimePanel(env.page, DEMO_DEVICE_ID));
    });

    test('one Record button: the local recording, the device answers, operator events', async (t) => {
      const env = live(t);
      if (!env) return;
      const motive = env.server.devices?.demo?.motive;
      assert.ok(motive, 'demo simulator');
      const folder = await checkRecordSession(env.page, DEMO_DEVICE_ID, () => motive.recording);
      t.diagnostic(`recorded to ${folder}`);
      recordedFolder = folder;
    });

    test('the recording opens as playback: its device replays, pause holds, the timeline seeks', async (t) => {
      const env = live(t);
      if (!env) return;
      assert.ok(recordedFolder, 'the Record test made a recording');
      await checkPlayback(env.page, join(recordedFolder, 'recording.mcap'), DEMO_DEVICE_ID);
    });

    onWebSocket('the page shows a lost link and comes back when the server does', async (t) => {
      const env = live(t);
      if (!env) return;
      const port = env.server.port;
      await env.server.close();
      await env.page
        .getByTestId('link-state')
        .and(env.page.locator('[data-state="reconnecting"]'))
        .waitFor({ timeout: 5_000 });
      const before = await debugBatches(env.page);
      const restarted = await withTimeout(
        startHeadless({ demo: true, port, host: '127.0.0.1', log: () => {}, recordingsDir: join(RECORDINGS, path) }),
        20_000,
        'headless restart',
      );
      t.after(() => restarted.close());
      // Backoff is capped at 5 s (+20 % jitter); then the new server replays devices and poses.
      await env.page
        .getByTestId('link-state')
        .and(env.page.locator('[data-state="open"]'))
        .waitFor({ timeout: 10_000 });
      await waitForStreaming(env.page, DEMO_DEVICE_ID);
      await waitFor('batches from the new server', async () => (await debugBatches(env.page)) > before + 10, 10_000);
      // The worker reconnected on its own: the link did not fall back to the main thread.
      assert.equal(await env.page.evaluate(() => (window as TestWindow).__sightlineDebug?.linkPath()), 'worker');
    });
  });
}

describe('the Electron app', () => {
  const binary = electronBinary();
  let app: ElectronApplication | null = null;

  after(async () => {
    await app?.close().catch(() => {});
  });

  test('the same checks in the Electron window (demo mode)', async (t) => {
    if ('reason' in binary) {
      console.log(`skipping the Electron suite: ${binary.reason}`);
      t.skip(binary.reason);
      return;
    }
    ensureBuilt();
    app = await _electron.launch({
      executablePath: binary.path,
      args: [join(ROOT, 'dist/main/app.cjs'), '--demo'],
      // Settings, logs and Electron's own data in a throwaway folder, not the tester's.
      env: { ...process.env, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'sightline-electron-')) },
      timeout: 30_000,
    });
    const window = await app.firstWindow({ timeout: 20_000 });
    const problems = await watchPage(window);
    await window.reload({ waitUntil: 'load', timeout: 15_000 });
    await window.setViewportSize(VIEWPORT);
    assert.equal(await window.getByTestId('header-transport').textContent({ timeout: 10_000 }), 'desktop link');
    await checkNoNodeInPage(window);
    await checkSceneMoves(window);
    await checkDeviceHealth(window, DEMO_DEVICE_ID, DEMO_RATE_HZ);
    // The simulator runs in Electron's main process, out of reach: the UI has to follow the device flag.
    await checkRecording(window, DEMO_DEVICE_ID, null);
    const csp = [...problems.cspViolations, ...(await pageCspViolations(window))];
    assert.deepEqual(csp, [], `CSP violations:\n${csp.join('\n')}`);
    assert.deepEqual(problems.errors, [], `console errors:\n${problems.errors.join('\n')}`);
  });
});
