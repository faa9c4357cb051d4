/**
 * The Channels panel end to end: the built renderer in Debian's Chromium against headless demo mode
 * with simulated LSL streams (demoLsl), where the `lsl` device's EEG-like channels show with their
 * labels and live values.
 *
 *   npm run build && node --import tsx --test test/e2e/channels.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO_LSL_ID } from '../../main/protocols/lsl/demo';
import { waitForStreaming } from './checks';
import { useHeadlessDemoPage } from './demo-page';
import { showPanel } from './dock';
import { waitFor } from './helpers';

describe('Channels panel in Debian Chromium, headless demo mode with LSL', () => {
  const live = useHeadlessDemoPage('Channels Chromium', { demoLsl: true });

  test('the demo EEG stream’s channels show with their labels, and their values change', async (t) => {
    const env = live(t);
    if (!env) return;
    await waitForStreaming(env.page, DEMO_LSL_ID);
    await showPanel(env.page, 'Channels');
    const device = env.page.getByTestId(`channels-device-${DEMO_LSL_ID}`);
    await device.waitFor({ timeout: 10_000 });
    const first = env.page.getByTestId(`channels-${DEMO_LSL_ID}-0`);
    await waitFor('the first channel labelled Fp1', async () =>
      (await first.innerText()).includes('Fp1') ? true : undefined,
    );
    assert.equal(await env.page.getByTestId(`channels-${DEMO_LSL_ID}-7`).count(), 1, 'eight channels');
    const before = await first.getAttribute('data-value');
    await waitFor('a new value', async () => ((await first.getAttribute('data-value')) !== before ? true : undefined));
    // VRPN's analogs stay in their own panel.
    assert.equal(await env.page.getByTestId('channels-device-demo-vrpn').count(), 0);
    assert.deepEqual(env.problems.errors, []);
  });
});
