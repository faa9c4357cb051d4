/**
 * End to end for the workspace: resizable, reorderable panels kept across a reload, themes, the
 * keyboard shortcuts (a recording started and stopped without the mouse) and an axe-core audit,
 * in Debian's Chromium against headless demo mode.
 *
 *   npm run build && node --import tsx --test test/e2e/layout.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { useHeadlessDemoPage } from './demo-page';
import { ARTIFACTS, waitFor } from './helpers';
import { panelRegion, showPanel } from './dock';
import { countChanged, decodePng } from './png';

const LIGHT_SCREENSHOT = join(ARTIFACTS, 'screenshots', 'layout-light.png');

async function box(page: Page, name: string) {
  const b = await panelRegion(page, name).boundingBox();
  assert.ok(b, `${name} is on screen`);
  return b;
}

async function activeTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

describe('the workspace layout, themes and keyboard in Debian Chromium, headless demo mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-layout-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const live = useHeadlessDemoPage('layout Chromium', {
    settingsPath: join(dir, 'settings.json'),
    recordingsDir: join(dir, 'recordings'),
  });

  test('a docked layout (a panel moved under the 3D scene from the keyboard, a hidden panel) survives a reload; Reset layout undoes it', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await showPanel(page, 'Time');
    // Keyboard: the panel's Move menu puts it under the 3D scene, in a split of its own.
    await page.getByTestId('dock-move-time').focus();
    await page.getByTestId('dock-move-time').selectOption('below:scene');
    const under = async () => {
      const scene = await box(page, '3D scene');
      const time = await box(page, 'Time');
      return time.y >= scene.y + scene.height - 4 && time.x < scene.x + scene.width / 2;
    };
    await waitFor('Time under the 3D scene', under, 5_000);
    await showPanel(page, 'Health');
    await page.getByTestId('dock-hide-health').click();
    assert.equal(await page.getByRole('tab', { name: 'Health', exact: true }).count(), 0);
    // Saved a moment after the last change.
    await page.waitForTimeout(800);
    await page.reload({ waitUntil: 'load' });
    await panelRegion(page, '3D scene').waitFor({ timeout: 10_000 });
    await waitFor('the docked layout restored', under, 5_000);
    assert.equal(
      await page.getByRole('tab', { name: 'Health', exact: true }).count(),
      0,
      'the hidden panel stays hidden',
    );
    // Alt+7 goes to the Health panel, showing it again.
    await page.keyboard.press('Alt+7');
    await page.getByTestId('dock-health').waitFor({ timeout: 5_000 });
    await waitFor('the Health panel focused', async () => (await activeTestId(page)) === 'dock-health', 3_000);
    // Maximise from the keyboard, and back.
    await page.getByTestId('dock-max-health').focus();
    await page.keyboard.press('Enter');
    await waitFor(
      'Health maximised',
      async () => (await page.getByTestId('dock-max-health').getAttribute('aria-pressed')) === 'true',
      3_000,
    );
    const full = await box(page, 'Health');
    assert.ok(full.width > 1000, `maximised Health takes the width: ${full.width}`);
    await page.getByTestId('dock-max-health').press('Enter');
    await waitFor(
      'Health restored',
      async () => (await page.getByTestId('dock-max-health').getAttribute('aria-pressed')) === 'false',
      3_000,
    );
    await page.getByTestId('reset-layout').click();
    await waitFor('Time back among the tabs', async () => !(await under().catch(() => false)), 3_000);
    assert.equal(await page.getByRole('tab', { name: 'Time', exact: true }).count(), 1);
    assert.deepEqual(env.problems.errors, []);
  });

  test('keyboard only: Tab reaches Record all, Shift+R stops and starts, with visible focus', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    const status = page.getByTestId('session-status');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let reached = false;
    for (let i = 0; i < 300 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await activeTestId(page)) === 'session-record';
    }
    assert.ok(reached, 'Tab reaches the Record all button');
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    assert.match(outline, /^solid [1-9]/, `the focused button shows it: ${outline}`);
    await page.keyboard.press('Enter');
    await waitFor('recording', async () => (await status.getAttribute('data-active')) === 'true', 10_000);
    await page.keyboard.press('Shift+R');
    await waitFor('stopped', async () => (await status.getAttribute('data-active')) === 'false', 10_000);
    assert.match((await status.textContent()) ?? '', /saved in/);
    await page.keyboard.press('Shift+R');
    await waitFor('recording again', async () => (await status.getAttribute('data-active')) === 'true', 10_000);
    // E goes to the event field; Esc leaves it so the next shortcut is ours again.
    await page.keyboard.press('e');
    await waitFor('the event field focused', async () => (await activeTestId(page)) === 'event-text', 3_000);
    await page.keyboard.type('keyboard event');
    await page.keyboard.press('Enter');
    await waitFor(
      'the event',
      async () => /keyboard event/.test((await page.getByTestId('session-last-event').textContent()) ?? ''),
      5_000,
    );
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+R');
    await waitFor('stopped again', async () => (await status.getAttribute('data-active')) === 'false', 10_000);
    // The help overlay lists the shortcuts; Esc closes it.
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor({ timeout: 3_000 });
    assert.match(await help.innerText(), /Shift\+R[\s\S]*Alt\+1/);
    await page.keyboard.press('Tab');
    assert.equal(await activeTestId(page), 'shortcut-help-close', 'Tab stays in the dialog');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached', timeout: 3_000 });
    assert.deepEqual(env.problems.errors, []);
  });

  test('the theme switch repaints the window, light included in the 3D scene, and is remembered', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    // The README's picture: the side column from its top, no focus ring.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const dark = decodePng(await page.screenshot({ timeout: 10_000 }));
    await page.getByTestId('theme-select').selectOption('light');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.waitForTimeout(400);
    mkdirSync(join(ARTIFACTS, 'screenshots'), { recursive: true });
    const lightPng = await page.screenshot({ path: LIGHT_SCREENSHOT, timeout: 10_000 });
    const light = decodePng(lightPng);
    const changed = countChanged(dark, light, 40);
    t.diagnostic(`${changed} of ${dark.width * dark.height} pixels changed with the theme`);
    assert.ok(changed > dark.width * dark.height * 0.5, 'most of the window changed colour');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(246, 248, 250)');
    await page.waitForTimeout(800);
    await page.reload({ waitUntil: 'load' });
    await waitFor(
      'the light theme restored',
      async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === 'light',
      5_000,
    );
    assert.deepEqual(env.problems.errors, []);
  });

  test('text follows the root text size (rem), as the system and browser settings set it', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    const sizes = async (): Promise<number[]> =>
      page.evaluate(() =>
        ['body', '.panel-header h2', '[data-testid="session-status"]', '.dock-tool'].map((sel) =>
          parseFloat(getComputedStyle(document.querySelector(sel) as Element).fontSize),
        ),
      );
    await showPanel(page, 'Recording');
    const normal = await sizes();
    await page.evaluate(() => (document.documentElement.style.fontSize = '24px'));
    const large = await sizes();
    await page.evaluate(() => (document.documentElement.style.fontSize = ''));
    t.diagnostic(`text sizes ${normal.join(', ')} px become ${large.join(', ')} px at 24 px root`);
    normal.forEach((px, i) => assert.ok(Math.abs(large[i]! - px * 1.5) < 0.6, `size ${i} scales with the root`));
  });

  test('axe-core finds no serious or critical accessibility violation, in either theme', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    // Evaluated through the debugging protocol, so the page's CSP (no inline script) stays as it is.
    await page.evaluate(readFileSync(axePath, 'utf8'));
    await showPanel(page, 'Devices');
    const bad: { theme: string; id: string; targets: string[] }[] = [];
    // Both themes, and the shortcut list open (a dialog over the page).
    for (const theme of ['light', 'dark', 'dark with the shortcut list'] as const) {
      if (theme === 'dark with the shortcut list') {
        await page.keyboard.press('?');
        await page.getByTestId('shortcut-help').waitFor({ timeout: 3_000 });
      } else {
        await page.getByTestId('theme-select').selectOption(theme);
      }
      await page.waitForTimeout(300);
      const found = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResults> } }).axe;
        interface AxeResults {
          violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
        }
        const results = await axe.run(document, { resultTypes: ['violations'] });
        return results.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
        }));
      });
      for (const v of found) t.diagnostic(`${theme}: ${v.impact} ${v.id}: ${v.help} ${v.targets.join(' ')}`);
      for (const v of found)
        if (v.impact === 'serious' || v.impact === 'critical') bad.push({ theme, id: v.id, targets: v.targets });
    }
    assert.deepEqual(bad, []);
    await page.keyboard.press('Escape');
    assert.deepEqual(env.problems.errors, []);
  });
});
