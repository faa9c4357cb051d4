// `npm run check` step: no file in the repository may refer to a path outside it.
// A clone must build and test on its own, so a fixture, spec or tool outside the tree is a bug
// that only shows on someone else's machine. Usage: node scripts/check-paths.mjs [ROOT]
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_FILE_BYTES = 4 * 1024 * 1024;

// Built from parts so that this file does not match itself.
const BUILD_MACHINE_FOLDER = ['sha', 'red'].join('');
const OUTSIDE_PATTERNS = [
  // The build machines' spec folder, however it is reached.
  new RegExp(`(^|[^\\w-])(\\.\\./)+${BUILD_MACHINE_FOLDER}\\b`),
  new RegExp(`(^|[\\s'"\`(])${BUILD_MACHINE_FOLDER}/(protocols|fixtures|seeds|hooks|ARCHITECTURE\\.md|README\\.md)`),
  // Absolute paths of a particular machine.
  /(^|[\s'"`(=])\/(work|home|root|Users)\/[\w.-]+/,
];
// A relative path (dot-dot segments), checked by resolving it against the file's own folder.
const RELATIVE_PATH = /(?:^|[\s'"`(=,[])((?:\.\.\/)+[\w.@-][\w.@/-]*)/g;

export function listFiles(root) {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.split('\0').filter(Boolean);
  } catch {
    throw new Error(`check-paths: ${root} is not a git work tree`);
  }
}

function isText(buf) {
  return !buf.subarray(0, 8000).includes(0);
}

/** Every reference to a path outside `root`, as { file, line, text, why }. */
export function findOutsideReferences(root, files = listFiles(root)) {
  const problems = [];
  for (const file of files) {
    if (file.split('/').includes('node_modules')) continue;
    const full = join(root, file);
    let buf;
    try {
      if (!statSync(full).isFile() || statSync(full).size > MAX_FILE_BYTES) continue;
      buf = readFileSync(full);
    } catch {
      continue; // deleted in the work tree
    }
    if (!isText(buf)) continue;
    const lines = buf.toString('utf8').split('\n');
    lines.forEach((text, i) => {
      for (const pattern of OUTSIDE_PATTERNS) {
        if (pattern.test(text))
          problems.push({ file, line: i + 1, text: text.trim(), why: 'names a folder outside the repository' });
      }
      for (const m of text.matchAll(RELATIVE_PATH)) {
        const target = resolve(dirname(full), m[1]);
        const rel = relative(root, target);
        if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
          problems.push({ file, line: i + 1, text: text.trim(), why: `${m[1]} leaves the repository` });
        }
      }
    });
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = findOutsideReferences(root);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.why}\n    ${p.text.slice(0, 200)}`);
  if (problems.length) {
    console.error(`check-paths: ${problems.length} reference(s) to paths outside the repository`);
    process.exit(1);
  }
  console.error('check-paths: every path stays inside the repository');
}
