/**
 * The GitHub Actions workflow cannot run here, so it is read: every command it calls must exist (npm
 * scripts, files in the repository, a short list of runner tools), and each platform job must install,
 * check, test, build that platform's installers, smoke-test the packaged app (under a virtual display on
 * Linux) and keep the installers; a version tag drafts a release with them.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  if?: string;
  needs?: string | string[];
  steps: Step[];
  strategy?: { matrix: { include: Record<string, string>[] } };
  permissions?: Record<string, string>;
}
interface Workflow {
  on: { push?: { tags?: string[] } };
  jobs: Record<string, Job>;
}

const workflowFiles = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const workflows = workflowFiles.map((f) => ({
  file: f,
  doc: parse(readFileSync(join(WORKFLOWS, f), 'utf8')) as Workflow,
}));
const build = workflows.find((w) => w.doc.jobs.package)?.doc;

/** Tools the runners provide; anything else a step runs must be ours. */
const RUNNER_TOOLS = new Set(['gh', 'sysctl', 'apt-get']);
const ACTIONS = /^actions\/(checkout|setup-node|upload-artifact|download-artifact)@v\d+$/;

/** Every command in a `run:` block, wrappers (sudo, xvfb-run) taken off. */
function commands(run: string): string[][] {
  return run
    .split(/\n|&&|\|\||;|\|/)
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const words = c.split(/\s+/);
      for (;;) {
        if (words[0] === 'sudo') words.shift();
        else if (words[0] === 'xvfb-run') {
          words.shift();
          while (words[0]?.startsWith('-')) words.shift();
        } else return words;
      }
    });
}

function checkCommand(words: string[], where: string): void {
  const [tool, sub, arg] = words;
  if (tool === 'npm') {
    if (sub === 'ci') return;
    if (sub === 'test') return assert.ok(scripts.test, `${where}: npm test has no script`);
    assert.equal(sub, 'run', `${where}: npm ${sub}`);
    assert.ok(arg && scripts[arg], `${where}: package.json has no script "${arg}"`);
    return;
  }
  if (tool === 'node') {
    assert.ok(sub && existsSync(join(ROOT, sub)), `${where}: ${sub} does not exist`);
    return;
  }
  assert.ok(RUNNER_TOOLS.has(tool!), `${where}: unknown command ${tool}`);
}

const RUNNER_OS: Record<string, string> = { ubuntu: 'Linux', windows: 'Windows', macos: 'macOS' };

/** The steps a matrix entry runs: `if: runner.os == / != '…'` evaluated, matrix values substituted. */
function stepsFor(job: Job, entry: Record<string, string>): Step[] {
  const os = RUNNER_OS[entry.os!.split('-')[0]!]!;
  const fill = (text: string): string =>
    text.replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_m, k: string) => entry[k] ?? '');
  return job.steps
    .filter((step) => {
      if (!step.if) return true;
      const m = /^runner\.os (==|!=) '(\w+)'$/.exec(step.if.trim());
      assert.ok(m, `unexpected condition ${step.if}`);
      return m[1] === '==' ? os === m[2] : os !== m[2];
    })
    .map((step) => ({
      ...step,
      ...(step.run ? { run: fill(step.run) } : {}),
      ...(step.with
        ? { with: Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, fill(String(v))])) }
        : {}),
    }));
}

test('there is a workflow, and every command and action in it exists', () => {
  assert.ok(workflowFiles.length > 0, 'no workflow in .github/workflows');
  for (const { file, doc } of workflows) {
    for (const [name, job] of Object.entries(doc.jobs)) {
      for (const step of job.steps) {
        const where = `${file} ${name} "${step.name ?? step.uses ?? step.run}"`;
        if (step.uses) assert.match(step.uses, ACTIONS, `${where}: unexpected action`);
        if (step.run) for (const words of commands(step.run)) checkCommand(words, where);
      }
    }
  }
  // The suites the CI runs are folders of tests here.
  for (const suite of ['unit', 'integration']) assert.ok(existsSync(join(ROOT, 'test', suite)), suite);
});

test('Linux, Windows and macOS each install, check, test, build their installers, smoke-test and keep them', () => {
  assert.ok(build, 'no job named "package"');
  const job = build.jobs.package!;
  const entries = job.strategy!.matrix.include;
  const builder = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<
    string,
    { target: string[] }
  >;
  /** Each platform's electron-builder targets, as the files they produce. */
  const produced: Record<string, string[]> = {
    Linux: builder.linux!.target.map((t) => (t === 'AppImage' ? 'release/*.AppImage' : `release/*.${t}`)),
    Windows: builder.win!.target.map((t) => (t === 'nsis' ? 'release/*.exe' : `release/*.${t}`)),
    macOS: builder.mac!.target.map((t) => `release/*.${t}`),
  };
  const flags: Record<string, string> = { Linux: '--linux', Windows: '--win', macOS: '--mac' };
  assert.deepEqual(entries.map((e) => RUNNER_OS[e.os!.split('-')[0]!]).sort(), ['Linux', 'Windows', 'macOS']);
  for (const entry of entries) {
    const os = RUNNER_OS[entry.os!.split('-')[0]!]!;
    const steps = stepsFor(job, entry);
    const runs = steps.map((s) => s.run ?? '');
    const at = (re: RegExp, what: string): number => {
      const i = runs.findIndex((r) => re.test(r));
      assert.ok(i >= 0, `${os}: no step ${what}`);
      return i;
    };
    const install = at(/^npm ci$/, 'npm ci');
    const check = at(/^npm run check$/, 'npm run check');
    const suites = at(/^npm test -- unit integration$/, 'running the unit and integration suites');
    const dist = at(new RegExp(`^npm run dist -- ${flags[os]} --publish never$`), `npm run dist -- ${flags[os]}`);
    const smoke = at(
      os === 'Linux' ? /^xvfb-run -a npm run smoke -- --packaged$/ : /^npm run smoke -- --packaged$/,
      'smoke-testing the packaged app',
    );
    const upload = steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.ok(upload >= 0, `${os}: installers not kept`);
    assert.ok(install < check && check < suites && suites < dist && dist < smoke && smoke < upload, `${os}: order`);
    const kept = String(steps[upload]!.with!.path).split('\n').filter(Boolean).sort();
    assert.deepEqual(kept, [...produced[os]!].sort(), `${os}: the artifact is that platform's installers`);
    assert.equal(steps[upload]!.with!['if-no-files-found'], 'error', `${os}: a missing installer fails the job`);
    // Signing material only ever from secrets.
    const env = steps[dist]!.env ?? {};
    for (const key of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD']) {
      assert.match(env[key] ?? '', /secrets\./, `${os}: ${key} comes from secrets`);
    }
  }
  // The smoke script finds what npm run dist leaves unpacked in release/.
  assert.match(scripts.smoke ?? '', /scripts\/smoke\.mjs/);
  assert.match(readFileSync(join(ROOT, 'scripts/smoke.mjs'), 'utf8'), /--packaged/);
});

test('every platform checks out LF line endings, so the formatting check means the same on Windows', () => {
  const attributes = readFileSync(join(ROOT, '.gitattributes'), 'utf8');
  assert.match(attributes, /^\* text=auto eol=lf$/m);
});

test('a version tag drafts a release with every platform’s installers', () => {
  assert.ok(build);
  assert.ok(
    build.on.push?.tags?.some((t) => t.startsWith('v')),
    'runs on version tags',
  );
  const release = Object.values(build.jobs).find((j) => j.steps.some((s) => /gh release create/.test(s.run ?? '')));
  assert.ok(release, 'no release job');
  assert.match(release.if ?? '', /startsWith\(github\.ref, 'refs\/tags\/v'\)/);
  assert.deepEqual([release.needs].flat(), ['package']);
  assert.equal(release.permissions?.contents, 'write');
  const download = release.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
  assert.ok(download, 'downloads the installers');
  const create = release.steps.find((s) => /gh release create/.test(s.run ?? ''))!;
  assert.match(create.run!, /--draft/);
  assert.match(create.run!, new RegExp(`${String(download.with!.path)}/\\*`));
});
