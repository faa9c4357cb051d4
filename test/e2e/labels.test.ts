/**
 * A readable 3D view at 100 bodies (issue 18, item 6), in Debian's Chromium against headless demo
 * mode with a simulated Motive of 100 rigid bodies: the names shown never overlap (the layout hides
 * or moves colliding ones), some are shown, the full name shows on hover, and a device's names can
 * be turned off from the keyboard.
 *
 *   node scripts/build.mjs && node --import tsx --test test/e2e/labels.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { useHeadlessDemoPage } from './demo-page';
import { ARTIFACTS, waitFor } from './helpers';
import type { TestWindow } from './page-globals';

type Box = { x: number; y: number; width: number; height: number };

function shown(page: Page): Promise<{ key: string; rect: Box }[]> {
  return page.evaluate(
    () =>
      (
        window as unknown as { __sightlineDebug?: { labels(): { key: string; rect: Box }[] } }
      ).__sightlineDebug?.labels() ?? [],
  );
}

function overlapping(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('3D labels at 100 bodies in Debian Chromium, headless demo mode', () => {
  const live = useHeadlessDemoPage('labels Chromium', { demoBodies: 100 });

  test('no two shown names overlap; the full name on hover; names filtered per device', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('scene-canvas').waitFor({ timeout: 15_000 });
    const bodies = await waitFor(
      '100 bodies',
      async () => {
        const n = await page.evaluate(() => (window as TestWindow).__sightlineDebug?.bodies().length ?? 0);
        return n >= 100 ? n : false;
      },
      20_000,
    );
    const labels = await waitFor(
      'the label layout',
      async () => {
        const l = await shown(page);
        return l.length >= 5 ? l : false;
      },
      10_000,
    );
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        assert.ok(!overlapping(labels[i]!.rect, labels[j]!.rect), `${labels[i]!.key} overlaps ${labels[j]!.key}`);
      }
    }
    t.diagnostic(`${labels.length} of ${bodies} names shown, none overlapping`);
    assert.ok(labels.length < bodies, 'colliding names were hidden');
    mkdirSync(join(ARTIFACTS, 'screenshots'), { recursive: true });
    writeFileSync(join(ARTIFACTS, 'screenshots', 'labels-100.png'), await page.screenshot());

    // Hover a body: its full name, device included.
    const motive = await page.evaluate(() => {
      const w = window as TestWindow;
      const b = w.__sightlineDebug?.bodies().find((x) => x.name === 'Wand');
      return b ? w.__sightlineDebug?.bodyOnScreen(b.handle, b.id) : null;
    });
    assert.ok(motive, 'the Wand is on screen');
    await page.mouse.move(motive.x, motive.y);
    const hover = page.getByTestId('label-hover');
    await waitFor(
      'the hover name',
      async () => /Motive \(demo\) \/ Wand/.test((await hover.textContent().catch(() => '')) ?? ''),
      5_000,
    );

    // Keyboard: the Motive's "names" box turns its labels off; the others stay.
    const handle = await page.evaluate(
      () => (window as TestWindow).__sightlineDebug?.bodies().find((x) => x.name === 'Wand')?.handle,
    );
    const box = page.getByTestId(`legend-labels-${handle}`);
    await box.focus();
    await page.keyboard.press('Space');
    await waitFor(
      'no Motive name shown',
      async () => (await shown(page)).every((l) => !l.key.startsWith(`${handle}:`)),
      5_000,
    );
    await box.press('Space');
    await waitFor(
      'Motive names back',
      async () => (await shown(page)).some((l) => l.key.startsWith(`${handle}:`)),
      5_000,
    );
    assert.deepEqual(env.problems.errors, []);
  });
});
