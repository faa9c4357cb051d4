/** A Motive simulator in a child process (so its CPU is not counted as the main process's). */
import type { ChildProcess } from 'node:child_process';
import { spawnCliSimulator } from './cli-simulator';

export async function spawnMotiveSimulator(
  rateHz: number,
  bodies: number,
): Promise<{ commandPort: number; child: ChildProcess }> {
  const { child, lines } = await spawnCliSimulator([
    'natnet',
    '--port',
    '0',
    '--data-port',
    '0',
    '--bodies',
    String(bodies),
    '--rate',
    String(rateHz),
  ]);
  return { commandPort: (JSON.parse(lines[0]!) as { commandPort: number }).commandPort, child };
}
