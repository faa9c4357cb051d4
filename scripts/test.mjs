// Runs every *.test.ts under test/ with Node's test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [unit|integration|interop|e2e ...]  (default: all)
//
// The machines have 2 cores and most tests wait on sockets, so the socket-level suites run several
// files at once. The e2e suite drives Chromium, which draws WebGL in software and takes a core for
// itself: it runs after the others, one file at a time, so timing-sensitive tests never share the CPU
// with it. The last line sums every phase: "N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'interop', 'e2e'];
const PARALLEL_FILES = Number(process.env.SIGHTLINE_TEST_CONCURRENCY ?? 2);

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function filesOf(suite) {
  try {
    return walk(join(root, 'test', suite)).map((f) => relative(root, f));
  } catch {
    return [];
  }
}

/** Runs one phase, passing its output through and reading its summary lines. */
function runPhase(files, concurrency) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...files],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const counts = { pass: 0, fail: 0, skipped: 0, cancelled: 0 };
    let pending = '';
    const read = (line) => {
      const m = /^# (pass|fail|skipped|cancelled) (\d+)$/.exec(line);
      if (m) counts[m[1]] = Number(m[2]);
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop();
      lines.forEach(read);
    });
    child.on('close', (code) => {
      read(pending);
      resolve({ code: code ?? 1, counts });
    });
  });
}

const phases = [
  { files: suites.filter((s) => s !== 'e2e').flatMap(filesOf), concurrency: PARALLEL_FILES },
  { files: suites.includes('e2e') ? filesOf('e2e') : [], concurrency: 1 },
].filter((p) => p.files.length > 0);
if (phases.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const total = { pass: 0, fail: 0, skipped: 0, cancelled: 0 };
let exitCode = 0;
for (const phase of phases) {
  const { code, counts } = await runPhase(phase.files, phase.concurrency);
  for (const k of Object.keys(total)) total[k] += counts[k];
  if (code !== 0) exitCode = code;
}
const failed = total.fail + total.cancelled;
if (failed > 0 && exitCode === 0) exitCode = 1;
console.log(`\ntests: ${total.pass} passed, ${failed} failed, ${total.skipped} skipped`);
process.exit(exitCode);
