/**
 * The Windows installer's firewall macros (assets/installer/windows-firewall.nsh) compiled by the real
 * NSIS compiler, inside a stub installer the way electron-builder inserts them (customInstall in the
 * install section, customUnInstall in the uninstaller). Needs makensis (Debian: apt-get install nsis);
 * skipped with that reason where it is missing. What the macros say is checked in
 * test/unit/platform-packaging.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const INCLUDE = join(ROOT, 'assets', 'installer', 'windows-firewall.nsh');

test('the firewall macros compile into an installer and an uninstaller', (t) => {
  const found = spawnSync('makensis', ['-VERSION'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    t.skip('makensis not installed (Debian: apt-get install nsis)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sightline-nsis-'));
  try {
    const script = join(dir, 'stub.nsi');
    writeFileSync(
      script,
      [
        'Unicode true',
        '!define APP_EXECUTABLE_FILENAME "Sightline.exe"',
        'Name "Sightline firewall stub"',
        `OutFile "${join(dir, 'stub.exe')}"`,
        'InstallDir "$PROGRAMFILES64\\Sightline"',
        'RequestExecutionLevel admin',
        `!include "${INCLUDE}"`,
        'Section',
        '  SetOutPath "$INSTDIR"',
        '  !insertmacro customInstall',
        '  WriteUninstaller "$INSTDIR\\Uninstall.exe"',
        'SectionEnd',
        'Section "Uninstall"',
        '  !insertmacro customUnInstall',
        'SectionEnd',
        '',
      ].join('\n'),
    );
    // -WX: a warning (an unknown command, a bad quote) fails the build too.
    const built = spawnSync('makensis', ['-V2', '-WX', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(built.status, 0, `${built.stdout}\n${built.stderr}`);
    assert.ok(existsSync(join(dir, 'stub.exe')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
