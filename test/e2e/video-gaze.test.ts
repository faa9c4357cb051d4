/**
 * End to end, scene video with gaze: the built renderer in Debian's Chromium against headless demo
 * mode, where a simulated Pupil Companion streams H.264 and 200 Hz gaze over RTSP to a real client.
 * Checked on screen pixels: the video is decoded (not blank, changing), and the gaze ring sits where
 * the simulator put the gaze at that frame's time (its path is a pure function of the phone clock).
 * Then the phone's remote control: each button shows the phone's own answer.
 *
 *   npm run build && node --import tsx --test test/e2e/video-gaze.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { DeviceSnapshot } from '../../preload/api';
import type { HeadlessServer } from '../../main/headless';
import { DEMO_PUPIL_ID } from '../../main/protocols/pupil/demo';
import { gazeAt } from '../../main/protocols/pupil/gaze-path';
import { LINK_PATHS, useHeadlessDemoPage } from './demo-page';
import { ARTIFACTS, pageCspViolations, waitFor, type PageProblems } from './helpers';
import type { TestWindow } from './page-globals';
import { checkGazeRing, checkVideoChanges, debugVideo, waitForVideo } from './video-checks';

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

/** `npm run screenshot` copies the WebSocket path's one to docs/video-gaze.png. */
const screenshotFor = (path: string): string =>
  join(ARTIFACTS, 'screenshots', path === 'websocket' ? 'video-gaze.png' : `video-gaze-${path}.png`);
const TOLERANCE_PX = 10;

for (const path of LINK_PATHS) {
  describe(`scene video with gaze in Debian Chromium, demo mode, ${path === 'ipc' ? 'desktop IPC path' : 'headless WebSocket path'}`, () => {
    const demo = useHeadlessDemoPage(`video (${path})`, {}, path);
    /** The demo page, once the demo phone streams; null (skipped) without Chromium. */
    async function live(t: {
      skip(reason: string): void;
    }): Promise<{ page: Page; server: HeadlessServer; problems: PageProblems; phone: DeviceSnapshot } | null> {
      const env = demo(t);
      if (!env) return null;
      const hub = env.server.hub;
      await waitFor('the demo phone streaming', () => hub.get(DEMO_PUPIL_ID)?.health.state === 'streaming', 20_000);
      return { ...env, phone: hub.get(DEMO_PUPIL_ID)! };
    }

    test('the video is decoded and drawn: not blank, changing between frames, never a broken unit', async (t) => {
      const env = await live(t);
      if (!env) return;
      const stats = await waitForVideo(env.page, env.phone.handle, 30);
      t.diagnostic(`${stats.codec} ${stats.width}×${stats.height}, ${stats.drawn} drawn, status ${stats.status}`);
      assert.match(stats.codec ?? '', /^avc1\.[0-9A-F]{6}$/);
      const { distinct, changed } = await checkVideoChanges(env.page, env.phone.handle);
      t.diagnostic(`${distinct} distinct colours, ${changed} pixels changed in 300 ms`);
      const after = (await debugVideo(env.page)).find((s) => s.handle === env.phone.handle)!;
      assert.equal(after.decodeErrors, 0, `decoder errors: ${after.status}`);
    });

    test(`the gaze ring is drawn within ${TOLERANCE_PX} px of where the simulator put the gaze at that frame's time`, async (t) => {
      const env = await live(t);
      if (!env) return;
      const hub = env.server.hub;
      const stats = await waitForVideo(env.page, env.phone.handle, 30);
      // The simulator's path is in phone time; the page matched on phone time mapped to host time.
      const truth = (frameTimeMs: number): { x: number; y: number } => {
        const offsetMs = hub.get(DEMO_PUPIL_ID)?.health.clockOffsetMs ?? 0;
        const g = gazeAt((frameTimeMs - offsetMs) * 1e6);
        return { x: g.x * stats.width, y: g.y * stats.height };
      };
      const checks = [];
      for (let i = 0; i < 3; i++) {
        const check = await checkGazeRing(env.page, env.phone.handle, (f) => truth(f.frameTimeMs), TOLERANCE_PX);
        assert.equal(check.frame.clock, 'device', 'the frame was matched on arrival times: the clocks never synced');
        checks.push(check);
      }
      t.diagnostic(
        checks
          .map(
            (c) =>
              `ring ${(c.ringHits * 100).toFixed(0)} % visible, ${c.errorPx.toFixed(2)} px from the truth, match ±${c.frame.gaze?.errorMs.toFixed(2)} ms`,
          )
          .join('; '),
      );
      const screenshot = screenshotFor(path);
      mkdirSync(dirname(screenshot), { recursive: true });
      await env.page.screenshot({ path: screenshot, timeout: 10_000 });
      t.diagnostic(`saved ${screenshot}`);
    });

    test('the phone’s state is shown: battery, storage, sensors', async (t) => {
      const env = await live(t);
      if (!env) return;
      const panel = env.page.getByTestId(`phone-state-${DEMO_PUPIL_ID}`);
      await panel.waitFor({ timeout: 10_000 });
      assert.match((await panel.getByTestId('phone-battery').textContent()) ?? '', /battery \d+ %/);
      assert.match((await panel.getByTestId('phone-storage').textContent()) ?? '', /free/);
      await panel.getByTestId('sensor-world').waitFor({ timeout: 5_000 });
    });

    test('Start, Event, Stop & Save, Cancel: each shows the phone’s answer, a refusal its reason', async (t) => {
      const env = await live(t);
      if (!env) return;
      const p = env.page;
      const reply = p.getByTestId(`phone-reply-${DEMO_PUPIL_ID}`);
      await p.getByTestId(`phone-start-${DEMO_PUPIL_ID}`).click();
      await reply.waitFor({ timeout: 10_000 });
      assert.equal(await reply.getAttribute('data-ok'), 'true', (await reply.textContent()) ?? '');
      t.diagnostic(`start: ${await reply.textContent()}`);
      await p.getByTestId('phone-recording').and(p.locator('[data-action="START"]')).waitFor({ timeout: 10_000 });

      await p.getByTestId(`phone-event-name-${DEMO_PUPIL_ID}`).fill('stimulus on');
      await p.getByTestId(`phone-event-${DEMO_PUPIL_ID}`).click();
      await waitFor('the event answer', async () => /^Event: /.test((await reply.textContent()) ?? ''), 10_000);
      assert.equal(await reply.getAttribute('data-ok'), 'true', (await reply.textContent()) ?? '');
      t.diagnostic(`event: ${await reply.textContent()}`);

      await p.getByTestId(`phone-stop-${DEMO_PUPIL_ID}`).click();
      await waitFor('the stop answer', async () => /^Stop & Save: /.test((await reply.textContent()) ?? ''), 10_000);
      assert.equal(await reply.getAttribute('data-ok'), 'true', (await reply.textContent()) ?? '');
      t.diagnostic(`stop: ${await reply.textContent()}`);

      // Nothing to discard now: the phone refuses, and the operator reads its reason.
      await p.getByTestId('phone-recording').and(p.locator('[data-action="SAVE"]')).waitFor({ timeout: 10_000 });
      await p.getByTestId(`phone-cancel-${DEMO_PUPIL_ID}`).click();
      await waitFor('the cancel answer', async () => /^Cancel: /.test((await reply.textContent()) ?? ''), 10_000);
      assert.equal(await reply.getAttribute('data-ok'), 'false');
      assert.match((await reply.textContent()) ?? '', /Recording not running/);
      t.diagnostic(`cancel: ${await reply.textContent()}`);
    });

    test('without the link worker, the page decodes and draws the video itself (as in the app)', async (t) => {
      const env = await live(t);
      if (!env) return;
      if (path === 'ipc') {
        // The desktop path has no worker: the page itself decoded and drew every frame above.
        assert.equal(await env.page.evaluate(() => (window as TestWindow).__sightlineDebug?.linkPath()), 'main-thread');
        return;
      }
      const page = await env.page.context().newPage();
      try {
        // The worker's script fails to load: the canvas the panel handed over comes back to the page.
        await page.route('**/link-worker.js', (route) => route.abort());
        await page.goto(env.server.url, { waitUntil: 'load', timeout: 15_000 });
        const stats = await waitForVideo(page, env.phone.handle, 20);
        const path = await page.evaluate(() => (window as TestWindow).__sightlineDebug?.linkPath());
        assert.equal(path, 'main-thread');
        t.diagnostic(
          `${stats.drawn} frames drawn on the page, decode + draw p50 ${median(stats.decodeDrawMs).toFixed(1)} ms`,
        );
        await checkVideoChanges(page, env.phone.handle);
        assert.equal(stats.decodeErrors, 0, stats.status);
      } finally {
        await page.close();
      }
    });

    test('no console errors and no CSP violations with video decoding', async (t) => {
      const env = await live(t);
      if (!env) return;
      const { problems } = env;
      const csp = [...problems.cspViolations, ...(await pageCspViolations(env.page))];
      assert.deepEqual(csp, [], `CSP violations:\n${csp.join('\n')}`);
      assert.deepEqual(problems.errors, [], `console errors:\n${problems.errors.join('\n')}`);
    });
  });
}
