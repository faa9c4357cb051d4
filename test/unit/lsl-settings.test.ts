/**
 * The settings file's `lsl` block (scope, known peers): validated like the rest of the settings, turned
 * into LSL discovery's lab targets (through the lab interface when one is chosen) and into the multicast
 * groups Sightline's outlets join. No sockets: the loopback behaviour is in test/integration/lsl-settings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lanTargets } from '../../main/devices/discovery-service';
import { lslLanTargets, lslOutletNetwork, scopeGroups } from '../../main/protocols/lsl/settings';
import { AppSettingsSchema, loadAppSettings, SETTINGS_VERSION } from '../../main/settings/app-settings';
import { SettingsStore } from '../../main/settings/settings-store';
import { lslPublisherOptions } from '../../main/headless';

const base = { version: SETTINGS_VERSION };

test('the lsl block: scope and known peers, defaults filled in, anything else refused', () => {
  const parsed = AppSettingsSchema.parse({ ...base, lsl: { scope: 'machine', knownPeers: ['127.0.0.1', 'eeg-pc'] } });
  assert.deepEqual(parsed.lsl, { scope: 'machine', knownPeers: ['127.0.0.1', 'eeg-pc'] });
  assert.deepEqual(AppSettingsSchema.parse({ ...base, lsl: {} }).lsl, { scope: 'site', knownPeers: [] });
  assert.equal(AppSettingsSchema.parse(base).lsl, undefined);
  for (const bad of [
    { scope: 'world' },
    { knownPeers: 'pc1' },
    { knownPeers: ['pc 1'] },
    { knownPeers: [''] },
    { knownPeers: Array.from({ length: 65 }, (_, i) => `pc${i}`) },
    { scope: 'link', extra: true },
  ]) {
    assert.equal(AppSettingsSchema.safeParse({ ...base, lsl: bad }).success, false, JSON.stringify(bad));
  }
});

test('an unusable lsl block is reported by name and the file kept as a backup, like any other setting', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-lsl-settings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'settings.json');
  writeFileSync(path, JSON.stringify({ ...base, lsl: { scope: 'galaxy' } }));
  const loaded = loadAppSettings(path);
  assert.equal(loaded.outcome, 'replaced');
  assert.match(loaded.message!, /lsl\.scope/);
  assert.equal(loaded.value.lsl, undefined);
});

test('discovery targets: the scope’s addresses on 16571, then every LSL port of each known peer', () => {
  const machine = lslLanTargets({ scope: 'machine', knownPeers: ['127.0.0.1'] });
  assert.deepEqual(machine[0], { address: '127.0.0.1', port: 16571 });
  assert.equal(machine.length, 1 + 32);
  assert.deepEqual(
    machine.slice(1).map((t) => t.port),
    Array.from({ length: 32 }, (_, i) => 16572 + i),
  );
  assert.deepEqual(
    lslLanTargets({ scope: 'link', knownPeers: [] }).map((t) => t.address),
    ['127.0.0.1', '255.255.255.255', '224.0.0.1', '224.0.0.183'],
  );
  // Unset: liblsl's default, site.
  assert.deepEqual(lslLanTargets(), lslLanTargets({ scope: 'site', knownPeers: [] }));
});

test('lanTargets reads settings.lsl for the lsl kind only, and sends from the lab interface', () => {
  const settings = { lsl: { scope: 'machine', knownPeers: ['10.0.0.7'] } };
  const plain = lanTargets(null, settings);
  assert.deepEqual(plain.lsl, lslLanTargets({ scope: 'machine', knownPeers: ['10.0.0.7'] }));
  // The other kinds do not change with it.
  assert.deepEqual(plain.natnet, lanTargets(null).natnet);
  const iface = { address: '10.0.0.5', broadcast: '10.0.0.255' };
  const through = lanTargets(iface, { lsl: { scope: 'link', knownPeers: [] } }).lsl as {
    address: string;
    localAddress?: string;
  }[];
  assert.deepEqual(
    through.map((t) => t.address),
    ['127.0.0.1', '10.0.0.255', '224.0.0.1', '224.0.0.183'],
  );
  assert.ok(through.every((t) => t.localAddress === '10.0.0.5'));
  // A block the settings would refuse (here unvalidated) falls back to liblsl's defaults, not to nothing.
  assert.deepEqual(lanTargets(null, { lsl: { scope: 'bogus' } }).lsl, lslLanTargets());
});

test('outlets join the scope’s multicast groups, on the lab interface when one is chosen', () => {
  assert.deepEqual(scopeGroups('machine'), []);
  assert.deepEqual(scopeGroups('link'), ['224.0.0.1', '224.0.0.183']);
  assert.deepEqual(scopeGroups('site'), ['224.0.0.1', '224.0.0.183', '239.255.172.215']);
  assert.deepEqual(lslOutletNetwork({ scope: 'link', knownPeers: [] }, '10.0.0.5'), {
    multicastGroups: ['224.0.0.1', '224.0.0.183'],
    multicastInterface: '10.0.0.5',
  });
  assert.deepEqual(lslOutletNetwork(undefined, undefined), { multicastGroups: scopeGroups('site') });
});

test('serve --lsl: the publisher takes the scope and lab interface from the settings; demo mode and given options win', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-lsl-publisher-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'settings.json');
  writeFileSync(path, JSON.stringify({ ...base, networkInterface: '10.0.0.5', lsl: { scope: 'link' } }));
  const settings = new SettingsStore(path);
  const lab = { address: '10.0.0.5', name: 'eth1', broadcast: '10.0.0.255' };
  assert.deepEqual(lslPublisherOptions({ lsl: {} }, settings, lab).outlet, {
    multicastGroups: ['224.0.0.1', '224.0.0.183'],
    multicastInterface: '10.0.0.5',
  });
  // What the caller gives (tests' ports, an explicit bind address) wins over the settings.
  assert.deepEqual(
    lslPublisherOptions({ lsl: { outlet: { multicastGroups: [], dataPort: 0 } } }, settings, lab).outlet,
    {
      multicastGroups: [],
      multicastInterface: '10.0.0.5',
      dataPort: 0,
    },
  );
  // Demo mode stays on loopback whatever the settings say.
  const demo = { lsl: { outlet: { bindAddress: '127.0.0.1' } }, demo: true };
  assert.deepEqual(lslPublisherOptions(demo, settings, lab).outlet, { bindAddress: '127.0.0.1' });
  assert.deepEqual(lslPublisherOptions({ lsl: {} }, null, null), {});
});
