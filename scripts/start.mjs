// npm start: build, then open the Electron app. Where the Electron binary is absent and cannot be
// fetched (build machines install with ELECTRON_SKIP_BINARY_DOWNLOAD=1 and have no route to it), say
// so in one line and run headless mode instead, which prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary as findElectron } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// SIGHTLINE_SKIP_BUILD=1: dist/ is already built (the tests build once and must not race a rebuild).
if (!process.env.SIGHTLINE_SKIP_BUILD) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const electronDir = join(root, 'node_modules', 'electron');

const electronBinary = () => findElectron(root);

function fetchElectronOnce() {
  // npm 11 may skip electron's install script; fetch the binary on first start instead.
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || !existsSync(join(electronDir, 'install.js'))) return null;
  console.log('Fetching the Electron binary (first start only)…');
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 300_000 });
  return electronBinary();
}

const args = process.argv.slice(2);
const electron = electronBinary() ?? fetchElectronOnce();
if (!electron)
  console.log('Electron binary not installed here; starting headless mode instead: open the URL below in a browser.');
const child = electron
  ? spawn(electron, [root, ...args], { stdio: 'inherit' })
  : spawn(process.execPath, [join(root, 'dist/main/headless.cjs'), ...args], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
