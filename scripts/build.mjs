// Bundles main, preload and renderer with esbuild, offline and without the Electron binary.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const production = process.env.NODE_ENV !== 'development';

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'renderer'), { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['electron'],
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...node,
    entryPoints: { app: join(root, 'main/app/main.ts') },
    outdir: join(dist, 'main'),
    outExtension: { '.js': '.cjs' },
  }),
  build({
    ...node,
    entryPoints: { headless: join(root, 'main/headless.ts') },
    outdir: join(dist, 'main'),
    outExtension: { '.js': '.cjs' },
  }),
  build({
    ...node,
    entryPoints: { cli: join(root, 'main/cli/index.ts') },
    outdir: join(dist, 'main'),
    outExtension: { '.js': '.cjs' },
  }),
  // A sandboxed preload may require only 'electron' (and a few builtins): bundle it into one file.
  build({
    ...node,
    platform: 'browser',
    entryPoints: { index: join(root, 'preload/index.ts') },
    outdir: join(dist, 'preload'),
    outExtension: { '.js': '.cjs' },
  }),
  build({
    bundle: true,
    platform: 'browser',
    target: ['chrome120'],
    format: 'esm',
    jsx: 'automatic',
    minify: production,
    sourcemap: true,
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    entryPoints: { app: join(root, 'renderer/src/main.tsx') },
    outdir: join(dist, 'renderer'),
    logLevel: 'warning',
  }),
  // The headless link's worker: its own file, served from the page's origin (a worker script must
  // be same-origin, and under COEP it gets the page's headers). A classic script, not a module:
  // one self-contained bundle needs no module loading inside the worker.
  build({
    bundle: true,
    platform: 'browser',
    target: ['chrome120'],
    format: 'iife',
    minify: production,
    sourcemap: true,
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    entryPoints: { 'link-worker': join(root, 'renderer/src/bridge/link.worker.ts') },
    outdir: join(dist, 'renderer'),
    logLevel: 'warning',
  }),
]);
cpSync(join(root, 'renderer/index.html'), join(dist, 'renderer/index.html'));
cpSync(join(root, 'renderer/styles.css'), join(dist, 'renderer/styles.css'));
cpSync(join(root, 'renderer/operator.css'), join(dist, 'renderer/operator.css'));
// The docking library's own stylesheet, served beside ours (the CSP allows only same-origin styles).
cpSync(join(root, 'node_modules/dockview-react/dist/styles/dockview.css'), join(dist, 'renderer/dockview.css'));
cpSync(join(root, 'node_modules/uplot/dist/uPlot.min.css'), join(dist, 'renderer/uplot.css'));
// The Companion simulator's scene clip (demo mode), next to the bundles that read it.
cpSync(join(root, 'assets/pupil-scene.h264'), join(dist, 'assets/pupil-scene.h264'));
console.log('built dist/ (main, preload, renderer, link worker)');
