/**
 * End to end for Teleport: the built renderer in Debian's Chromium against headless demo mode, where a
 * simulated Teleport server (2022a) streams moving nodes over our ENet.
 *
 *   npm run build && node --import tsx --test test/e2e/teleport.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO_TELEPORT_ID } from '../../main/protocols/teleport/demo';
import { debugBodies, waitForStreaming } from './checks';
import { useHeadlessDemoPage } from './demo-page';
import { waitFor } from './helpers';
import { showPanel } from './dock';

describe('Teleport in Debian Chromium, headless demo mode', () => {
  const live = useHeadlessDemoPage('Teleport Chromium');

  test('the Teleport panel shows the server, Setup fields with units, the ENet link and the nodes', async (t) => {
    const env = live(t);
    if (!env) return;
    await waitForStreaming(env.page, DEMO_TELEPORT_ID);
    const id = DEMO_TELEPORT_ID;
    await showPanel(env.page, 'Teleport session');
    await env.page.getByTestId('teleport-panel').waitFor({ timeout: 10_000 });
    assert.match(await env.page.getByTestId(`teleport-variant-${id}`).innerText(), /vtable prefix/);
    assert.match(await env.page.getByTestId(`teleport-servers-${id}`).innerText(), /127\.0\.0\.1 · ENet port \d+/);
    const setup = env.page.getByTestId(`teleport-setup-${id}`);
    await setup.locator('summary').click();
    const setupText = await setup.innerText();
    for (const expected of [
      /idle timeout\s+13000 ms/,
      /video codec\s+hevc \(2\)/,
      /axes standard\s+unity \(70\)/,
      /draw distance\s+15 m/,
      /background mode\s+colour \(1\)/,
    ]) {
      assert.match(setupText, expected);
    }
    await waitFor(
      'an RTT figure',
      async () => (await env.page.getByTestId(`teleport-rtt-${id}`).getAttribute('data-value')) !== '',
    );
    const node = env.page.getByTestId(`teleport-node-${id}-1001`);
    await node.waitFor({ timeout: 10_000 });
    assert.match(await node.innerText(), /visible/);
    assert.match(await env.page.getByTestId(`teleport-channels-${id}`).innerText(), /1 Control/);
    assert.deepEqual(env.problems.errors, []);
  });

  test('the nodes are bodies in the 3D view, named after their uid', async (t) => {
    const env = live(t);
    if (!env) return;
    await waitFor('Teleport nodes in the scene', async () => {
      const bodies = await debugBodies(env.page);
      return bodies.some((b) => b.name === 'node 1001') ? true : undefined;
    });
  });
});
