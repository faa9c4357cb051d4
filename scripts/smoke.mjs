// npm run smoke: start the real Electron app with --smoke (demo mode) and report in one line whether
// the page received its first pose batch and drew its first decoded video frame over IPC, with the
// timings. `-- --packaged` runs the app electron-builder unpacked in release/ instead (what CI does
// after npm run dist); `-- --app PATH` runs that executable.
//
// Exit codes: 0 ok; 1 failed or timed out (the line says why); 3 no Electron binary here (so a machine
// without one is told apart from a broken app).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

export const EXIT_NO_BINARY = 3;
const PREFIX = 'sightline smoke:';
/** The app gives up at 60 s (main/app/smoke.ts); this is for an app that cannot even say so. */
const HARD_LIMIT_MS = 75_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const appArg = argv.indexOf('--app');

function packagedApp() {
  const release = join(root, 'release');
  if (!existsSync(release)) return null;
  // electron-builder's unpacked folders: linux-unpacked, linux-arm64-unpacked, win-unpacked, mac, mac-arm64, …
  for (const dir of readdirSync(release).sort()) {
    const candidates =
      {
        linux: [join(release, dir, 'sightline')],
        win32: [join(release, dir, 'Sightline.exe')],
        darwin: [join(release, dir, 'Sightline.app', 'Contents', 'MacOS', 'Sightline')],
      }[process.platform] ?? [];
    const found = candidates.find((c) => existsSync(c));
    if (found) return found;
  }
  return null;
}

function finish(line, code) {
  console.log(line);
  process.exit(code);
}

let command;
let args;
if (appArg >= 0 || argv.includes('--packaged')) {
  command = appArg >= 0 ? argv[appArg + 1] : packagedApp();
  if (!command || !existsSync(command)) {
    finish(`${PREFIX} no packaged app to run (run npm run dist first, or give --app PATH)`, EXIT_NO_BINARY);
  }
  args = ['--smoke'];
} else {
  command = electronBinary(root);
  if (!command) {
    finish(
      `${PREFIX} the Electron binary is missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD): nothing to smoke-test here`,
      EXIT_NO_BINARY,
    );
  }
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) finish(`${PREFIX} FAILED: the build failed`, 1);
  args = [root, '--smoke'];
}

const started = Date.now();
const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
let result = null;
let tail = '';
const read = (chunk) => {
  const text = chunk.toString('utf8');
  tail = (tail + text).slice(-400);
  for (const line of text.split(/\r?\n/)) if (line.startsWith(PREFIX)) result = line;
};
child.stdout.on('data', read);
child.stderr.on('data', read);
const limit = setTimeout(() => {
  child.kill('SIGKILL');
  finish(`${PREFIX} FAILED: no answer from the app within ${HARD_LIMIT_MS / 1000} s`, 1);
}, HARD_LIMIT_MS);
child.on('error', (error) => finish(`${PREFIX} FAILED: could not start ${command}: ${error.message}`, 1));
child.on('exit', (code, signal) => {
  clearTimeout(limit);
  if (result) finish(result, code ?? 1);
  const last = tail.trim().split(/\r?\n/).pop() ?? '';
  finish(
    `${PREFIX} FAILED: the app exited (${signal ?? `code ${code}`}) after ${Date.now() - started} ms without a result${last ? `; last output: ${last}` : ''}`,
    code === 0 ? 1 : (code ?? 1),
  );
});
