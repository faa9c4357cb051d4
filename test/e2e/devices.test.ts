/**
 * End to end for the device list: the built renderer in Debian's Chromium against headless demo mode,
 * with simulators of its own on loopback that are not added yet. The list fills by discovery (Motive,
 * Teleport, a Companion phone over mDNS on 127.0.0.1); adding the Motive by hand makes it stream and
 * writes the device file; stopping that Motive turns its row to "lost" with an alert within 2 s, and its
 * restart brings the row back to streaming. Screenshots (pixels) and the DOM both.
 *
 *   npm run build && node --import tsx --test test/e2e/devices.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HeadlessOptions } from '../../main/headless';
import { loopbackTargets } from '../../main/devices/discovery-service';
import { MotiveSimulator } from '../../main/protocols/natnet/simulator';
import { CompanionSimulator } from '../../main/protocols/pupil/simulator';
import { TeleportSimulator } from '../../main/protocols/teleport/simulator';
import { LINK_PATHS, useHeadlessDemoPage } from './demo-page';
import { ARTIFACTS, VIEWPORT, waitFor } from './helpers';
import { decodePng } from './png';

const SHOTS = join(ARTIFACTS, 'screenshots');
/** The id the app gives a Motive added at 127.0.0.1 (main/devices/device-address.ts newDeviceId). */
const ADDED_ID = 'motive-127-0-0-1';

for (const path of LINK_PATHS) {
  describe(`the device list in Debian Chromium, demo mode, ${path === 'ipc' ? 'desktop IPC path' : 'headless WebSocket path'}`, () => {
    /** Screenshots for the README come from the WebSocket path; the IPC path's go beside them. */
    const shot = (name: string): string => join(SHOTS, path === 'websocket' ? `${name}.png` : `${name}-${path}.png`);
    const dir = mkdtempSync(join(tmpdir(), 'sightline-e2e-devices-'));
    const deviceFile = join(dir, 'devices.json');
    const motive = new MotiveSimulator({ host: '127.0.0.1', commandPort: 0, dataPort: 0, bodies: 2, rateHz: 120 });
    const teleport = new TeleportSimulator({ host: '127.0.0.1', discoveryPort: 0, servicePort: 0 });
    const phone = new CompanionSimulator({
      port: 0,
      rtspPort: 0,
      timeEchoPort: 0,
      mdnsInterface: '127.0.0.1',
      phoneName: 'Bench phone',
      deviceId: 'e2e0000000000001',
    });
    let motivePort = 0;
    let teleportPort = 0;
    let phonePort = 0;
    // Filled in before the server starts (hooks run in the order they are registered).
    const options: Partial<HeadlessOptions> = { configPath: deviceFile, discoveryIntervalMs: 2000 };
    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      motivePort = (await motive.start()).commandPort;
      teleportPort = (await teleport.start()).discoveryPort;
      phonePort = (await phone.start()).port;
      options.discovery = loopbackTargets({
        natnet: [{ address: '127.0.0.1', port: motivePort }],
        teleport: [{ address: '127.0.0.1', port: teleportPort }],
      });
    });
    const live = useHeadlessDemoPage(`device list Chromium (${path})`, options, path);
    after(async () => {
      await Promise.all([motive.stop(), teleport.stop(), phone.stop()]);
      rmSync(dir, { recursive: true, force: true });
    });

    test('the list fills by discovery: Motive, Teleport and a Companion phone, found and not added', async (t) => {
      const env = live(t);
      if (!env) return;
      const found = (kind: string, address: string) =>
        env.page.locator(`[data-testid="found-${kind}"][data-address="${address}"]`);
      await found('natnet', `127.0.0.1:${motivePort}`).waitFor({ timeout: 15_000 });
      await found('teleport', `127.0.0.1:${teleportPort}`).waitFor({ timeout: 15_000 });
      await found('pupil', `127.0.0.1:${phonePort}`).waitFor({ timeout: 15_000 });
      assert.match(await found('pupil', `127.0.0.1:${phonePort}`).innerText(), /Bench phone/);
      assert.match(await found('natnet', `127.0.0.1:${motivePort}`).innerText(), /NatNet \d/);
      // The summary line counts the demo devices (Motive, Teleport, VRPN, Pupil) and those streaming.
      await waitFor('the summary line', async () => {
        const text = await env.page.getByTestId('device-summary').innerText();
        const m = /^(\d+)\/(\d+) devices streaming/.exec(text);
        return m && Number(m[1]) >= 1 && Number(m[2]) >= 4 ? text : false;
      });
      await env.page.getByTestId('found-list').screenshot({ path: shot('devices-found') });
    });

    test('adding a device by hand: the form explains a bad address, then the device streams and is saved', async (t) => {
      const env = live(t);
      if (!env) return;
      const page = env.page;
      // Keyboard: the button opens the form with focus in it.
      await page.getByTestId('add-device').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('device-form').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'device-form-kind');
      await page.getByTestId('device-form-kind').selectOption('natnet');
      await page.getByTestId('device-form-address').fill('300.1.1.1');
      await page.getByTestId('device-form-submit').click();
      await waitFor('the validation message', async () =>
        /not a valid IPv4 address/.test(await page.getByTestId('device-form-error').innerText()),
      );
      assert.equal(await page.getByTestId('device-form-address').getAttribute('aria-invalid'), 'true');

      await page.getByTestId('device-form-address').fill(`127.0.0.1:${motivePort}`);
      await page.getByTestId('device-form-name').fill('Bench Motive');
      await page.getByTestId('device-form-submit').click();
      await page
        .getByTestId(`device-row-state-${ADDED_ID}`)
        .and(page.locator('[data-state="streaming"]'))
        .waitFor({ timeout: 15_000 });
      assert.match(await page.getByTestId(`device-row-state-${ADDED_ID}`).innerText(), /✓\s*streaming/);
      // Found once, added now: its found row goes.
      await page
        .locator(`[data-testid="found-natnet"][data-address="127.0.0.1:${motivePort}"]`)
        .waitFor({ state: 'detached', timeout: 5_000 });
      const saved = JSON.parse(readFileSync(deviceFile, 'utf8')) as { devices: Record<string, unknown>[] };
      assert.deepEqual(saved.devices, [
        { id: ADDED_ID, kind: 'natnet', label: 'Bench Motive', host: '127.0.0.1', commandPort: motivePort },
      ]);
      // Rate against the learned expected rate, and a sparkline with points.
      await waitFor('a rate against its expected rate', async () =>
        /\/ 1[12]\d Hz/.test(await page.getByTestId(`device-rate-${ADDED_ID}`).innerText()),
      );
      assert.ok(Number(await page.getByTestId(`device-sparkline-${ADDED_ID}`).getAttribute('data-points')) >= 2);
      await page.getByTestId(`device-card-${ADDED_ID}`).scrollIntoViewIfNeeded();
      await page.getByTestId(`device-card-${ADDED_ID}`).screenshot({ path: shot('devices-added') });
      await page.screenshot({ path: shot('devices-page') });
    });

    test('a Motive stopped mid-test: row "lost" with an alert within 2 s; its restart brings it back', async (t) => {
      const env = live(t);
      if (!env) return;
      const page = env.page;
      const row = page.getByTestId(`device-row-state-${ADDED_ID}`);
      assert.equal(await row.getAttribute('data-state'), 'streaming');
      const stoppedAt = Date.now();
      // A new Motive process on the same ports after 4 s (the ports stay closed meanwhile).
      const back = motive.restart({ downtimeMs: 4000 });
      const lostMs = await waitFor(
        'the row to turn lost with an alert',
        async () => {
          const state = await row.getAttribute('data-state');
          const alert = await page.getByTestId(`alert-${ADDED_ID}-lost`).count();
          return state === 'lost' && alert > 0 ? Date.now() - stoppedAt : false;
        },
        3_000,
        50,
      );
      t.diagnostic(`row lost with its alert ${lostMs} ms after the stop`);
      assert.ok(lostMs <= 2000, `lost after ${lostMs} ms`);
      assert.match(await row.innerText(), /✕\s*lost/);
      const banner = page.getByTestId('alert-banner');
      assert.match(await banner.innerText(), /Bench Motive dropped/);
      // Pixels: the banner is painted in the alert colour (--bad, #f0544f), not just present in the DOM.
      const image = decodePng(await banner.screenshot({ path: shot('devices-alert') }));
      let reddish = 0;
      for (let i = 0; i < image.data.length; i += 4) {
        const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
        if (r > 150 && r - g > 60 && r - b > 60) reddish++;
      }
      assert.ok(reddish > 50, `the alert banner shows the alert colour (${reddish} pixels)`);
      // A taller window so the README's picture shows the whole row under the banner.
      await page.setViewportSize({ width: 1280, height: 1500 });
      await page.getByTestId(`device-card-${ADDED_ID}`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: shot('devices') });
      await page.setViewportSize(VIEWPORT);

      await back;
      await row.and(page.locator('[data-state="streaming"]')).waitFor({ timeout: 15_000 });
      await page.getByTestId(`alert-${ADDED_ID}-lost`).waitFor({ state: 'detached', timeout: 5_000 });
      assert.deepEqual(env.problems.errors, []);
    });

    test('removing the added device: asked to confirm, then gone from the list, the Hub and the device file', async (t) => {
      const env = live(t);
      if (!env) return;
      const page = env.page;
      await page.getByTestId(`remove-${ADDED_ID}`).click();
      await page.getByTestId(`confirm-remove-${ADDED_ID}`).click();
      await page.getByTestId(`device-card-${ADDED_ID}`).waitFor({ state: 'detached', timeout: 10_000 });
      await waitFor('the Hub to drop it', () => env.server.hub.get(ADDED_ID) === undefined, 5_000);
      const saved = JSON.parse(readFileSync(deviceFile, 'utf8')) as { devices: unknown[] };
      assert.deepEqual(saved.devices, []);
      assert.deepEqual(env.problems.errors, []);
    });
  });
}
