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
import { Script } from 'node:vm';

const root = join(__dirname, '..', '..');

test('electron-builder packs only what runs into app.asar (checked file by file), and each bundle loads', (t) => {
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
      extractAll(p: string, dest: string): void;
    };
    const files = asar.listPackage(asarPath, {}).map((f) => f.replaceAll('\\', '/'));
    const entryPoints = [
      '/dist/main/app.cjs',
      '/dist/main/headless.cjs',
      '/dist/main/cli.cjs',
      '/dist/preload/index.cjs',
    ];
    for (const expected of [
      ...entryPoints,
      '/dist/main/recorder-worker.cjs',
      '/dist/main/wasm-zstd.wasm',
      '/dist/main/wasm-lz4.wasm',
      '/dist/renderer/index.html',
      '/dist/renderer/app.js',
      '/dist/renderer/link-worker.js',
      '/dist/renderer/styles.css',
      '/assets/icon.png',
      '/package.json',
    ]) {
      assert.ok(files.includes(expected), `${expected} is packed`);
    }
    // File by file: only what runs. Everything is bundled, so not one package ships.
    const unexpected = files.filter(
      (f) =>
        f.endsWith('.map') ||
        /\.(ts|tsx|mts|cts)$/.test(f) ||
        f.includes('node_modules') ||
        /^\/(test|main|preload|renderer|scripts|docs|\.ci)\//.test(f) ||
        /^\/assets\/(icons\/|.*\.(ico|icns|svg)$)/.test(f),
    );
    assert.deepEqual(unexpected, [], 'no sources, tests, maps, packages or installer-only icons');
    const pkg = JSON.parse(asar.extractFile(asarPath, 'package.json').toString()) as {
      main: string;
      dependencies?: object;
      devDependencies?: object;
    };
    assert.equal(pkg.main, 'dist/main/app.cjs');
    assert.ok(!pkg.dependencies || Object.keys(pkg.dependencies).length === 0, 'no runtime dependencies to install');

    // Every entry point's bundle loads from the package. The app's needs the Electron binary to run, so
    // it is compiled only; headless mode, the CLI and the preload's syntax are loaded for real.
    const unpacked = join(work, 'unpacked');
    asar.extractAll(asarPath, unpacked);
    for (const entry of entryPoints) {
      assert.doesNotThrow(
        () => new Script(readFileSync(join(unpacked, entry), 'utf8'), { filename: entry }),
        `${entry} compiles`,
      );
    }
    const loaded = spawnSync(
      process.execPath,
      [
        '-e',
        "const h = require('./dist/main/headless.cjs'); const c = require('./dist/main/cli.cjs');" +
          "if (typeof h.startHeadless !== 'function' || typeof c.runCli !== 'function') process.exit(3);",
      ],
      { cwd: unpacked, encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(loaded.status, 0, `headless and CLI bundles load from the package:\n${loaded.stderr}`);
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    for (const target of ['AppImage', 'deb', 'nsis', 'dmg']) assert.ok(yml.includes(target), `${target} target`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
