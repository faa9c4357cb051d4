/**
 * LSL in the Preferences dialog end to end, in Debian's Chromium against headless demo mode: an
 * invalid known peer gets its message in the dialog and cannot be saved; the scope and a known peer
 * (127.0.0.1: demo mode asks known peers on loopback only) saved from the dialog reach settings.json
 * and take effect without a restart: discovery now finds an LSL outlet that answers only on its own
 * port (no responder on 16571, so unseen before), and the demo LSL streams start and stop with their
 * switch. Nothing leaves loopback.
 *
 *   node scripts/build.mjs && node --import tsx --test test/e2e/lsl-preferences.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_LSL_MARKERS_ID } from '../../main/protocols/lsl/demo';
import { LslOutlet } from '../../main/protocols/lsl/outlet';
import { waitForStreaming } from './checks';
import { useHeadlessDemoPage } from './demo-page';
import { showPanel } from './dock';
import { waitFor } from './helpers';

const STREAM = 'E2EPeerOnly';

/** Asks for a scan from the Devices panel and returns the names of the LSL streams found, once it ends. */
async function discoverLsl(page: Page): Promise<string[]> {
  await showPanel(page, 'Devices');
  await page.getByTestId('discover-devices').click();
  await page.getByTestId('found-searching').waitFor({ state: 'detached', timeout: 15_000 });
  return page.$$eval('[data-testid="found-lsl"] .found-name', (names) => names.map((n) => n.textContent ?? ''));
}

function settingsFile(dir: string): { lsl?: { scope: string; knownPeers: string[] }; demoLsl?: boolean } {
  try {
    return JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as ReturnType<typeof settingsFile>;
  } catch {
    return {};
  }
}

describe('LSL preferences in Debian Chromium, headless demo mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-lsl-prefs-e2e-'));
  let outlet: LslOutlet | null = null;
  before(async () => {
    // On a port of LSL's range (what known peers are asked on), with no discovery responder.
    outlet = await LslOutlet.create({
      name: STREAM,
      type: 'EEG',
      channelCount: 2,
      channelFormat: 'float32',
      nominalSrate: 10,
      sourceId: 'e2e-peer-only',
      bindAddress: '127.0.0.1',
      responderPort: null,
      hostname: 'e2e',
    });
  });
  after(async () => {
    await outlet?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const live = useHeadlessDemoPage('LSL preferences Chromium', {
    settingsPath: join(dir, 'settings.json'),
    recordingsDir: join(dir, 'recordings'),
    discoveryIntervalMs: 0,
  });

  test('scope and a known peer from the dialog: in settings.json and in effect; demo LSL on and off', async (t) => {
    const env = live(t);
    if (!env) return;
    const { page } = env;
    assert.ok(!(await discoverLsl(page)).includes(STREAM), 'unseen without the known peer');

    await page.getByTestId('preferences-open').click();
    const peers = page.getByLabel('LSL known peers', { exact: true });
    await peers.waitFor({ timeout: 5_000 });
    await peers.fill('eeg-pc\n300.1.1.1');
    await waitFor('the message for the bad entry', async () =>
      /"300\.1\.1\.1" is not a valid IPv4 address/.test(await page.getByTestId('pref-lsl-peers-hint').innerText()),
    );
    assert.equal(await peers.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByTestId('pref-save').isDisabled(), true, 'cannot be saved');

    await peers.fill('127.0.0.1');
    assert.equal(await peers.getAttribute('aria-invalid'), 'false');
    await page.getByLabel('LSL scope', { exact: true }).selectOption('machine');
    await page.getByLabel('Demo LSL streams', { exact: true }).check();
    await page.getByTestId('pref-save').click();
    await waitFor('saved', async () => /Saved/.test((await page.getByTestId('pref-saved').textContent()) ?? ''));
    await waitFor('settings.json written', () => {
      const file = settingsFile(dir);
      return file.lsl?.scope === 'machine' && file.lsl.knownPeers.join() === '127.0.0.1' && file.demoLsl === true;
    });
    await page.keyboard.press('Escape');

    // In effect, without a restart: the known peer is asked on every LSL port, and the demo streams run.
    await waitFor('the stream found through the known peer', async () => (await discoverLsl(page)).includes(STREAM));
    await waitForStreaming(page, DEMO_LSL_MARKERS_ID);

    await page.getByTestId('preferences-open').click();
    await page.getByLabel('Demo LSL streams', { exact: true }).uncheck();
    await page.getByTestId('pref-save').click();
    await waitFor('saved', async () => /Saved/.test((await page.getByTestId('pref-saved').textContent()) ?? ''));
    await page.keyboard.press('Escape');
    await page.getByTestId(`device-card-${DEMO_LSL_MARKERS_ID}`).waitFor({ state: 'detached', timeout: 10_000 });
    // Kept across a reload.
    await page.reload({ waitUntil: 'load' });
    await page.getByTestId('preferences-open').click();
    await page.getByLabel('LSL known peers', { exact: true }).waitFor({ timeout: 5_000 });
    assert.equal(await page.getByLabel('LSL known peers', { exact: true }).inputValue(), '127.0.0.1');
    assert.equal(await page.getByLabel('LSL scope', { exact: true }).inputValue(), 'machine');
    assert.equal(await page.getByLabel('Demo LSL streams', { exact: true }).isChecked(), false);
    await page.keyboard.press('Escape');
    assert.deepEqual(env.problems.errors, []);
  });
});
