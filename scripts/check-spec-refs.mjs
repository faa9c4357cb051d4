// `npm run check` step: every protocol reference in the code leads to a file and a section that exist.
// A comment that cites the protocol documentation must be something a reader of a fresh clone can open.
//
// The rule (also in docs/protocols/README.md):
//  - A reference is `docs/protocols/<name>.md`, optionally followed by sections: ` §<id>`, then more
//    of the same file joined by `, ` / ` and ` / a line break, or a range `§<id>–§<id>` (or `-`).
//  - <id> is the number a heading of that file starts with: `## 5. Frame of data` is §5,
//    `### 5.3 Setup order` is §5.3, `### A2. Teleport service` is §A2. The file and every cited
//    section (both ends of a range) must exist.
//  - A protocol document named without its folder (`<name>.md §x`, or the bare name of a file in
//    docs/protocols/) is reported too: it does not point into the repository.
// Only the code folders are scanned (main, preload, renderer, test, scripts); the documents link to
// each other with ordinary Markdown links. Usage: node scripts/check-spec-refs.mjs [ROOT]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFiles } from './check-paths.mjs';

export const DOCS_DIR = 'docs/protocols';
const SCANNED = ['main/', 'preload/', 'renderer/', 'test/', 'scripts/'];
const MAX_FILE_BYTES = 4 * 1024 * 1024;

const ID = '[A-Z]?\\d+(?:\\.\\d+)*';
// Any `<something>.md`, with the path in front of it (if any), so the prefix can be judged.
const MD_NAME = /(?<![\w./-])((?:[\w.-]+\/)*)([\w-]+)\.md(?![\w-])/g;
const FIRST_SECTION = new RegExp(`^ ?§ ?(${ID})`);
const RANGE_END = new RegExp(`^ ?[–-] ?§? ?(${ID})`);
// More sections of the same file: `, §x`, ` and §x`, or a comment line break then `§x`.
const NEXT_SECTION = new RegExp(`^(?:,\\s*(?:(?:\\*|//)\\s*)?| and |\\s*\\n\\s*(?:\\*|//)?\\s*)§ ?(${ID})`);
const HEADING = new RegExp(`^#{1,6}\\s+(?:Part\\s+)?(${ID})\\.?(?:\\s|$)`);

/** The section ids of a Markdown file: the number each heading starts with. */
export function sectionIds(markdown) {
  const ids = new Set();
  for (const line of markdown.split('\n')) {
    const m = HEADING.exec(line);
    if (m) ids.add(m[1]);
  }
  return ids;
}

/** Sections cited right after a file name (text starts just after `.md`), with their offsets. */
function citedSections(rest) {
  const out = [];
  let at = 0;
  const take = (pattern) => {
    const m = pattern.exec(rest.slice(at));
    if (!m) return false;
    out.push(m[1]);
    at += m[0].length;
    return true;
  };
  if (!take(FIRST_SECTION)) return out;
  take(RANGE_END);
  while (take(NEXT_SECTION)) take(RANGE_END);
  return out;
}

function lineAt(text, index) {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Every broken protocol reference under `root`, as { file, line, text, why }. */
export function findBrokenSpecReferences(root, files = listFiles(root)) {
  const docsDir = join(root, DOCS_DIR);
  const docNames = new Set(
    existsSync(docsDir)
      ? readdirSync(docsDir)
          .filter((f) => f.endsWith('.md'))
          .map((f) => f.slice(0, -3))
      : [],
  );
  const sections = new Map();
  const sectionsOf = (name) => {
    if (!sections.has(name)) sections.set(name, sectionIds(readFileSync(join(docsDir, `${name}.md`), 'utf8')));
    return sections.get(name);
  };

  const problems = [];
  for (const file of files) {
    if (!SCANNED.some((folder) => file.startsWith(folder)) || file.split('/').includes('node_modules')) continue;
    const full = join(root, file);
    let text;
    try {
      if (!statSync(full).isFile() || statSync(full).size > MAX_FILE_BYTES) continue;
      const buf = readFileSync(full);
      if (buf.subarray(0, 8000).includes(0)) continue;
      text = buf.toString('utf8');
    } catch {
      continue; // deleted in the work tree
    }
    const lines = text.split('\n');
    for (const m of text.matchAll(MD_NAME)) {
      const [whole, prefix, name] = m;
      const rest = text.slice(m.index + whole.length, m.index + whole.length + 400);
      const cited = citedSections(rest);
      const line = lineAt(text, m.index);
      const report = (why) => problems.push({ file, line, text: lines[line - 1].trim(), why });
      if (prefix.endsWith(`${DOCS_DIR}/`)) {
        if (!docNames.has(name)) {
          report(`${DOCS_DIR}/${name}.md does not exist`);
          continue;
        }
        const ids = sectionsOf(name);
        for (const id of cited) {
          if (!ids.has(id)) report(`${DOCS_DIR}/${name}.md has no section §${id}`);
        }
      } else if (cited.length > 0 || (prefix === '' && name !== 'README' && docNames.has(name))) {
        const written = `${prefix}${name}.md${cited.length ? ` §${cited[0]}` : ''}`;
        report(`${written} does not point into ${DOCS_DIR}/: write ${DOCS_DIR}/${name}.md`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = findBrokenSpecReferences(root);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.why}\n    ${p.text.slice(0, 200)}`);
  if (problems.length) {
    console.error(`check-spec-refs: ${problems.length} protocol reference(s) that lead nowhere`);
    process.exit(1);
  }
  console.error('check-spec-refs: every protocol reference names a file and section in docs/protocols/');
}
