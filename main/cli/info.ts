/** `sightline info`: what this build supports, for scripts and bug reports. */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { defaultConfigPath, resolveConfigPath } from '../config';

export function packageVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function infoReport() {
  const config = resolveConfigPath(undefined, defaultConfigPath());
  return {
    type: 'info',
    name: 'sightline',
    version: packageVersion(),
    node: process.versions.node,
    platform: `${os.platform()}-${os.arch()}`,
    devices: {
      natnet: { status: 'supported', versions: ['2.5', '2.6', '2.7', '2.9', '3.0', '3.1', '4.0', '4.1', '4.2'] },
      pupil: { status: 'supported', families: ['Pupil Invisible', 'Neon'] },
      vrpn: { status: 'supported', versions: ['07.x (cookie major 07)'] },
      teleport: { status: 'supported', versions: ['2022a', '2022b'] },
    },
    config: config.path,
    configExists: existsSync(config.path),
  };
}
