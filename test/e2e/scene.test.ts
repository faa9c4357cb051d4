/**
 * End to end for the 3D view: the built renderer in Debian's Chromium against headless demo mode
 * (the simulated Motive streams rigid bodies with labeled markers, a few unlabeled markers and a
 * walking skeleton). Checked by the canvas' pixels and by the DOM: bones, labeled and unlabeled
 * markers, selecting (click and keyboard), the details card, following, the toggles, units and up
 * axis, and that the options survive a reload.
 *
 *   npm run build && node --import tsx --test test/e2e/scene.test.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_DEVICE_ID } from '../../main/protocols/natnet/demo';
import { debugBodies, waitForStreaming } from './checks';
import { useHeadlessDemoPage } from './demo-page';
import { ARTIFACTS, waitFor } from './helpers';
import type { TestWindow } from './page-globals';
import { decodePng, type Rgba } from './png';

const SCREENSHOT = join(ARTIFACTS, 'screenshots', 'scene.png');
/**
 * Colour classes of renderer/src/panels/scene/palette.ts, by hue rather than exact value: the view
 * steps its pixel ratio under load (render-quality.ts), and an upscaled 1 px line blends into the
 * background. Each class excludes the others' colours and the device colours.
 */
type Rgb = readonly [number, number, number];
/** BONE_COLOUR #ffd166, alone or blended. */
const BONE = ([r, g, b]: Rgb) => r > 70 && g > 0.7 * r && g < r && b < 0.65 * g && r - b > 30;
/** UNLABELED_MARKER_COLOUR #ff9f1c. */
const UNLABELED = ([r, g, b]: Rgb) => r > 90 && g > 0.45 * r && g < 0.75 * r && b < 0.4 * g;
/** TRAIL_COLOUR #00ffa0. */
const TRAIL = ([r, g, b]: Rgb) => g > 90 && g > 1.6 * r && b > 0.5 * g && b < 0.8 * g;
/** Labels' text (#e6edf3). */
const WHITE = ([r, g, b]: Rgb) => Math.min(r, g, b) > 190;

/**
 * Pixels of a colour class inside a box (image px). By default the part of the canvas the DOM
 * overlays (legend, options, card, hint) leave free: an element screenshot shows them too.
 */
function countLike(
  image: Rgba,
  like: (rgb: Rgb) => boolean,
  box?: { x0: number; y0: number; x1: number; y1: number },
): number {
  const { x0, y0, x1, y1 } = box ?? { x0: 0, y0: 150, x1: image.width, y1: image.height - 30 };
  let n = 0;
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(image.height, y1); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(image.width, x1); x++) {
      const i = (y * image.width + x) * 4;
      if (like([image.data[i]!, image.data[i + 1]!, image.data[i + 2]!])) n++;
    }
  }
  return n;
}

/** Pixels with a channel above 150 in the overlay-free part of the canvas: drawn objects, not the grid. */
function countBright(image: Rgba): number {
  let n = 0;
  for (let y = 150; y < image.height - 30; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      if (Math.max(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!) > 150) n++;
    }
  }
  return n;
}

const canvasOf = (page: Page) => page.locator('[data-testid="scene"] canvas');

async function shoot(page: Page): Promise<{ image: Rgba; left: number; top: number }> {
  const canvas = canvasOf(page);
  const box = await canvas.boundingBox();
  assert.ok(box, 'the canvas is laid out');
  return { image: decodePng(await canvas.screenshot({ timeout: 10_000 })), left: box.x, top: box.y };
}

function bodyOnScreen(page: Page, handle: number, id: number): Promise<{ x: number; y: number } | null> {
  return page.evaluate(([h, i]) => (window as TestWindow).__sightlineDebug?.bodyOnScreen(h!, i!) ?? null, [handle, id]);
}

async function motiveBody(page: Page, name: string) {
  return waitFor(`${name} in the scene`, async () => (await debugBodies(page)).find((b) => b.name === name), 10_000);
}

async function cardValues(page: Page, testId: string): Promise<number[]> {
  const raw = await page.getByTestId(testId).getAttribute('data-values', { timeout: 5_000 });
  assert.ok(raw, `${testId} has values`);
  return raw.split(',').map(Number);
}

async function setToggle(page: Page, key: string, on: boolean): Promise<void> {
  const box = page.getByTestId(`scene-toggle-${key}`);
  if ((await box.isChecked()) !== on) await box.click();
  assert.equal(await box.isChecked(), on);
  // A frame or two for the change to be drawn (software GL caps the rate).
  await page.waitForTimeout(250);
}

describe('the 3D view in Debian Chromium, headless demo mode', () => {
  const settingsDir = mkdtempSync(join(tmpdir(), 'sightline-scene-'));
  after(() => rmSync(settingsDir, { recursive: true, force: true }));
  const live = useHeadlessDemoPage('3D scene Chromium', { settingsPath: join(settingsDir, 'settings.json') });

  test('the skeleton is drawn as bones between its segments; unlabeled markers apart from labeled ones', async (t) => {
    const env = live(t);
    if (!env) return;
    await waitForStreaming(env.page, DEMO_DEVICE_ID);
    const chest = await motiveBody(env.page, 'Walker/Chest');
    await motiveBody(env.page, 'Walker/Head');
    // Let the start-up framing settle (devices join a moment apart); names off, as a label could cover a bone.
    await env.page.waitForTimeout(800);
    await setToggle(env.page, 'labels', false);
    const head = (await debugBodies(env.page)).find((b) => b.name === 'Walker/Head')!;
    const segment = async () => [
      await bodyOnScreen(env.page, chest.handle, chest.id),
      await bodyOnScreen(env.page, head.handle, head.id),
    ];
    const [a0, b0] = await segment();
    const { image, left, top } = await shoot(env.page);
    const [a1, b1] = await segment();
    await canvasOf(env.page).screenshot({ path: join(ARTIFACTS, 'screenshots', 'scene-bones.png') });
    await setToggle(env.page, 'labels', true);
    assert.ok(a0 && b0 && a1 && b1, 'both segments on screen');
    // The segment moves while the screenshot is taken: look where it was swept, between before and after.
    const xs = [a0.x, b0.x, a1.x, b1.x].map((x) => x - left);
    const ys = [a0.y, b0.y, a1.y, b1.y].map((y) => y - top);
    const swept = { x0: Math.min(...xs) - 8, y0: Math.min(...ys), x1: Math.max(...xs) + 8, y1: Math.max(...ys) };
    const near = countLike(image, BONE, swept);
    const all = countLike(image, BONE);
    t.diagnostic(`bone pixels: ${all} in the view, ${near} where the chest–head bone was`);
    assert.ok(all > 15, `bones drawn (${all} bone-coloured pixels)`);
    assert.ok(near > 5, `a bone between the chest and the head (${near} pixels where it was)`);
    const unlabeled = countLike(image, UNLABELED);
    assert.ok(unlabeled > 10, `unlabeled markers drawn in their own colour (${unlabeled} pixels)`);
    await expectHint(env.page);
  });

  test('toggles change the picture: markers, labels, axes and trails', async (t) => {
    const env = live(t);
    if (!env) return;
    await motiveBody(env.page, 'Wand');
    const before = (await shoot(env.page)).image;
    const unlabeledOn = countLike(before, UNLABELED);
    await setToggle(env.page, 'markers', false);
    const unlabeledOff = countLike((await shoot(env.page)).image, UNLABELED);
    t.diagnostic(`unlabeled-marker pixels ${unlabeledOn} → ${unlabeledOff}`);
    assert.ok(
      unlabeledOn > 10 && unlabeledOff <= 2,
      `markers off: the unlabeled markers go (${unlabeledOn} → ${unlabeledOff} pixels)`,
    );

    const whiteOn = countLike((await shoot(env.page)).image, WHITE);
    await setToggle(env.page, 'labels', false);
    const whiteOff = countLike((await shoot(env.page)).image, WHITE);
    assert.ok(whiteOff < whiteOn / 3, `labels off: the names' text goes (${whiteOn} → ${whiteOff})`);

    // With markers and names off, what is bright is the bodies: spheres, bones and their axes.
    // The bodies move between shots, and the bright count with them: three shots each way, summed.
    const brightOf = async (): Promise<number> => {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += countBright((await shoot(env.page)).image);
      return sum;
    };
    const brightOn = await brightOf();
    await setToggle(env.page, 'axes', false);
    const brightOff = await brightOf();
    assert.ok(brightOff < brightOn * 0.85, `axes off: the bodies' axes go (${brightOn} → ${brightOff} bright pixels)`);

    // A few pixels of anything else can fall near the trail colour after antialiasing; a trail is tens.
    const trailOff = countLike((await shoot(env.page)).image, TRAIL);
    assert.ok(trailOff <= 5, `no trails by default (${trailOff} trail-coloured pixels)`);
    await setToggle(env.page, 'trails', true);
    await env.page.waitForTimeout(800);
    const withTrails = await shoot(env.page);
    const trail = countLike(withTrails.image, TRAIL);
    assert.ok(trail > 30, `trails on: ${trail} trail pixels`);
    t.diagnostic(`white ${whiteOn} → ${whiteOff}, bright ${brightOn} → ${brightOff}, trail ${trail}`);

    for (const key of ['markers', 'labels', 'axes']) await setToggle(env.page, key, true);
    await setToggle(env.page, 'trails', false);
  });

  test('a click on a body selects it; its card shows live values; Z up and mm change the numbers', async (t) => {
    const env = live(t);
    if (!env) return;
    const wand = await motiveBody(env.page, 'Wand');
    // Projected and clicked in quick succession; retried if the body moved away in between.
    await waitFor(
      'the Wand selected by a click',
      async () => {
        const at = await bodyOnScreen(env.page, wand.handle, wand.id);
        if (!at) return false;
        await env.page.mouse.click(at.x, at.y);
        return (
          (await env.page
            .getByTestId('card-name')
            .textContent({ timeout: 1_000 })
            .catch(() => null)) === 'Wand'
        );
      },
      8_000,
      300,
    );
    const card = env.page.getByTestId('body-card');
    assert.match((await card.getByTestId('card-device').textContent()) ?? '', /Motive|demo/i);
    assert.equal(await card.getByTestId('card-valid').getAttribute('data-valid'), 'true');
    assert.equal(await card.getByTestId('card-markers').textContent(), '3');
    const error = Number(await card.getByTestId('card-error').textContent());
    assert.ok(error > 0 && error < 0.001, `mean error in metres: ${error}`);
    const [x0, y0, z0] = await cardValues(env.page, 'card-position');
    assert.ok(y0! > 0.85 && y0! < 1.15, `Y up, metres: the Wand's height ${y0}`);
    const q = await cardValues(env.page, 'card-quaternion');
    assert.ok(Math.abs(Math.hypot(...q) - 1) < 1e-6, 'a unit quaternion');
    assert.equal((await cardValues(env.page, 'card-euler')).length, 3);
    // Live: the values move while the Wand flies.
    await waitFor(
      'the card to follow the Wand',
      async () => {
        const [x, , z] = await cardValues(env.page, 'card-position');
        return Math.hypot(x! - x0!, z! - z0!) > 0.005;
      },
      3_000,
      100,
    );

    await env.page.getByTestId('scene-units').selectOption('mm');
    await env.page.getByTestId('scene-up').selectOption('z');
    await waitFor('the card in mm, Z up', async () => {
      const [, , z] = await cardValues(env.page, 'card-position');
      return z! > 850 && z! < 1150;
    });
    const [, yDisplay] = await cardValues(env.page, 'card-position');
    const scene = (await debugBodies(env.page)).find((b) => b.name === 'Wand')!;
    // Display Y is scene −Z; the Wand moves under 1 m/s, the card refreshes every 200 ms.
    assert.ok(Math.abs(yDisplay! - -scene.z * 1000) < 300, `display Y ${yDisplay} mm vs scene Z ${scene.z} m`);
    assert.match((await card.textContent()) ?? '', /Position \(mm, Z up\)/);
    const qz = await cardValues(env.page, 'card-quaternion');
    assert.ok(Math.abs(Math.hypot(...qz) - 1) < 1e-6, 'still a unit quaternion');
    const errorMm = Number(await card.getByTestId('card-error').textContent());
    assert.ok(errorMm > 0.05 && errorMm < 1, `mean error in mm: ${errorMm}`);
    await expectHint(env.page, 'Z up · mm');

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await env.page.screenshot({ path: SCREENSHOT, timeout: 10_000 });
    t.diagnostic(`saved ${SCREENSHOT}`);
  });

  test('following keeps the selected body in the middle of the view', async (t) => {
    const env = live(t);
    if (!env) return;
    const hip = await motiveBody(env.page, 'Walker/Hip');
    const box = (await canvasOf(env.page).boundingBox())!;
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    // The keyboard way in: the body list, then the follow switch on the card.
    const list = env.page.getByTestId('scene-bodies');
    if ((await list.getAttribute('open')) === null) await list.locator('summary').click();
    const row = env.page.getByTestId(`scene-body-${hip.handle}-${hip.id}`);
    await row.focus();
    await env.page.keyboard.press('Enter');
    await waitFor(
      'the hip selected',
      async () => (await env.page.getByTestId('card-name').textContent()) === 'Walker/Hip',
    );
    assert.equal(await row.getAttribute('aria-pressed'), 'true');
    await env.page.getByTestId('card-follow').focus();
    await env.page.keyboard.press('Space');
    assert.equal(await env.page.getByTestId('card-follow').isChecked(), true);
    await env.page.waitForTimeout(500);
    const distances: number[] = [];
    for (let i = 0; i < 5; i++) {
      const at = await bodyOnScreen(env.page, hip.handle, hip.id);
      assert.ok(at, 'the followed body stays in front of the camera');
      distances.push(Math.hypot(at.x - centre.x, at.y - centre.y));
      await env.page.waitForTimeout(300);
    }
    t.diagnostic(`followed body from the view's centre: ${distances.map((d) => d.toFixed(1)).join(', ')} px`);
    // The walker crosses ~0.5 m/s; without following it would leave the centre by far more. The
    // camera follows in the frame loop, so a frame drawn late on a loaded machine (software GL) can
    // catch the body one step behind: the median is the measure, with a looser bound on the worst.
    const sorted = [...distances].sort((a, b) => a - b);
    assert.ok(sorted[2]! < 40, 'the followed body stays near the middle');
    assert.ok(sorted[4]! < 120, 'and never far from it');
    await env.page.getByTestId('card-follow').uncheck();
    await env.page.getByRole('button', { name: 'Close details' }).click();
    assert.equal(await env.page.getByTestId('body-card').count(), 0);
  });

  test('units and up axis are kept with the layout: a reload restores them', async (t) => {
    const env = live(t);
    if (!env) return;
    await env.page.getByTestId('scene-units').selectOption('mm');
    await env.page.getByTestId('scene-up').selectOption('z');
    // The layout is saved a moment after the last change.
    await env.page.waitForTimeout(800);
    await env.page.reload({ waitUntil: 'load' });
    await waitFor('units restored', async () => (await env.page.getByTestId('scene-units').inputValue()) === 'mm');
    assert.equal(await env.page.getByTestId('scene-up').inputValue(), 'z');
    await env.page.getByTestId('scene-units').selectOption('m');
    await env.page.getByTestId('scene-up').selectOption('y');
    assert.deepEqual(env.problems.errors, []);
  });
});

async function expectHint(page: Page, text = 'Y up · m'): Promise<void> {
  assert.match((await page.getByTestId('scene-hint').textContent()) ?? '', new RegExp(text));
}
