/**
 * End to end for the operator's view (issue 18) in Debian's Chromium against headless demo mode:
 * the lab bar shows every demo device's state without scrolling at 1280×720 and 1920×1080 (DOM and
 * pixels), a chip opens the device's card (mouse and keyboard), the alert history opens from the
 * keyboard, and axe-core finds no serious violation with the new controls in either theme.
 *
 *   node scripts/build.mjs && node --import tsx --test test/e2e/operator-view.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { useHeadlessDemoPage } from './demo-page';
import { ARTIFACTS, waitFor } from './helpers';
import { debugBodies } from './checks';
import { showPanel } from './dock';
import { decodePng } from './png';
import { seriousAxeViolations } from './axe';

const SHOTS = join(ARTIFACTS, 'screenshots');
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

async function activeTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

async function demoDeviceIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid^="device-card-"]', (cards) =>
    cards.map((c) => c.getAttribute('data-testid')!.replace(/^device-card-/, '')),
  );
}

describe('the operator view in Debian Chromium, headless demo mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-opview-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const live = useHeadlessDemoPage('operator view Chromium', {
    settingsPath: join(dir, 'settings.json'),
    recordingsDir: join(dir, 'recordings'),
  });

  test('the lab bar shows every demo device streaming, without scrolling, at 1280×720 and 1920×1080', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    mkdirSync(SHOTS, { recursive: true });
    await page.getByTestId('lab-bar').waitFor({ timeout: 10_000 });
    const ids = await waitFor(
      'the demo devices',
      async () => {
        const found = await demoDeviceIds(page);
        return found.length >= 4 ? found : false;
      },
      15_000,
    );
    await waitFor(
      'every chip streaming',
      async () => {
        const states = await Promise.all(
          ids.map((id) => page.getByTestId(`lab-chip-${id}`).getAttribute('data-state')),
        );
        return states.every((s) => s === 'streaming');
      },
      20_000,
    );
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.waitForTimeout(300);
      for (const id of ids) {
        const chip = page.getByTestId(`lab-chip-${id}`);
        const box = await chip.boundingBox();
        assert.ok(box, `chip ${id} is laid out`);
        assert.ok(
          box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height,
          `chip ${id} is inside the ${size.width}×${size.height} window: ${JSON.stringify(box)}`,
        );
        const state = page.getByTestId(`lab-chip-state-${id}`);
        assert.equal(await state.isVisible(), true);
        assert.match((await state.textContent()) ?? '', /streaming/);
        // The chip's accessible name holds the kind, the name and the state in words.
        assert.match((await chip.textContent()) ?? '', /streaming/);
      }
      assert.match(
        (await page.getByTestId('lab-summary').textContent()) ?? '',
        new RegExp(`^${ids.length}/${ids.length} streaming`),
      );
      // In the pixels: each chip's state pill is drawn in the "ok" green (not colour alone: the text
      // says it too, checked above). Boxes are read before and after the screenshot and must agree.
      const pills = () => Promise.all(ids.map((id) => page.getByTestId(`lab-chip-state-${id}`).boundingBox()));
      const { png, boxes } = await waitFor('a screenshot with the chips holding still', async () => {
        const before = await pills();
        const shot = await page.screenshot();
        const after = await pills();
        return JSON.stringify(before) === JSON.stringify(after) ? { png: shot, boxes: after } : false;
      });
      writeFileSync(join(SHOTS, `operator-${size.width}x${size.height}.png`), png);
      const image = decodePng(png);
      for (const [n, id] of ids.entries()) {
        const box = boxes[n]!;
        let green = 0;
        for (let y = Math.floor(box.y); y < box.y + box.height; y++) {
          for (let x = Math.floor(box.x); x < box.x + box.width; x++) {
            const i = (y * image.width + x) * 4;
            const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
            if (g > 120 && g > r + 40 && g > b + 30) green++;
          }
        }
        assert.ok(green >= 8, `chip ${id}: the streaming pill is drawn green in the screenshot (${green} px)`);
      }
    }
    assert.deepEqual(env.problems.errors, []);
  });

  test('a chip opens its device card, by mouse and by keyboard; the alert history opens from the keyboard', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await page.setViewportSize({ width: 1280, height: 720 });
    const ids = await demoDeviceIds(page);
    const last = ids.at(-1)!;
    await page.getByTestId(`lab-chip-${last}`).click();
    await waitFor('the card focused', async () => (await activeTestId(page)) === `device-card-${last}`, 3_000);
    const card = await page.getByTestId(`device-card-${last}`).boundingBox();
    assert.ok(card && card.y < 720 && card.y + 20 > 0, 'the card was scrolled into view');
    // Keyboard: focus the first chip, Enter opens its card.
    await page.getByTestId(`lab-chip-${ids[0]}`).focus();
    await page.keyboard.press('Enter');
    await waitFor('the first card focused', async () => (await activeTestId(page)) === `device-card-${ids[0]}`, 3_000);
    await page.getByTestId('lab-alerts').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('alert-history');
    await dialog.waitFor({ timeout: 3_000 });
    assert.equal(await activeTestId(page), 'alert-history-close', 'the dialog takes focus');
    await page.keyboard.press('Escape');
    await waitFor('the dialog closed', async () => (await dialog.count()) === 0, 3_000);
    assert.equal(await activeTestId(page), 'lab-alerts', 'focus comes back to the button');
    assert.deepEqual(env.problems.errors, []);
  });

  test('a panel popped out into its own tab survives reloads of both pages and docks back', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await page.setViewportSize({ width: 1280, height: 720 });
    const popup = page.context().waitForEvent('page', { timeout: 10_000 });
    await page.getByTestId('dock-pop-video').focus();
    await page.keyboard.press('Enter');
    const second = await popup;
    await second.waitForLoadState('load');
    assert.match(second.url(), /[?&]panel=video/);
    await second.getByTestId('panel-window').waitFor({ timeout: 10_000 });
    // The popped page is a full client of the same server: the scene video plays there.
    await second.locator('[data-testid^="video-canvas-"]').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('popped-video').waitFor({ timeout: 5_000 });
    assert.equal(await page.getByRole('tab', { name: 'Video with gaze', exact: true }).count(), 0);
    await page.waitForTimeout(800);
    await page.reload({ waitUntil: 'load' });
    await waitFor(
      'the popped panel known alive after the reload',
      async () => (await page.getByTestId('popped-video').getAttribute('data-alive')) === 'true',
      5_000,
    );
    assert.equal(
      await page.getByRole('tab', { name: 'Video with gaze', exact: true }).count(),
      0,
      'still out of the dock',
    );
    await second.reload({ waitUntil: 'load' });
    await second.getByTestId('panel-window').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(2_000);
    assert.equal(
      await page.getByTestId('popped-video').count(),
      1,
      'a reload of the popped page does not dock it back',
    );
    const closed = second.waitForEvent('close', { timeout: 5_000 });
    await second.getByTestId('panel-window-dock').click();
    await closed;
    await page.getByRole('tab', { name: 'Video with gaze', exact: true }).waitFor({ timeout: 5_000 });
    assert.equal(await page.getByTestId('popped-video').count(), 0);
    assert.deepEqual(env.problems.errors, []);
  });

  test('a plotted body coordinate is found in the plot pixels along the path the simulator sent', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await page.setViewportSize({ width: 1280, height: 720 });
    await showPanel(page, 'Plots');
    const wand = await waitFor(
      'the Wand',
      async () => (await debugBodies(page)).find((b) => b.name === 'Wand'),
      10_000,
    );
    const motive = 'demo-motive';
    // Keyboard: open the device and the body in the tree, tick "x".
    const tree = page.getByTestId('channel-tree');
    await tree.getByText('Motive (demo)', { exact: true }).focus();
    await page.keyboard.press('Enter');
    await tree.getByText('Wand', { exact: true }).focus();
    await page.keyboard.press('Enter');
    const box = page.getByTestId(`channel-pose/${motive}/${wand.id}/x`);
    await box.focus();
    await page.keyboard.press('Space');
    assert.equal(await box.isChecked(), true);
    await page.getByTestId('plot-canvas-1').waitFor({ timeout: 5_000 });
    // Maximised, the plot has the window's width to show the path on.
    await page.getByTestId('dock-max-plots').press('Enter');
    await page.getByTestId('plot-canvas-1').scrollIntoViewIfNeeded();
    // What the simulator sent, as the page stored it, sampled beside the plot for a few seconds.
    const samples = await page.evaluate(async () => {
      const out: { t: number; x: number }[] = [];
      const until = Date.now() + 5000;
      while (Date.now() < until) {
        const w = (
          window as unknown as { __sightlineDebug: { bodies(): { name: string; x: number }[] } }
        ).__sightlineDebug
          .bodies()
          .find((b) => b.name === 'Wand');
        if (w) out.push({ t: Date.now(), x: w.x });
        await new Promise((r) => setTimeout(r, 40));
      }
      return out;
    });
    await page.getByTestId('plot-pause-1').focus();
    await page.keyboard.press('Enter');
    const pausedAt = Number(await page.getByTestId('plot-1').getAttribute('data-paused-at'));
    assert.ok(pausedAt > 0, 'paused');
    await page.waitForTimeout(200);
    const over = (await page.locator('[data-testid="plot-canvas-1"] .u-over').boundingBox())!;
    const png = decodePng(await page.screenshot({ clip: over }));
    writeFileSync(join(SHOTS, 'plot-wand-x.png'), await page.screenshot({ clip: over }));
    const [r0, g0, b0] = [0x4c, 0xc9, 0xf0];
    const pairs: { value: number; row: number }[] = [];
    for (const s of samples) {
      const col = Math.round(((s.t - (pausedAt - 10_000)) / 10_000) * png.width);
      if (col < 3 || col >= png.width - 3) continue;
      const rows: number[] = [];
      for (let x = col - 2; x <= col + 2; x++) {
        for (let y = 0; y < png.height; y++) {
          const i = (y * png.width + x) * 4;
          const d = Math.abs(png.data[i]! - r0) + Math.abs(png.data[i + 1]! - g0) + Math.abs(png.data[i + 2]! - b0);
          if (d < 90) rows.push(y);
        }
      }
      if (rows.length) pairs.push({ value: s.x, row: rows.reduce((a, b) => a + b, 0) / rows.length });
    }
    assert.ok(pairs.length >= 40, `the trace found at ${pairs.length} of ${samples.length} sample times`);
    const span = Math.max(...pairs.map((p) => p.value)) - Math.min(...pairs.map((p) => p.value));
    assert.ok(span > 0.05, `the Wand moved ${span.toFixed(3)} m in x meanwhile`);
    // The pixels follow the values: a straight line from value to row, higher values higher up.
    const n = pairs.length;
    const mv = pairs.reduce((a, p) => a + p.value, 0) / n;
    const mr = pairs.reduce((a, p) => a + p.row, 0) / n;
    let svv = 0;
    let srr = 0;
    let svr = 0;
    for (const p of pairs) {
      svv += (p.value - mv) ** 2;
      srr += (p.row - mr) ** 2;
      svr += (p.value - mv) * (p.row - mr);
    }
    const r = svr / Math.sqrt(svv * srr);
    const slope = svr / svv;
    const residual = Math.sqrt(pairs.reduce((a, p) => a + (p.row - (mr + slope * (p.value - mv))) ** 2, 0) / n);
    t.diagnostic(
      `${n} points, r = ${r.toFixed(4)}, ${(-slope / 1000).toFixed(3)} px/mm, residual ${residual.toFixed(1)} px`,
    );
    assert.ok(r < -0.98, `rows follow the values (r = ${r})`);
    assert.ok(residual < 4, `within ${residual.toFixed(1)} px of the straight line`);
    // Hovering reads the value with its unit.
    await page.mouse.move(over.x + over.width / 2, over.y + over.height / 2);
    await waitFor(
      'the hover readout',
      async () => /Wand x -?[0-9.]+ m/.test((await page.getByTestId('plot-readout-1').textContent()) ?? ''),
      3_000,
    );
    // The README's picture: a second plot with the Wand's height and yaw beside the first.
    await page.getByTestId('plot-add').click();
    for (const q of ['y', 'yaw']) await page.getByTestId(`channel-pose/${motive}/${wand.id}/${q}`).check();
    await page.waitForTimeout(1500);
    writeFileSync(join(SHOTS, 'plots.png'), await page.screenshot());
    await page.getByRole('button', { name: 'Remove Plot 2' }).click();
    await page.getByTestId('plot-pause-1').press('Enter');
    await page.getByTestId('dock-max-plots').press('Enter');
    assert.deepEqual(env.problems.errors, []);
  });

  test('gaze x of the Companion is plotted in headless mode too (the link worker passes it on)', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await showPanel(page, 'Plots');
    await page.getByTestId('channel-tree').getByText('Pupil Invisible (demo)', { exact: true }).click();
    await page.getByTestId('channel-gaze/demo-pupil/x').check();
    const canvas = page.getByTestId('plot-canvas-1');
    await canvas.waitFor({ timeout: 5_000 });
    await page.getByTestId('dock-max-plots').press('Enter');
    await canvas.scrollIntoViewIfNeeded();
    await page.waitForTimeout(1500);
    const box = (await canvas.locator('.u-over').boundingBox())!;
    await waitFor(
      'a gaze value under the pointer',
      async () => {
        await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
        return /gaze x 0\.\d{3} frame/.test((await page.getByTestId('plot-readout-1').textContent()) ?? '');
      },
      5_000,
    );
    await page.getByTestId('channel-gaze/demo-pupil/x').uncheck();
    await page.getByTestId('dock-max-plots').press('Enter');
    assert.deepEqual(env.problems.errors, []);
  });

  test('in playback a plot spans the recording with a cursor at the position, and a click seeks', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await page.setViewportSize({ width: 1280, height: 720 });
    // A few seconds of the demo, recorded.
    await showPanel(page, 'Recording');
    const status = page.getByTestId('session-status');
    await page.getByTestId('session-record').click();
    await waitFor('recording', async () => (await status.getAttribute('data-active')) === 'true', 10_000);
    await page.waitForTimeout(4_000);
    await page.getByTestId('session-stop').click();
    await waitFor('stopped', async () => (await status.getAttribute('data-active')) === 'false', 10_000);
    const folder = /saved in (.*)$/.exec((await status.textContent()) ?? '')?.[1];
    assert.ok(folder, 'the session folder');
    await showPanel(page, 'Playback');
    await page.getByTestId('playback-path').fill(join(folder, 'recording.mcap'));
    await page.getByTestId('playback-open').click();
    const controls = page.getByTestId('playback-controls');
    await controls.waitFor({ timeout: 10_000 });
    const wand = await waitFor(
      'the Wand',
      async () => (await debugBodies(page)).find((b) => b.name === 'Wand'),
      10_000,
    );
    await showPanel(page, 'Plots');
    const channel = `channel-pose/${encodeURIComponent('playback:demo-motive')}/${wand.id}/x`;
    await page.evaluate(() =>
      document
        .querySelectorAll<HTMLDetailsElement>('[data-testid="channel-tree"] details')
        .forEach((d) => (d.open = true)),
    );
    await page.getByTestId(channel).check();
    await page.getByTestId('dock-max-plots').press('Enter');
    const canvas = page.getByTestId('plot-canvas-1');
    await canvas.scrollIntoViewIfNeeded();
    // Playing at least a second, so the trace is there; the cursor is drawn in its own colour.
    await page.waitForTimeout(1_500);
    const over = (await canvas.locator('.u-over').boundingBox())!;
    const cursorColumn = async (): Promise<number> => {
      const png = decodePng(await page.screenshot({ clip: over }));
      const hits = new Map<number, number>();
      for (let y = 0; y < png.height; y++) {
        for (let x = 0; x < png.width; x++) {
          const i = (y * png.width + x) * 4;
          const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
          if (Math.abs(r - 0xf1) + Math.abs(g - 0x5b) + Math.abs(b - 0xb5) < 60) hits.set(x, (hits.get(x) ?? 0) + 1);
        }
      }
      const [best] = [...hits.entries()].sort((a, b) => b[1] - a[1]);
      return best && best[1] > png.height * 0.5 ? best[0] / png.width : NaN;
    };
    const position = async () => Number(await page.getByTestId('playback-position').getAttribute('data-value'));
    // The pointer off the plot: uPlot's own hover cross is not the playback cursor.
    await page.mouse.move(2, 2);
    const at = await waitFor(
      'the cursor line',
      async () => {
        const c = await cursorColumn();
        return Number.isFinite(c) ? c : false;
      },
      5_000,
    );
    t.diagnostic(`cursor at ${(at * 100).toFixed(0)} % of the recording`);
    // A click at a fifth of the width seeks to about a fifth of the recording.
    await canvas.locator('.u-over').click({ position: { x: over.width * 0.2, y: over.height / 2 } });
    const span = Number(await page.getByTestId('playback-timeline').getAttribute('max'));
    await waitFor(
      'the seek',
      async () => {
        const p = (await position()) / span;
        return p > 0.12 && p < 0.35;
      },
      5_000,
    );
    await page.getByTestId('dock-max-plots').press('Enter');
    await page.getByTestId(channel).uncheck();
    await showPanel(page, 'Playback');
    await page.getByTestId('playback-close').click();
    assert.deepEqual(env.problems.errors, []);
  });

  test('preferences from the keyboard: saved to settings.json, applied at once, kept across a reload', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await page.getByTestId('preferences-open').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('preferences');
    await dialog.waitFor({ timeout: 3_000 });
    await page.getByTestId('pref-floor').waitFor({ timeout: 5_000 });
    const folder = join(dir, 'chosen-recordings');
    await page.getByTestId('pref-theme').selectOption('light');
    await page.getByTestId('pref-units').selectOption('mm');
    await page.getByTestId('pref-floor').fill('80');
    await page.getByTestId('pref-stale').fill('7');
    writeFileSync(join(SHOTS, 'preferences.png'), await page.screenshot());
    await page.getByTestId('pref-folder').fill(folder);
    // Keyboard: the Save button by Tab-free Enter in a field submits the form.
    await page.getByTestId('pref-stale').press('Enter');
    await waitFor('saved', async () => /Saved/.test((await page.getByTestId('pref-saved').textContent()) ?? ''), 5_000);
    assert.equal(
      await page.evaluate(() => document.documentElement.dataset.theme),
      'light',
      'the theme applied at once',
    );
    // A bad value is refused by main with its reason, in the dialog.
    await page.getByTestId('pref-folder').fill(join(dir, 'settings.json', 'sub'));
    await page.getByTestId('pref-save').click();
    await page.getByTestId('pref-error').waitFor({ timeout: 5_000 });
    await page.getByTestId('pref-folder').fill(folder);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 3_000 });
    await waitFor(
      'settings.json written',
      () => {
        try {
          const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as {
            recordingFolder?: string;
            preferences?: { rateFloorPercent?: number; staleFramePeriods?: number; units?: string };
          };
          return (
            file.recordingFolder === folder &&
            file.preferences?.rateFloorPercent === 80 &&
            file.preferences.units === 'mm'
          );
        } catch {
          return false;
        }
      },
      5_000,
    );
    await page.waitForTimeout(800);
    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('preferences-open').click();
    await page.getByTestId('pref-floor').waitFor({ timeout: 5_000 });
    assert.equal(await page.getByTestId('pref-floor').inputValue(), '80');
    assert.equal(await page.getByTestId('pref-stale').inputValue(), '7');
    assert.equal(await page.getByTestId('pref-folder').inputValue(), folder);
    assert.equal(await page.getByTestId('pref-units').inputValue(), 'mm');
    await page.getByTestId('pref-theme').selectOption('dark');
    await page.getByTestId('pref-units').selectOption('m');
    await page.getByTestId('pref-save').click();
    await waitFor('saved', async () => /Saved/.test((await page.getByTestId('pref-saved').textContent()) ?? ''), 5_000);
    await page.keyboard.press('Escape');
    assert.deepEqual(env.problems.errors, []);
  });

  test('axe-core: no serious violation with the lab bar and the alert history, in both themes', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    const bad: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      await page.getByTestId('theme-select').selectOption(theme);
      await page.waitForTimeout(200);
      bad.push(...(await seriousAxeViolations(page)).map((v) => `${theme}: ${v}`));
      await page.getByTestId('lab-alerts').click();
      await page.getByTestId('alert-history').waitFor({ timeout: 3_000 });
      bad.push(...(await seriousAxeViolations(page)).map((v) => `${theme}, alert history: ${v}`));
      await page.keyboard.press('Escape');
      await page.getByTestId('preferences-open').click();
      await page.getByTestId('pref-floor').waitFor({ timeout: 5_000 });
      bad.push(...(await seriousAxeViolations(page)).map((v) => `${theme}, preferences: ${v}`));
      await page.keyboard.press('Escape');
      await showPanel(page, 'Plots');
      bad.push(...(await seriousAxeViolations(page)).map((v) => `${theme}, plots: ${v}`));
    }
    assert.deepEqual(bad, []);
  });
});
