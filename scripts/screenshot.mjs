// `npm run screenshot`: refreshes the README's pictures (docs/*.png) from a fresh e2e run.
// `npm test` never writes into the tracked tree; its screenshot stays in test-results/screenshots/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = [
  ['test-results/screenshots/app.png', 'docs/screenshot.png'],
  ['test-results/screenshots/video-gaze.png', 'docs/video-gaze.png'],
  ['test-results/screenshots/scene.png', 'docs/scene.png'],
  ['test-results/screenshots/devices.png', 'docs/devices.png'],
  ['test-results/screenshots/layout-light.png', 'docs/layout-light.png'],
  ['test-results/screenshots/operator-1280x720.png', 'docs/operator-1280x720.png'],
  ['test-results/screenshots/operator-1920x1080.png', 'docs/operator-1920x1080.png'],
  ['test-results/screenshots/plots.png', 'docs/plots.png'],
  ['test-results/screenshots/preferences.png', 'docs/preferences.png'],
  ['test-results/screenshots/labels-100.png', 'docs/labels-100.png'],
  ['test-results/screenshots/events.png', 'docs/events.png'],
];

for (const [from] of shots) rmSync(join(root, from), { force: true });
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(process.execPath, [join(root, 'scripts/test.mjs'), 'e2e'], { cwd: root, stdio: 'inherit' });
let missing = 0;
for (const [from, to] of shots) {
  if (!existsSync(join(root, from))) {
    console.error(`screenshot: ${from} was not made (is Chromium installed? see the e2e output above)`);
    missing++;
    continue;
  }
  copyFileSync(join(root, from), join(root, to));
  console.error(`screenshot: ${to} updated`);
}
process.exit(missing ? 1 : (run.status ?? 1));
