import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// In a child process: the test runner has uncaught-exception handlers of its own.
test('an exception escaping a socket or timer callback is reported and the process keeps running', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-guard-'));
  try {
    const script = join(dir, 'guarded.ts');
    writeFileSync(
      script,
      `import { guardProcess } from ${JSON.stringify(join(__dirname, '../../main/crash-guard'))};
const reports: string[] = [];
guardProcess((m) => reports.push(m));
setTimeout(() => { throw new Error('boom in a timer'); }, 5);
setTimeout(() => { void Promise.reject(new Error('rejected promise')); }, 10);
setTimeout(() => { console.log(JSON.stringify({ alive: true, reports })); }, 50);
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { alive: boolean; reports: string[] };
    assert.equal(out.alive, true);
    assert.deepEqual(out.reports, [
      'Internal error (Sightline kept running): boom in a timer',
      'Internal error (Sightline kept running): rejected promise',
    ]);
    assert.match(r.stderr, /boom in a timer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
