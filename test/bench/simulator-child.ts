/** A Motive simulator in a child process (so its CPU is not counted as the main process's). */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export async function spawnMotiveSimulator(
  rateHz: number,
  bodies: number,
): Promise<{ commandPort: number; child: ChildProcess }> {
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    [
      join(root, 'dist/main/cli.cjs'),
      'sim',
      'natnet',
      '--port',
      '0',
      '--data-port',
      '0',
      '--bodies',
      String(bodies),
      '--rate',
      String(rateHz),
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  try {
    const lines = createInterface({ input: child.stdout! });
    const [first] = (await Promise.race([
      once(lines, 'line'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('simulator did not start within 10 s')), 10_000)),
    ])) as [string];
    return { commandPort: (JSON.parse(first) as { commandPort: number }).commandPort, child };
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
}
