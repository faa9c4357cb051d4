/** The one Record button, driven in the page: local recording, device answers, an operator event. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readRecording } from '../helpers/recording';
import { waitFor } from './helpers';
import { showPanel } from './dock';

export async function checkRecordSession(
  page: Page,
  deviceId: string,
  deviceRecording: () => boolean,
): Promise<string> {
  await showPanel(page, 'Recording');
  await page.getByTestId('session-name').fill('e2e session');
  await page.getByTestId('session-operator').fill('e2e');
  await page.getByTestId('session-record').click({ timeout: 5_000 });
  const answer = page.getByTestId(`session-answer-${deviceId}`);
  await answer.waitFor({ timeout: 10_000 });
  assert.equal(await answer.getAttribute('data-outcome'), 'started');
  await waitFor('the simulator to record', () => deviceRecording(), 5_000, 50);
  // While recording: the disk line and a row of the four loss counters for the device.
  await page.getByTestId('session-disk').waitFor({ timeout: 5_000 });
  assert.match((await page.getByTestId('session-disk').textContent()) ?? '', /^disk: /);
  const losses = page.getByTestId(`session-losses-${deviceId}`);
  await losses.waitFor({ timeout: 5_000 });
  assert.equal(await losses.locator('td').count(), 5, 'device and its four counters');
  await page.getByTestId('event-text').fill('stimulus on');
  await page.getByTestId('event-text').press('Enter');
  await page.getByTestId('session-last-event').waitFor({ timeout: 5_000 });
  // A hotkey, outside any text field.
  await page.getByTestId('session-status').click();
  await page.keyboard.press('3');
  await waitFor(
    'the hotkey event',
    async () => /marker 3/.test((await page.getByTestId('session-last-event').textContent()) ?? ''),
    5_000,
  );
  await page.getByTestId('session-stop').click({ timeout: 5_000 });
  await page.getByTestId('session-record').waitFor({ timeout: 10_000 });
  await waitFor('the simulator to stop recording', () => !deviceRecording(), 5_000, 50);
  const status = (await page.getByTestId('session-status').textContent()) ?? '';
  const folder = /saved in (.*)$/.exec(status)?.[1];
  assert.ok(folder, `status says where: ${status}`);
  const mcap = join(folder, 'recording.mcap');
  assert.ok(existsSync(mcap));
  const { scan, messages } = await readRecording(mcap);
  assert.equal(scan.complete, true);
  assert.ok(messages.filter((m) => m.topic === `/${deviceId}/poses`).length > 10);
  assert.deepEqual(
    messages.filter((m) => m.topic === '/operator/events').map((m) => m.json.text),
    ['stimulus on', 'marker 3'],
  );
  return folder;
}

/** The Time panel shows the device's clock: an offset, an uncertainty, a drift (or that it is being fitted). */
export async function checkTimePanel(page: Page, deviceId: string): Promise<string> {
  await showPanel(page, 'Time');
  await page.getByTestId(`time-row-${deviceId}`).waitFor({ timeout: 10_000 });
  const offset = Number(await page.getByTestId(`time-offset-${deviceId}`).getAttribute('data-value'));
  assert.ok(Number.isFinite(offset) && offset !== 0, `offset ${offset}`);
  const uncertainty = (await page.getByTestId(`time-uncertainty-${deviceId}`).textContent()) ?? '';
  assert.match(uncertainty, /^±[0-9.]+ ms$/);
  // The demo has run for a while by now: the drift is fitted over some seconds.
  await waitFor(
    'a fitted drift',
    async () => /ppm \(over \d+ (s|min)\)/.test((await page.getByTestId(`time-drift-${deviceId}`).textContent()) ?? ''),
    10_000,
  );
  const jump = page.getByTestId(`time-jump-${deviceId}`);
  assert.equal(
    await jump.count(),
    0,
    `no jump for a steady clock: ${(await jump.count()) ? await jump.textContent() : ''}`,
  );
  return `${uncertainty}, ${(await page.getByTestId(`time-drift-${deviceId}`).textContent()) ?? ''}`;
}

/** Opens a recording in the page: its device replays (streaming in the Devices panel), pause holds, seek moves. */
export async function checkPlayback(page: Page, mcap: string, deviceId: string): Promise<void> {
  await showPanel(page, 'Playback');
  await showPanel(page, 'Devices');
  await page.getByTestId('playback-path').fill(mcap);
  await page.getByTestId('playback-open').click();
  const controls = page.getByTestId('playback-controls');
  await controls.waitFor({ timeout: 10_000 });
  const playbackId = `playback:${deviceId}`;
  await page.getByTestId(`device-card-${playbackId}`).waitFor({ timeout: 10_000 });
  const attr = async (name: string): Promise<string | null> => controls.getAttribute(name);
  // The recording is short (under a second or two), so it may end before a click lands: then the
  // toggle plays it again from the start, and the pause is tried again (a few times at most).
  let pausedMidway = false;
  for (let attempt = 0; attempt < 6 && !pausedMidway; attempt++) {
    await waitFor(
      'the playback to play or end',
      async () => (await attr('data-playing')) === 'true' || (await attr('data-ended')) === 'true',
      5_000,
    );
    const wasPlaying = (await attr('data-playing')) === 'true';
    await page.getByTestId('playback-toggle').click();
    if (!wasPlaying) continue;
    await waitFor('the playback to stop', async () => (await attr('data-playing')) === 'false', 5_000);
    pausedMidway = (await attr('data-ended')) === 'false';
  }
  assert.ok(pausedMidway, 'the recording ended before each pause landed');
  const position = async (): Promise<number> =>
    Number(await page.getByTestId('playback-position').getAttribute('data-value'));
  const paused = await position();
  await page.waitForTimeout(300);
  assert.equal(await position(), paused, 'paused: the position holds');
  // Seek to the start with the keyboard on the timeline.
  const timeline = page.getByTestId('playback-timeline');
  await timeline.focus();
  await page.keyboard.press('Home');
  await waitFor('the seek', async () => (await position()) < paused || paused === 0, 5_000);
  await page.getByTestId('playback-close').click();
  await page.getByTestId('playback-path').waitFor({ timeout: 5_000 });
}
