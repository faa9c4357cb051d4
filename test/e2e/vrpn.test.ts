/**
 * End to end for VRPN: the built renderer in Debian's Chromium against headless demo mode, where a
 * simulated VRPN server streams a tracker with two sensors, buttons, analogs and a dial.
 *
 *   npm run build && node --import tsx --test test/e2e/vrpn.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO_VRPN_DEVICE_ID } from '../../main/protocols/vrpn/demo';
import { checkSceneMoves, debugBodies, waitForStreaming } from './checks';
import { useHeadlessDemoPage } from './demo-page';
import { waitFor } from './helpers';
import { showPanel } from './dock';

describe('VRPN in Debian Chromium, headless demo mode', () => {
  const live = useHeadlessDemoPage('VRPN Chromium');

  test('the simulated tracker’s sensors move in the 3D view, named Device/sensor, Z up turned Y up', async (t) => {
    const env = live(t);
    if (!env) return;
    await waitForStreaming(env.page, DEMO_VRPN_DEVICE_ID);
    const sensors = () =>
      debugBodies(env.page).then((bodies) => bodies.filter((b) => b.name === 'Tracker0/0' || b.name === 'Tracker0/1'));
    const first = await waitFor('both sensors in the scene', async () => {
      const s = await sensors();
      return s.length === 2 ? s : undefined;
    });
    for (const b of first) assert.ok(b.y > 1 && b.y < 1.4, `${b.name} at height ${b.y} (Y up)`);
    await env.page.waitForTimeout(400);
    const later = await sensors();
    const moved = later.some((b) => {
      const a = first.find((x) => x.name === b.name)!;
      return Math.hypot(b.x - a.x, b.y - a.y, b.z - a.z) > 0.01;
    });
    assert.ok(moved, 'the sensors moved within 400 ms');
    const { changed } = await checkSceneMoves(env.page);
    t.diagnostic(`${changed} canvas pixels changed in 500 ms`);
  });

  test('a button press shows in the VRPN panel, analogs and the dial live', async (t) => {
    const env = live(t);
    if (!env) return;
    const sim = env.server.devices?.demo?.vrpn;
    assert.ok(sim, 'demo mode runs the VRPN simulator');
    await showPanel(env.page, 'Inputs (VRPN)');
    await env.page.getByTestId('vrpn-panel').waitFor({ timeout: 10_000 });
    const button = env.page.getByTestId(`vrpn-${DEMO_VRPN_DEVICE_ID}-Button0-button-3`);
    await button.waitFor({ timeout: 10_000 });
    const pressesBefore = Number(await button.getAttribute('data-presses'));
    sim.press('Button0', 3, 0);
    sim.press('Button0', 3, 1);
    await waitFor(
      'the press in the panel',
      async () => Number(await button.getAttribute('data-presses')) > pressesBefore,
      5_000,
    );
    const analog = env.page.getByTestId(`vrpn-${DEMO_VRPN_DEVICE_ID}-Analog0-analog-0`);
    const a0 = await analog.getAttribute('data-value');
    await waitFor('the analog channel changing', async () => (await analog.getAttribute('data-value')) !== a0, 5_000);
    const dial = env.page.getByTestId(`vrpn-${DEMO_VRPN_DEVICE_ID}-Dial0-dial-0`);
    await waitFor('the dial turning', async () => Number(await dial.getAttribute('data-value')) > 0, 5_000);
    assert.deepEqual(env.problems.errors, []);
  });

  test('the room control turns the transform off and on again', async (t) => {
    const env = live(t);
    if (!env) return;
    const select = env.page.getByTestId(`vrpn-up-${DEMO_VRPN_DEVICE_ID}`);
    await select.selectOption('y');
    await waitFor('heights back on Z (as sent)', async () => {
      const b = (await debugBodies(env.page)).find((x) => x.name === 'Tracker0/0');
      return b !== undefined && b.z > 1 && b.z < 1.4;
    });
    await select.selectOption('z');
    await waitFor('heights on Y again', async () => {
      const b = (await debugBodies(env.page)).find((x) => x.name === 'Tracker0/0');
      return b !== undefined && b.y > 1 && b.y < 1.4;
    });
  });
});
