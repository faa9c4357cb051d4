/**
 * What the installers declare for each platform's network rules: macOS's local-network prompt text and
 * the Bonjour types Sightline browses (read from the code, so a new browse cannot be forgotten), and
 * the Windows installer's firewall rule. electron-builder's own schema check of this file is
 * test/interop/electron-builder.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const builder = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
  files: string[];
  mac: { extendInfo?: Record<string, unknown> };
  nsis: { include?: string };
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('macOS: the local-network prompt has Sightline’s reason, and every Bonjour type browsed is declared', () => {
  const info = builder.mac.extendInfo ?? {};
  assert.match(String(info.NSLocalNetworkUsageDescription ?? ''), /local network/);
  assert.match(String(info.NSLocalNetworkUsageDescription ?? ''), /Motive.*Companion/s);
  const browsed = new Set<string>();
  for (const file of sources(join(ROOT, 'main'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.find\(\{\s*type:\s*'([^']+)',\s*protocol:\s*'([^']+)'/g)) {
      browsed.add(`_${m[1]}._${m[2]}`);
    }
  }
  assert.ok(browsed.size > 0, 'found the mDNS browse in the code');
  assert.deepEqual([...(info.NSBonjourServices as string[])].sort(), [...browsed].sort());
});

test('Windows: an all-users install adds one inbound UDP rule for Sightline on lab networks; uninstall removes it', () => {
  assert.ok(builder.nsis.include, 'nsis.include');
  const script = readFileSync(join(ROOT, builder.nsis.include), 'utf8');
  const install = /!macro customInstall([\s\S]*?)!macroend/.exec(script)?.[1] ?? '';
  const uninstall = /!macro customUnInstall([\s\S]*?)!macroend/.exec(script)?.[1] ?? '';
  const add = /netsh advfirewall firewall add rule ([^']+)'/.exec(install)?.[1] ?? '';
  assert.match(add, /dir=in/);
  assert.match(add, /action=allow/);
  assert.match(add, /protocol=UDP/);
  assert.match(add, /profile=domain,private(?!,public)/);
  assert.match(add, /program="\$INSTDIR\\\$\{APP_EXECUTABLE_FILENAME\}"/);
  const name = /name="([^"]+)"/.exec(add)?.[1];
  assert.ok(name);
  assert.ok(install.includes(`delete rule name="${name}"`), 'a reinstall replaces the rule instead of adding a second');
  assert.ok(uninstall.includes(`delete rule name="${name}"`), 'uninstalling removes it');
  // The installer script is not part of the app.
  assert.ok(builder.files.includes('!assets/installer/**'));
});
