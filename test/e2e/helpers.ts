/**
 * Launching Debian's Chromium (or Electron) for the end-to-end tests, deciding when they must be
 * skipped and why, and bounded waits. Every wait here has a timeout: a hung browser fails a test,
 * it never hangs the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { TestWindow } from './page-globals';

export const ROOT = join(__dirname, '..', '..');
/** Where tests leave what a person may want to look at (screenshots, logs): gitignored. */
export const ARTIFACTS = join(ROOT, 'test-results');
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const VIEWPORT = { width: 1280, height: 800 } as const;

/**
 * --disable-gpu leaves WebGL to SwiftShader through ANGLE (verified: a WebGL2 context reports
 * "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))"). --enable-unsafe-swiftshader keeps
 * that working in Chromium versions that stop falling back to SwiftShader silently.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  // Without it Chromium looks up its sign-in and update servers: every name fails here, so nothing
  // but the test's own loopback server is ever reached.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--headless=new',
];

/** Why Chromium tests cannot run here, or null when they can. */
export function chromiumUnavailable(): string | null {
  return existsSync(CHROMIUM_PATH)
    ? null
    : `Debian chromium not installed: ${CHROMIUM_PATH} is missing (apt-get install chromium)`;
}

/**
 * The Electron binary, or why there is none. Deliberately not require('electron'): without the binary,
 * that require starts a download (and fails offline after a long wait) instead of just answering.
 */
export function electronBinary(): { path: string } | { reason: string } {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(__filename).resolve('electron/package.json'));
  } catch {
    return { reason: 'Electron binary not installed: the electron package is missing' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      reason: `Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): ${pathFile} is missing, the postinstall download never ran`,
    };
  }
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary)
    ? { path: binary }
    : { reason: `Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): ${binary} does not exist` };
}

/** Builds once when dist/ is missing, so the file can be run on its own; `npm test` builds first anyway. */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'dist/renderer/index.html')) && existsSync(join(ROOT, 'dist/renderer/app.js'))) return;
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`npm run build failed (status ${String(result.status)})`);
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh profile in a temporary directory, removed again on close. */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'sightline-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    timeout: 30_000,
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await withTimeout(context.close(), 15_000, 'closing Chromium').catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Everything the page complained about: console errors, uncaught exceptions and CSP violations. */
export interface PageProblems {
  errors: string[];
  cspViolations: string[];
  warnings: string[];
}

/**
 * Starts collecting before the page loads. CSP violations are caught twice over: the console
 * message Chromium prints, and the page's own securitypolicyviolation events (which also cover
 * violations swallowed by a try/catch in library code).
 */
export async function watchPage(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { errors: [], cspViolations: [], warnings: [] };
  page.on('console', (message) => {
    const text = message.text();
    if (/Content[- ]Security[- ]Policy/i.test(text)) problems.cspViolations.push(text);
    else if (message.type() === 'error') problems.errors.push(text);
    else if (message.type() === 'warning') problems.warnings.push(text);
  });
  page.on('pageerror', (error) => problems.errors.push(`uncaught: ${error.message}`));
  await page.addInitScript(() => {
    const violations: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: violations });
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(
        `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      ),
    );
  });
  return problems;
}

export async function pageCspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => [...((window as TestWindow).__cspViolations ?? [])]);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `probe` until it returns something other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
