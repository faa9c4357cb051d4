/**
 * scripts/check-paths.mjs keeps the repository self-contained: it must catch a planted reference to a
 * folder outside the tree, and find none in the repository itself.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
// @ts-expect-error: a plain ESM script without types
import { findOutsideReferences } from '../../scripts/check-paths.mjs';

interface Problem {
  file: string;
  line: number;
  why: string;
}
const find = findOutsideReferences as (root: string) => Problem[];

const ROOT = join(__dirname, '..', '..');
// Assembled so that this test file itself does not trip the check.
const SPEC_FOLDER = ['..', 'sha' + 'red', 'fixtures', 'natnet'].join('/');
let repo = '';

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'sightline-paths-'));
  execFileSync('git', ['init', '-q', repo]);
  mkdirSync(join(repo, 'test', 'unit'), { recursive: true });
  writeFileSync(join(repo, 'test', 'unit', 'inside.ts'), "const f = join(__dirname, '../fixtures/natnet');\n");
});
after(() => rmSync(repo, { recursive: true, force: true }));

test('a path that stays inside the repository passes', () => {
  assert.deepEqual(find(repo), []);
});

test('a planted reference to the spec folder beside the repository is caught, with file and line', () => {
  const file = join(repo, 'test', 'unit', 'planted.test.ts');
  writeFileSync(file, `// fixtures\nconst FIXTURES = path.join(__dirname, '../../${SPEC_FOLDER}');\n`);
  try {
    const problems = find(repo);
    assert.ok(problems.length >= 1, 'nothing caught');
    assert.ok(problems.every((p) => p.file === 'test/unit/planted.test.ts' && p.line === 2));
    assert.ok(problems.some((p) => /leaves the repository/.test(p.why)));
  } finally {
    rmSync(file);
  }
});

test('a relative path that climbs out of the tree is caught even without the folder name', () => {
  const file = join(repo, 'scripts.sh');
  writeFileSync(file, 'cp ../../elsewhere/tool.bin dist/\n');
  try {
    const problems = find(repo);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.why, /\.\.\/\.\.\/elsewhere\/tool\.bin leaves the repository/);
  } finally {
    rmSync(file);
  }
});

test('an absolute path of one machine is caught', () => {
  const file = join(repo, 'README.md');
  writeFileSync(file, 'Run it from /' + 'work/main as usual.\n');
  try {
    assert.equal(find(repo).length, 1);
  } finally {
    rmSync(file);
  }
});

test('the repository itself refers to nothing outside it', () => {
  const problems = find(ROOT);
  assert.deepEqual(
    problems.map((p) => `${p.file}:${p.line} ${p.why}`),
    [],
  );
});
