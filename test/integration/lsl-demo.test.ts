/**
 * Demo mode with simulated LSL streams, only when asked for: `demoLsl` in the settings file (or
 * --demo-lsl) adds the `sim lsl` outlets on loopback and two `lsl` devices reading them (EEG-like
 * channels, markers), which stream, show their values to the renderer and expect their nominal rate at
 * once; the standard demo has no LSL device.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCommonArgs } from '../../main/config';
import { startHeadless } from '../../main/headless';
import { DEMO_LSL_ID, DEMO_LSL_MARKERS_ID } from '../../main/protocols/lsl/demo';
import { SETTINGS_VERSION } from '../../main/settings/app-settings';
import { waitFor } from '../helpers/fake-source';
import { wsRenderer } from '../helpers/ws-renderer';

test('--demo-lsl is a common argument, absent unless given', () => {
  assert.deepEqual(parseCommonArgs(['--demo', '--demo-lsl']), { demo: true, demoLsl: true });
  assert.deepEqual(parseCommonArgs(['--demo']), { demo: true });
});

test('settings.demoLsl: the demo shows two streaming lsl devices beside the others', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-lsl-demo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const settingsPath = join(dir, 'settings.json');
  writeFileSync(settingsPath, JSON.stringify({ version: SETTINGS_VERSION, demoLsl: true }));
  const server = await startHeadless({ demo: true, staticRoot: dir, env: {}, log: () => {}, settingsPath });
  t.after(() => server.close());
  const r = wsRenderer(`ws://127.0.0.1:${server.port}/link`);
  t.after(() => r.ws.close());
  await waitFor(
    () =>
      [DEMO_LSL_ID, DEMO_LSL_MARKERS_ID].every((id) =>
        r.devices().some((d) => d.id === id && d.health.state === 'streaming' && d.health.samples > 0),
      ),
    'both demo LSL devices streaming',
    20_000,
  );
  const eeg = r.devices().find((d) => d.id === DEMO_LSL_ID)!;
  assert.equal(eeg.kind, 'lsl');
  assert.equal(eeg.simulated, true);
  // The other demo devices are there too.
  assert.ok(r.devices().some((d) => d.kind === 'natnet'));
  assert.ok(server.devices?.demo?.lsl, 'the LSL simulator is part of the demo');
  // The EEG's 8 channels reach the renderer as input values; its nominal rate is the expected one.
  await waitFor(
    () => r.events('inputs').some((e) => e.handle === eeg.handle && e.devices.some((d) => d.analog.length === 8)),
    'the EEG channels as values',
    10_000,
  );
  await waitFor(
    () => r.events('dashboard').some((e) => e.history.some((h) => h.deviceId === DEMO_LSL_ID && h.expectedHz === 250)),
    'the nominal rate expected',
    10_000,
  );
});

test('the standard demo has no LSL device', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-lsl-demo-off-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startHeadless({ demo: true, staticRoot: dir, env: {}, log: () => {} });
  t.after(() => server.close());
  assert.equal(server.devices?.demo?.lsl, undefined);
  assert.ok(server.devices?.demo?.motive);
});
