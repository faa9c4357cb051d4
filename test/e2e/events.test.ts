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
import { LslOutlet } from '../../main/protocols/lsl/outlet';
import { LslSimulator } from '../../main/protocols/lsl/simulator';
import { lslLocalClock } from '../../main/protocols/lsl/time';
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

/** Adds an LSL stream from the Devices panel's form, as an operator would. */
async function addLslDevice(page: Page, address: string, name: string): Promise<void> {
  await showPanel(page, 'Devices');
  await page.getByTestId('add-device').click();
  await page.getByTestId('device-form').waitFor();
  await page.getByTestId('device-form-kind').selectOption('lsl');
  await page.getByTestId('device-form-address').fill(address);
  await page.getByTestId('device-form-name').fill(name);
  await page.getByTestId('device-form-submit').click();
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
    await addLslDevice(page, `${STREAM}-Markers@127.0.0.1:${simulator.markers!.info.v4servicePort}`, NAME);

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

  test('a 1 kHz marker stream: the newest markers reach the list, what the link left out is counted and shown', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    const burst = await LslOutlet.create({
      name: 'E2EBurst',
      type: 'Markers',
      channelCount: 1,
      channelFormat: 'string',
      nominalSrate: 0,
      sourceId: 'e2e-events-burst',
      bindAddress: '127.0.0.1',
      responderPort: null,
      dataPort: 0,
    });
    t.after(() => burst.close());
    await addLslDevice(page, `E2EBurst@127.0.0.1:${burst.info.v4servicePort}`, 'Burst markers');
    await showPanel(page, 'Events');
    // The inlet is connected once a first marker comes through.
    await waitFor(
      'the first marker',
      async () => {
        burst.pushSample(['burst/start']);
        return (await shownRows(page)).some((r) => r.device === 'Burst markers');
      },
      20_000,
      500,
    );
    // 1000 markers in about a second, 20 every 20 ms.
    const TOTAL = 1000;
    await new Promise<void>((resolve) => {
      let sent = 0;
      const timer = setInterval(() => {
        const chunk = [];
        for (let k = 0; k < 20 && sent < TOTAL; k++, sent++) {
          chunk.push({ timestamp: lslLocalClock(), values: [`burst/${sent}`] });
        }
        burst.pushChunk(chunk);
        if (sent >= TOTAL) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    // The newest is never the one left out.
    await waitFor('the last marker', async () =>
      (await shownRows(page)).some((r) => r.device === 'Burst markers' && r.text === `burst/${TOTAL - 1}`),
    );
    const dropped = await page.getByTestId('events-dropped-main').innerText();
    const left = Number(/^([\d,]+) not shown/.exec(dropped)?.[1]?.replace(/,/g, ''));
    const shown = (await shownRows(page)).filter((r) => /^burst\/\d+$/.test(r.text)).length;
    t.diagnostic(`${shown} burst markers in the list, ${left} left out by the link's rate limit`);
    assert.ok(left > 0, `some were left out: ${dropped}`);
    // Every marker is shown or counted (the count also holds any other device's left out meanwhile).
    assert.ok(shown + left >= TOTAL, `${shown} shown + ${left} left out`);
    assert.ok(shown <= 1000, 'the page keeps at most 1000 rows');
    assert.deepEqual(env.problems.errors, []);
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
