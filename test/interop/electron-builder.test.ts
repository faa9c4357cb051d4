/**
 * Packaging, checked with the real electron-builder. Installer targets need tool downloads that
 * build machines cannot make, but an unpacked build with a placeholder Electron runs offline and
 * exercises the config, the `files` globs and the asar: what an installer would carry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

test('electron-builder packs dist/ (main, preload, renderer) into app.asar, without source maps or node_modules', (t) => {
  if (!existsSync(join(root, 'dist/main/app.cjs'))) {
    t.skip('dist/ not built: run `npm run build` first (npm test does)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'sightline-pack-'));
  try {
    const fakeElectron = join(work, 'electron-dist');
    spawnSync('mkdir', ['-p', fakeElectron]);
    writeFileSync(join(fakeElectron, 'electron'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(fakeElectron, 'electron'), 0o755);
    const out = join(work, 'out');
    const result = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/electron-builder/cli.js'),
        '--linux',
        'dir',
        `-c.electronDist=${fakeElectron}`,
        `-c.directories.output=${out}`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(result.status, 0, `electron-builder failed:\n${result.stdout}\n${result.stderr}`);
    const asarPath = join(out, 'linux-unpacked/resources/app.asar');
    assert.ok(existsSync(asarPath), 'app.asar was written');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const asar = require('@electron/asar') as {
      listPackage(p: string, o: object): string[];
      extractFile(p: string, f: string): Buffer;
    };
    const files = asar.listPackage(asarPath, {}).map((f) => f.replaceAll('\\', '/'));
    for (const expected of [
      '/dist/main/app.cjs',
      '/dist/preload/index.cjs',
      '/dist/renderer/index.html',
      '/dist/renderer/app.js',
      '/package.json',
    ]) {
      assert.ok(files.includes(expected), `${expected} is packed`);
    }
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
      'no source maps',
    );
    assert.deepEqual(
      files.filter((f) => f.includes('node_modules')),
      [],
      'everything is bundled; no node_modules',
    );
    const pkg = JSON.parse(asar.extractFile(asarPath, 'package.json').toString()) as { main: string };
    assert.equal(pkg.main, 'dist/main/app.cjs');
    assert.ok(readFileSync(join(root, 'electron-builder.yml'), 'utf8').includes('AppImage'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
