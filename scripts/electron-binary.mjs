// Where the Electron binary is, without require('electron'): where the binary is absent, that require
// starts a download with no time limit instead of answering.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The binary's path, or null when the postinstall download never ran (ELECTRON_SKIP_BINARY_DOWNLOAD). */
export function electronBinary(root) {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}
