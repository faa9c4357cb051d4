/**
 * A simulator run as `sightline sim …` in a child process, so a benchmark measures the main-process
 * side alone. Resolves once its first JSON line (the listening line) is out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface CliSimulator {
  child: ChildProcess;
  /** Every stdout line so far (the listening line first). */
  lines: string[];
}

export async function spawnCliSimulator(args: string[]): Promise<CliSimulator> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, [join(root, 'dist/main/cli.cjs'), 'sim', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (l) => lines.push(l));
  try {
    await Promise.race([
      once(reader, 'line'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('simulator did not start within 10 s')), 10_000)),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { child, lines };
}
