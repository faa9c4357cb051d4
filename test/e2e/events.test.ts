/**
 * The Events panel end to end in Debian's Chromium against headless demo mode: an LSL marker stream
 * (the `sim lsl` outlet, in this process, on loopback with no discovery responder) added from the
 * Devices panel's form as an `lsl` device; its string markers appear in the Events panel under the
 * device's name, beside the demo VRPN device's button presses and an operator event sent from the
 * Recording panel. The filters narrow the list, the list holds still while paused and says how many
 * new events wait, a popped-out Events window gets the recent history, and axe-core finds no serious
 * violation in the panel in either theme.
 *
 *   node scripts/build.mjs && node --import tsx --test test/e2e/events.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LslSimulator } from '../../main/protocols/lsl/simulator';
import { seriousAxeViolations } from './axe';
import { useHeadlessDemoPage } from './demo-page';
import { panelRegion, showPanel } from './dock';
import { ARTIFACTS, waitFor } from './helpers';

const STREAM = 'E2EStim';
const NAME = 'Stim markers';

interface ShownRow {
  deviceId: string;
  source: string;
  device: string;
  text: string;
  time: string;
}

/** The Events panel's own window, as the page opens it (?panel=events). */
function popOutUrl(href: string): string {
  const url = new URL(href);
  url.searchParams.set('panel', 'events');
  return url.toString();
}

async function shownRows(page: Page): Promise<ShownRow[]> {
  return page.$$eval('[data-testid="events-panel"] [data-testid="event-row"]', (rows) =>
    rows.map((r) => {
      const cells = [...r.querySelectorAll('td')].map((c) => (c as HTMLElement).innerText);
      return {
        deviceId: r.getAttribute('data-device-id') ?? '',
        source: r.getAttribute('data-source') ?? '',
        time: cells[0] ?? '',
        device: cells[1] ?? '',
        text: cells[2] ?? '',
      };
    }),
  );
}

describe('Events panel in Debian Chromium, headless demo mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-events-'));
  const simulator = new LslSimulator({
    channels: 2,
    rateHz: 50,
    name: STREAM,
    sourceIdPrefix: 'e2e-events',
    outlet: { bindAddress: '127.0.0.1', responderPort: null, dataPort: 0 },
  });
  before(async () => {
    await simulator.start();
  });
  after(async () => {
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const live = useHeadlessDemoPage('Events Chromium', {
    settingsPath: join(dir, 'settings.json'),
    recordingsDir: join(dir, 'recordings'),
    configPath: join(dir, 'devices.json'),
  });

  test('an added LSL marker stream’s markers, VRPN button presses and an operator event, newest first', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await showPanel(page, 'Devices');
    await page.getByTestId('add-device').click();
    await page.getByTestId('device-form').waitFor();
    await page.getByTestId('device-form-kind').selectOption('lsl');
    await page
      .getByTestId('device-form-address')
      .fill(`${STREAM}-Markers@127.0.0.1:${simulator.markers!.info.v4servicePort}`);
    await page.getByTestId('device-form-name').fill(NAME);
    await page.getByTestId('device-form-submit').click();

    await showPanel(page, 'Events');
    const events = panelRegion(page, 'Events');
    await waitFor(
      'a marker of the added stream in the Events panel',
      async () => (await shownRows(page)).find((r) => r.device === NAME && /^stimulus\/\d+$/.test(r.text)),
      20_000,
    );
    // The first markers may come before LSL's time correction has an estimate: host time only.
    const marker = await waitFor('a marker with its device time too', async () =>
      (await shownRows(page)).find((r) => r.device === NAME && r.time.includes('device')),
    );
    assert.equal(marker.source, 'device');
    assert.match(
      marker.time,
      /^\d\d:\d\d:\d\d\.\d{3}\s+device \d\d:\d\d:\d\d\.\d{3}$/,
      'host and device time to the ms',
    );
    await waitFor(
      'a VRPN button press',
      async () =>
        (await shownRows(page)).find(
          (r) => r.deviceId === 'demo-vrpn' && /button \d · (pressed|released)/.test(r.text),
        ),
      10_000,
    );

    await showPanel(page, 'Recording');
    await page.getByTestId('event-text').fill('subject ready');
    await page.getByTestId('event-send').click();
    await showPanel(page, 'Events');
    await waitFor('the operator event', async () =>
      (await shownRows(page)).find((r) => r.source === 'operator' && r.text.startsWith('subject ready')),
    );
    // Newest first: ids are not shown, but the host times never go up down the list.
    const times = (await shownRows(page)).map((r) => r.time.slice(0, 12));
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.ok(await events.getByRole('region', { name: 'Events, newest first' }).isVisible());
    const shots = join(ARTIFACTS, 'screenshots');
    mkdirSync(shots, { recursive: true });
    await page.getByTestId('dock-max-events').click();
    await page.screenshot({ path: join(shots, 'events.png') });
    await page.getByTestId('dock-max-events').click();
    assert.deepEqual(env.problems.errors, []);
  });

  test('filters by device and by text; pause holds the list still and says how many new events wait', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await showPanel(page, 'Events');
    const device = page.getByLabel('Device', { exact: true });
    const markersKey = await waitFor('the added stream in the device filter', async () =>
      page.$$eval(
        '[data-testid="events-device"] option',
        (options, name) => options.find((o) => o.textContent === name)?.getAttribute('value') ?? undefined,
        NAME,
      ),
    );
    await device.selectOption(markersKey);
    await waitFor('only the stream’s rows', async () => {
      const rows = await shownRows(page);
      return rows.length > 0 && rows.every((r) => r.device === NAME);
    });
    await device.selectOption('');
    await page.getByLabel('Filter', { exact: true }).fill('SUBJECT');
    await waitFor('only the operator event', async () => {
      const rows = await shownRows(page);
      return rows.length === 1 && rows[0]!.source === 'operator';
    });
    await page.getByLabel('Filter', { exact: true }).fill('');

    await page.getByTestId('events-pause').click();
    assert.equal(await page.getByTestId('events-pause').getAttribute('aria-pressed'), 'true');
    const held = await shownRows(page);
    // Markers (1 a second) and button presses (2 a second) keep coming: the list says so and holds still.
    await page.getByTestId('events-newer').waitFor({ timeout: 10_000 });
    assert.deepEqual(await shownRows(page), held, 'nothing moved while paused');
    await page.getByTestId('events-newer').click();
    assert.equal(await page.getByTestId('events-pause').getAttribute('aria-pressed'), 'false');
    await waitFor('the newest rows again', async () => (await shownRows(page)).length > held.length);
    assert.deepEqual(env.problems.errors, []);
  });

  test('popped out, the Events window gets the recent history and new events', async (t) => {
    const env = live(t);
    if (!env) return;
    const popped = await env.page.context().newPage();
    try {
      await popped.goto(popOutUrl(env.url), { waitUntil: 'load', timeout: 15_000 });
      await popped.getByTestId('events-panel').waitFor({ timeout: 10_000 });
      await waitFor('the operator event from before it opened', async () =>
        (await shownRows(popped)).some((r) => r.source === 'operator' && r.text.startsWith('subject ready')),
      );
      const first = (await shownRows(popped))[0]!;
      await waitFor('a newer event', async () => {
        const top = (await shownRows(popped))[0];
        return top !== undefined && (top.time !== first.time || top.text !== first.text);
      });
    } finally {
      await popped.close();
    }
  });

  test('axe-core: no serious violation in the Events panel with rows, in both themes', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await showPanel(page, 'Events');
    const bad: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      await page.getByTestId('theme-select').selectOption(theme);
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme, { timeout: 3_000 });
      bad.push(...(await seriousAxeViolations(page)).map((v) => `${theme}: ${v}`));
    }
    assert.deepEqual(bad, []);
  });
});
