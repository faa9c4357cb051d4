/**
 * What the end-to-end suites assert about a running window, shared by the Chromium (headless mode)
 * and Electron suites so both check exactly the same things.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { countChanged, countUnlike, decodePng } from './png';
import { waitFor } from './helpers';
import type { DebugBody, TestWindow } from './page-globals';

/** renderer/src/panels/scene/palette.ts BACKGROUND_COLOUR, #0d1117. */
const SCENE_BACKGROUND: readonly [number, number, number] = [0x0d, 0x11, 0x17];

/** Empty until the page's scripts ran: a test polls these rather than failing on a page still loading. */
export function debugBodies(page: Page): Promise<DebugBody[]> {
  return page.evaluate(() => (window as TestWindow).__sightlineDebug?.bodies() ?? []);
}

export function debugBatches(page: Page): Promise<number> {
  return page.evaluate(() => (window as TestWindow).__sightlineDebug?.batches() ?? 0);
}

export function debugLatencies(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as TestWindow).__sightlineDebug?.latencies() ?? []);
}

/** Reads a number the panels publish in data-value (the displayed text is formatted). */
export async function readValue(page: Page, testId: string): Promise<number> {
  const raw = await page.getByTestId(testId).getAttribute('data-value', { timeout: 5_000 });
  const value = Number(raw);
  assert.ok(raw !== null && raw !== '' && Number.isFinite(value), `${testId}: no numeric data-value (${String(raw)})`);
  return value;
}

/** The page sees Sightline's API and nothing of Node or Electron (contextIsolation, sandbox, no nodeIntegration). */
export async function checkNoNodeInPage(page: Page): Promise<void> {
  const globals = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return {
      require: typeof w.require,
      process: typeof w.process,
      module: typeof w.module,
      Buffer: typeof w.Buffer,
      electron: typeof w.electron,
    };
  });
  assert.deepEqual(globals, {
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    Buffer: 'undefined',
    electron: 'undefined',
  });
}

export async function waitForStreaming(page: Page, deviceId: string): Promise<void> {
  await page
    .getByTestId(`device-state-${deviceId}`)
    .and(page.locator('[data-state="streaming"]'))
    .waitFor({ timeout: 20_000 });
}

/**
 * The 3D view draws something and it moves: pixels of the canvas as shown on screen, not the DOM.
 * Two screenshots ~500 ms apart must differ in a meaningful number of pixels (the bodies, their
 * labels and markers move; the camera does not), and must not be all background.
 */
export async function checkSceneMoves(page: Page): Promise<{ drawn: number; changed: number; total: number }> {
  const canvas = page.locator('[data-testid="scene"] canvas');
  await canvas.waitFor({ timeout: 10_000 });
  // Give the scene a moment to mount the bodies that arrived with the first batches.
  await waitFor('bodies in the debug hooks', async () => (await debugBodies(page)).length > 0, 10_000);
  await page.waitForTimeout(300);
  const first = decodePng(await canvas.screenshot({ timeout: 10_000 }));
  await page.waitForTimeout(500);
  const second = decodePng(await canvas.screenshot({ timeout: 10_000 }));
  const total = first.width * first.height;
  const drawn = countUnlike(second, SCENE_BACKGROUND, 12);
  const changed = countChanged(first, second, 24);
  assert.ok(drawn > total * 0.01, `the 3D view looks blank: ${drawn} of ${total} pixels differ from the background`);
  // A handful of anti-aliasing pixels would not prove motion; a moving body with its label changes hundreds.
  assert.ok(changed > 300, `the 3D view did not move: ${changed} of ${total} pixels changed in 500 ms`);
  return { drawn, changed, total };
}

export interface HealthReading {
  rateHz: number;
  samplesBefore: number;
  samplesAfter: number;
}

/** Live health: streaming, a sample rate near the simulator's, and a sample counter that moves. */
export async function checkDeviceHealth(page: Page, deviceId: string, expectedRateHz: number): Promise<HealthReading> {
  await waitForStreaming(page, deviceId);
  // The rate is measured over ~1 s in main; wait for a snapshot where it settled near the simulator's.
  const rateHz = await waitFor(
    `sample rate near ${expectedRateHz} Hz`,
    async () => {
      const rate = await readValue(page, `device-rate-${deviceId}`);
      return Math.abs(rate - expectedRateHz) <= expectedRateHz * 0.25 ? rate : false;
    },
    10_000,
    250,
  ).catch(async (error: unknown) => {
    const rate = await readValue(page, `device-rate-${deviceId}`);
    throw new Error(`${(error as Error).message}; last shown ${rate} Hz`);
  });
  assert.ok(rateHz > 0);
  const samplesBefore = await readValue(page, `device-samples-${deviceId}`);
  const samplesAfter = await waitFor(
    'the sample counter to increase',
    async () => {
      const now = await readValue(page, `device-samples-${deviceId}`);
      return now > samplesBefore ? now : false;
    },
    5_000,
    200,
  );
  return { rateHz, samplesBefore, samplesAfter };
}

async function indicatorState(page: Page, deviceId: string): Promise<string | null> {
  return page.getByTestId(`recording-indicator-${deviceId}`).getAttribute('data-recording', { timeout: 5_000 });
}

/**
 * Record turns the device's recording on and the indicator follows; Stop turns it off.
 * `deviceRecording` reads the truth from the device side (the simulator) when the test can reach it.
 */
export async function checkRecording(
  page: Page,
  deviceId: string,
  deviceRecording: (() => boolean) | null,
): Promise<void> {
  assert.equal(await indicatorState(page, deviceId), 'false', 'recording before the test started');
  await page.getByTestId(`take-name-${deviceId}`).fill('e2e_take');
  await page.getByTestId(`record-button-${deviceId}`).click({ timeout: 5_000 });
  if (deviceRecording) await waitFor('the simulator to record', () => deviceRecording(), 5_000, 50);
  await waitFor(
    'the recording indicator to turn on',
    async () => (await indicatorState(page, deviceId)) === 'true',
    5_000,
  );
  await page.getByTestId('header-recording').waitFor({ timeout: 5_000 });

  await page.getByTestId(`stop-button-${deviceId}`).click({ timeout: 5_000 });
  if (deviceRecording) await waitFor('the simulator to stop recording', () => !deviceRecording(), 5_000, 50);
  await waitFor(
    'the recording indicator to turn off',
    async () => (await indicatorState(page, deviceId)) === 'false',
    5_000,
  );
  await page.getByTestId(`record-button-${deviceId}`).waitFor({ timeout: 5_000 });
}
