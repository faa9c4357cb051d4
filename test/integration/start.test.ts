/**
 * The README's first command ends in `npm start`. Where the Electron binary is absent (build machines
 * install with ELECTRON_SKIP_BINARY_DOWNLOAD=1), it must say so in one line and serve the app
 * headless instead, in demo mode when no device is configured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '..', '..');

function electronInstalled(): boolean {
  return existsSync(join(root, 'node_modules/electron/path.txt'));
}

test('npm start without the Electron binary falls back to headless demo mode and prints the URL', async (t) => {
  if (electronInstalled()) {
    t.skip('the Electron binary is installed here: npm start would open the window instead');
    return;
  }
  if (!existsSync(join(root, 'dist/main/headless.cjs'))) {
    t.skip('dist/ not built: run `npm run build` first (npm test does)');
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'sightline-home-'));
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', '0'], {
    cwd: root,
    // A fresh HOME: no device file, so demo mode; no SIGHTLINE_CONFIG from the developer's shell.
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      SIGHTLINE_CONFIG: '',
      SIGHTLINE_SKIP_BUILD: '1',
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 30 s; printed: ${stdout.join(' | ')}`)), 30_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        stdout.push(line);
        const m = /^Sightline headless: (http:\/\/127\.0\.0\.1:\d+\/\S*)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`npm start exited with ${code}; printed: ${stdout.join(' | ')}`)));
    });
    assert.equal(stdout.filter((l) => /Electron binary not installed/.test(l)).length, 1, 'says so in one line');
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root"|<script/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => {
      const timer = setTimeout(r, 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        r(undefined);
      });
    });
    rmSync(home, { recursive: true, force: true });
  }
});
