/**
 * LSL in the Preferences (main/settings/preferences.ts): the known peers checked the same way in the
 * dialog and in the call's schema, the values kept in settings.json's `lsl` and `demoLsl`, and applied
 * by a running headless server without a restart: its discovery asks the new known peers (on loopback
 * in demo mode, which never asks off this computer), and the demo LSL streams start and stop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { knownPeerProblem, parseKnownPeers, type Preferences, type PreferencesState } from '../../preload/api';
import { validateRpc } from '../../preload/api-schemas';
import { lanTargets, loopbackTargets, type Endpoint } from '../../main/devices/discovery-service';
import { startHeadless } from '../../main/headless';
import { DEMO_LSL_ID, DEMO_LSL_MARKERS_ID } from '../../main/protocols/lsl/demo';
import { BASE_PORT, MULTICAST_PORT, PORT_RANGE } from '../../main/protocols/lsl/messages';
import { PreferencesService, preferencesOf } from '../../main/settings/preferences';
import { SettingsStore } from '../../main/settings/settings-store';
import { FakeTransport } from '../helpers/fake-transport';
import { waitFor } from '../helpers/fake-source';
import { BASE_PREFERENCES } from '../helpers/preferences';

const dir = mkdtempSync(join(tmpdir(), 'sightline-lsl-prefs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base: Preferences = BASE_PREFERENCES;

test('known peers: host names and IPv4 addresses pass; anything else gets a message that names it', () => {
  for (const good of ['eeg-pc', '192.168.1.50', '127.0.0.1', 'amp1.lab.example.org', 'EEG-PC-2']) {
    assert.equal(knownPeerProblem(good), null, good);
  }
  const bad: [string, RegExp][] = [
    ['300.1.1.1', /"300\.1\.1\.1" is not a valid IPv4 address/],
    ['10.0.0', /not a valid IPv4 address/],
    ['fe80::1', /IPv6 addresses are not supported/],
    ['eeg_pc', /"eeg_pc" is not a host name or IPv4 address/],
    ['-eeg', /not a host name/],
    ['eeg..pc', /not a host name/],
    [`${'a'.repeat(64)}.lab`, /not a host name/],
    ['x'.repeat(254), /longer than a host name/],
  ];
  for (const [peer, message] of bad) assert.match(knownPeerProblem(peer) ?? '', message, peer);
  assert.deepEqual(parseKnownPeers(' eeg-pc\n192.168.1.50, eeg-pc\n\n'), { peers: ['eeg-pc', '192.168.1.50'] });
  assert.deepEqual(parseKnownPeers('eeg-pc\n300.1.1.1'), { error: '"300.1.1.1" is not a valid IPv4 address' });
  assert.deepEqual(parseKnownPeers(''), { peers: [] });
  const many = Array.from({ length: 65 }, (_, i) => `pc${i}`).join('\n');
  assert.match((parseKnownPeers(many) as { error: string }).error, /at most 64/);
});

test('the call’s schema checks the LSL preferences too, with the same message', () => {
  assert.ok(
    validateRpc('setPreferences', { preferences: { ...base, lslScope: 'machine', lslKnownPeers: ['eeg-pc'] } }).ok,
  );
  const peer = validateRpc('setPreferences', { preferences: { ...base, lslKnownPeers: ['eeg-pc', 'eeg pc'] } });
  assert.equal(peer.ok, false);
  assert.match((peer as { error: string }).error, /lslKnownPeers\.1 "eeg pc" is not a host name or IPv4 address/);
  for (const bad of [
    { ...base, lslScope: 'global' },
    { ...base, lslKnownPeers: 'eeg-pc' },
    { ...base, lslKnownPeers: Array.from({ length: 65 }, (_, i) => `pc${i}`) },
    { ...base, demoLsl: 'yes' },
  ]) {
    assert.equal(validateRpc('setPreferences', { preferences: bad }).ok, false, JSON.stringify(bad).slice(0, 80));
  }
});

test('saved in settings.json’s lsl and demoLsl, read back, and handed to what applies them', () => {
  const path = join(dir, 'settings.json');
  const settings = new SettingsStore(path, 0);
  const applied: unknown[] = [];
  const service = new PreferencesService(settings, { setLsl: (lsl, demoLsl) => applied.push({ lsl, demoLsl }) });
  const state = service.set({ ...base, lslScope: 'link', lslKnownPeers: ['eeg-pc', '10.0.0.7'], demoLsl: true });
  assert.deepEqual(applied, [{ lsl: { scope: 'link', knownPeers: ['eeg-pc', '10.0.0.7'] }, demoLsl: true }]);
  assert.equal(state.preferences.lslScope, 'link');
  settings.flush();
  const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(file.lsl, { scope: 'link', knownPeers: ['eeg-pc', '10.0.0.7'] });
  assert.equal(file.demoLsl, true);
  assert.equal((file.preferences as Record<string, unknown>).lslScope, undefined, 'kept once, in lsl');
  const again = preferencesOf(new SettingsStore(path).get());
  assert.deepEqual([again.lslScope, again.lslKnownPeers, again.demoLsl], ['link', ['eeg-pc', '10.0.0.7'], true]);
  service.set(base);
  settings.flush();
  assert.equal(new SettingsStore(path).get().demoLsl, undefined, 'off: the key goes');
  assert.deepEqual(preferencesOf({ version: 1, theme: 'system' }).lslKnownPeers, [], 'defaults without the blocks');
});

test('discovery targets from the settings: the scope and peers on the lab network, loopback peers only in demo mode', () => {
  const lsl = (targets: Record<string, unknown>) => targets.lsl as Endpoint[];
  const machine = lsl(lanTargets(null, { lsl: { scope: 'machine', knownPeers: ['10.0.0.7'] } }));
  const site = lsl(lanTargets(null, { lsl: { scope: 'site', knownPeers: [] } }));
  assert.ok(machine.some((t) => t.address === '10.0.0.7' && t.port === BASE_PORT));
  assert.ok(!machine.some((t) => t.address === '255.255.255.255'));
  assert.ok(site.some((t) => t.address === '239.255.172.215'));
  const demo = lsl(loopbackTargets({}, { lsl: { scope: 'site', knownPeers: ['10.0.0.7', '127.0.0.1'] } }));
  assert.ok(
    demo.every((t) => t.address === '127.0.0.1'),
    'nothing off this computer',
  );
  assert.equal(demo.length, 1 + PORT_RANGE, 'the responder port, then the peer on every LSL port');
  assert.deepEqual(lsl(loopbackTargets()), [{ address: '127.0.0.1', port: MULTICAST_PORT }]);
});

test('a running demo server applies a change at once: its discovery asks the new loopback peer, demo LSL starts and stops', async (t) => {
  const server = await startHeadless({
    demo: true,
    port: 0,
    log: () => {},
    settingsPath: join(dir, 'headless-settings.json'),
    recordingsDir: join(dir, 'recordings'),
    discoveryIntervalMs: 0,
  });
  t.after(() => server.close());
  const link = server.attach(new FakeTransport());
  const call = async (preferences: Preferences): Promise<PreferencesState> => {
    const r = await link.handleRpc('setPreferences', { preferences });
    assert.ok(r.ok, r.ok ? '' : r.error);
    return r.value as PreferencesState;
  };
  const lslTargets = () => server.dashboard.discovery!.currentTargets().lsl as Endpoint[];
  assert.deepEqual(lslTargets(), [{ address: '127.0.0.1', port: MULTICAST_PORT }]);
  assert.equal(server.hub.get(DEMO_LSL_MARKERS_ID), undefined, 'demo LSL is opt-in');

  await call({ ...base, lslScope: 'machine', lslKnownPeers: ['127.0.0.1', 'eeg-pc'], demoLsl: true });
  assert.equal(lslTargets().length, 1 + PORT_RANGE);
  assert.ok(lslTargets().every((t) => t.address === '127.0.0.1'));
  await waitFor(() => server.hub.get(DEMO_LSL_MARKERS_ID)?.health.state === 'streaming', 'demo LSL markers', 10_000);
  assert.ok(server.hub.get(DEMO_LSL_ID));

  await call({ ...base, lslScope: 'machine', lslKnownPeers: [], demoLsl: false });
  assert.deepEqual(lslTargets(), [{ address: '127.0.0.1', port: MULTICAST_PORT }]);
  await waitFor(() => server.hub.get(DEMO_LSL_ID) === undefined, 'demo LSL gone', 10_000);
  assert.equal(server.hub.get(DEMO_LSL_MARKERS_ID), undefined);
  assert.equal(server.devices?.demo?.lsl, undefined, 'its simulator stopped');
});
