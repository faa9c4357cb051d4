/**
 * scripts/check-spec-refs.mjs keeps every protocol reference in the code followable: it must catch a
 * reference to a missing document, to a missing section, and one written without its folder, and
 * find none in the repository itself.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
// @ts-expect-error: a plain ESM script without types
import { findBrokenSpecReferences, sectionIds } from '../../scripts/check-spec-refs.mjs';

interface Problem {
  file: string;
  line: number;
  why: string;
}
const find = findBrokenSpecReferences as (root: string) => Problem[];
const sections = sectionIds as (markdown: string) => Set<string>;

const ROOT = join(__dirname, '..', '..');
// Assembled from parts so that this test file itself holds no reference for the check to judge.
const DOCS = ['docs', 'protocols'].join('/');
const ref = (file: string, rest = '') => `${DOCS}/${file}.md${rest}`;
const bare = (file: string, rest = '') => `${file}.md${rest}`;
let repo = '';

const WIDGET_DOC = [
  '# Widget protocol',
  '## 0. Key facts',
  '## 5. Frames',
  '### 5.3 Setup order',
  '## A2. Discovery',
  '## B4. Transport',
].join('\n');

function plant(path: string, text: string): () => void {
  const full = join(repo, path);
  writeFileSync(full, text);
  return () => rmSync(full);
}

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'sightline-spec-refs-'));
  execFileSync('git', ['init', '-q', repo]);
  mkdirSync(join(repo, 'docs', 'protocols'), { recursive: true });
  mkdirSync(join(repo, 'main'), { recursive: true });
  writeFileSync(join(repo, 'docs', 'protocols', 'widget.md'), WIDGET_DOC);
  writeFileSync(
    join(repo, 'main', 'good.ts'),
    [
      `// Frames (${ref('widget', ' §5')}, ${ref('widget', ' §5.3 step 2')}).`,
      `// Ranges and lists: ${ref('widget', ' §0–§5')}, ${ref('widget', ' §5-5.3')}, ${ref('widget', ' §A2, §B4')}.`,
      `/* Across a comment line: ${ref('widget', ' §0,')}`,
      ` * §5.3 and the rest. Not ours: RFC 3550 §6.4.1. The whole document: ${ref('widget')}. */`,
    ].join('\n'),
  );
});
after(() => rmSync(repo, { recursive: true, force: true }));

test('section ids come from the numbers headings start with', () => {
  assert.deepEqual([...sections(WIDGET_DOC)].sort(), ['0', '5', '5.3', 'A2', 'B4']);
  assert.deepEqual(
    [...sections('## Part A — Teleport\n### 10.1 Simulator\n#### 3 Things\nplain 4. text')],
    ['10.1', '3'],
  );
});

test('references to existing files and sections pass, ranges and continued lists included', () => {
  assert.deepEqual(find(repo), []);
});

test('a planted reference to a document that does not exist is caught, with file and line', () => {
  const undo = plant('main/missing-file.ts', `const a = 1;\n// See ${ref('gadget', ' §5')}.\n`);
  try {
    const problems = find(repo);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.file, 'main/missing-file.ts');
    assert.equal(problems[0]!.line, 2);
    assert.match(problems[0]!.why, /gadget\.md does not exist/);
  } finally {
    undo();
  }
});

test('a planted reference to a section the document lacks is caught, also at the end of a range or list', () => {
  const undo = plant(
    'main/missing-section.ts',
    [`// ${ref('widget', ' §7')}`, `// ${ref('widget', ' §5–§5.9')}`, `// ${ref('widget', ' §A2,')}`, `// §C1`].join(
      '\n',
    ),
  );
  try {
    const problems = find(repo);
    assert.deepEqual(
      problems.map((p) => `${p.line} ${p.why}`),
      [
        `1 ${DOCS}/widget.md has no section §7`,
        `2 ${DOCS}/widget.md has no section §5.9`,
        `3 ${DOCS}/widget.md has no section §C1`,
      ],
    );
  } finally {
    undo();
  }
});

test('a document named without its folder is caught, with or without a section', () => {
  const undo = plant(
    'main/bare.ts',
    [`// (protocol notes, ${bare('widget', ' §5')})`, `// see ${bare('widget')}`, `// ${bare('other', ' §2')}`].join(
      '\n',
    ),
  );
  try {
    const problems = find(repo);
    assert.equal(problems.length, 3);
    assert.ok(problems.every((p) => p.file === 'main/bare.ts' && /does not point into docs\/protocols\//.test(p.why)));
  } finally {
    undo();
  }
});

test('files outside the code folders are not judged', () => {
  const undo = plant('NOTES.md', `Old notes: ${bare('widget', ' §9')}\n`);
  try {
    assert.deepEqual(find(repo), []);
  } finally {
    undo();
  }
});

test('every protocol reference in the repository leads to a file and section that exist', () => {
  const problems = find(ROOT);
  assert.deepEqual(
    problems.map((p) => `${p.file}:${p.line} ${p.why}`),
    [],
  );
});
