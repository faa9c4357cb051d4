/**
 * `npm run smoke` and the app's --smoke: the waiting logic (main/app/smoke.ts) with a scripted page and
 * clock, and the script's answer on a machine without the Electron binary (this one).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSmoke, SMOKE_PREFIX, type SmokeReading } from '../../main/app/smoke';
import { electronBinary } from '../e2e/helpers';

const ROOT = join(__dirname, '..', '..');

/** A clock that moves `step` ms per reading, and a page that answers from a script. */
function scripted(readings: (SmokeReading | null | Error)[], step = 100) {
  let t = 0;
  let i = 0;
  return {
    now: () => t,
    probe: async () => {
      t += step;
      const r = readings[Math.min(i++, readings.length - 1)]!;
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

const never = new Promise<string>(() => {});

test('ok once the page has a pose batch and a drawn frame: one line with the timings', async () => {
  const page = scripted([
    null,
    new Error('Execution context was destroyed'),
    { batches: 0, framesDrawn: 0 },
    { batches: 3, framesDrawn: 0 },
    { batches: 9, framesDrawn: 0 },
    { batches: 20, framesDrawn: 1 },
  ]);
  const result = await runSmoke({ ...page, failure: never, intervalMs: 0, startedAt: 0, windowShownAt: () => 150 });
  assert.equal(result.ok, true);
  assert.equal(
    result.line,
    `${SMOKE_PREFIX} ok: window shown 150 ms, first pose batch 400 ms, first video frame drawn 600 ms after start (demo mode, over IPC)`,
  );
  assert.ok(!result.line.includes('\n'));
});

test('no video within 60 s: fails with what was missing and what was seen', async () => {
  const page = scripted([{ batches: 5, framesDrawn: 0 }], 1_000);
  const result = await runSmoke({ ...page, failure: never, intervalMs: 0, startedAt: 0 });
  assert.deepEqual(result, {
    ok: false,
    line: `${SMOKE_PREFIX} FAILED: no video frame drawn within 60 s (5 batches, 0 frames)`,
  });
  const silent = await runSmoke({ ...scripted([null], 5_000), failure: never, intervalMs: 0, startedAt: 0 });
  assert.equal(
    silent.line,
    `${SMOKE_PREFIX} FAILED: no pose batch and no video frame drawn within 60 s (the page never answered)`,
  );
});

test('a crashed or unloadable page fails at once with its reason', async () => {
  const result = await runSmoke({
    ...scripted([{ batches: 1, framesDrawn: 0 }]),
    failure: Promise.resolve("the page's process is gone (crashed)"),
    intervalMs: 0,
  });
  assert.deepEqual(result, { ok: false, line: `${SMOKE_PREFIX} FAILED: the page's process is gone (crashed)` });
});

test('main.ts wires --smoke: demo mode, the probe on the window, the exit code from the result', () => {
  const source = readFileSync(join(ROOT, 'main/app/main.ts'), 'utf8');
  assert.match(source, /const SMOKE = process\.argv\.includes\('--smoke'\)/);
  assert.match(source, /demo: args\.demo \|\| SMOKE/);
  assert.match(source, /executeJavaScript\(SMOKE_PAGE_PROBE\)/);
  assert.match(source, /app\.exit\(result\.ok \? 0 : 1\)/);
});

test('npm run smoke without the Electron binary: one line saying so, exit code 3', (t) => {
  if ('path' in electronBinary()) {
    t.skip('the Electron binary is installed here: npm run smoke runs the app instead');
    return;
  }
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/smoke.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(run.status, 3, run.stderr);
  const lines = run.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, run.stdout);
  assert.match(lines[0]!, /^sightline smoke: the Electron binary is missing/);
  const packaged = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/smoke.mjs'), '--app', join(ROOT, 'release', 'nothing-here')],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  assert.equal(packaged.status, 3);
  assert.match(packaged.stdout, /^sightline smoke: no packaged app to run/);
});
