/** `sightline info`: what this build supports, for scripts and bug reports. */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { defaultConfigPath, resolveConfigPath } from '../config';
import { kinds, type KindRegistry } from '../protocols/registry';

export function packageVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function infoReport(registry: KindRegistry = kinds()) {
  const config = resolveConfigPath(undefined, defaultConfigPath());
  return {
    type: 'info',
    name: 'sightline',
    version: packageVersion(),
    node: process.versions.node,
    platform: `${os.platform()}-${os.arch()}`,
    devices: Object.fromEntries(registry.all.flatMap((d) => (d.cli ? [[d.kind, d.cli.info]] : []))),
    config: config.path,
    configExists: existsSync(config.path),
  };
}
