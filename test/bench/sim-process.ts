/**
 * A simulator in a child process (the bundled CLI's `sim …`), so a benchmark measures only the
 * main-process side; resolves with its first stdout line (the `listening` JSON) once it is up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export async function startSimProcess(args: string[]): Promise<{ child: ChildProcess; listening: string }> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, [join(root, 'dist/main/cli.cjs'), 'sim', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const lines = createInterface({ input: child.stdout! });
    const [first] = (await Promise.race([
      once(lines, 'line'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('simulator did not start within 10 s')), 10_000)),
    ])) as [string];
    return { child, listening: first };
  } catch (e) {
    child.kill('SIGTERM');
    throw e;
  }
}
