/**
 * The script each page of the IPC path runs before its own: the renderer stand-in, then the REAL
 * built preload bundle (dist/preload/index.cjs) with `require('electron')` answered by that stand-in.
 * Preloads run in the top frame only (nodeIntegrationInSubFrames is off), and the binding that
 * carries IPC is taken off `window` before any page script runs. What the preload puts on `globalThis`
 * (zod keeps its configuration there) stays in an object of its own, as it would in the isolated
 * world: the page sees window.sightline and nothing else of this.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../helpers';
import { IPC_BINDING } from './main-stand-in';

export const BUILT_PRELOAD = join(ROOT, 'dist/preload/index.cjs');

export async function preloadScript(preloadPath = BUILT_PRELOAD): Promise<string> {
  const standIn = await build({
    entryPoints: [join(__dirname, 'renderer-stand-in.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'electronStandIn',
    platform: 'browser',
    target: ['chrome120'],
    logLevel: 'warning',
  });
  const preload = readFileSync(preloadPath, 'utf8');
  const name = JSON.stringify(IPC_BINDING);
  return `(() => {
  const binding = globalThis[${name}];
  delete globalThis[${name}];
  if (window.top !== window || typeof binding !== 'function') return;
  ${standIn.outputFiles[0]!.text}
  const electron = electronStandIn.createElectronModule(binding, window);
  const require = (id) => {
    if (id === 'electron') return electron;
    throw new Error("module not found: " + id);
  };
  const module = { exports: {} };
  (function (require, module, exports, globalThis) {
${preload}
  })(require, module, module.exports, electronStandIn.isolatedGlobal(window));
})();
//# sourceURL=sightline-preload-with-electron-stand-in.js
`;
}
