/**
 * The Hub sustaining a fast Motive: the simulator runs in a child process (so the CPU share measured
 * here is the main-process side only: sockets, decode, Hub, health), streaming over loopback.
 */
import { Hub } from '../../main/hub/hub';
import { NatNetClient } from '../../main/protocols/natnet/client';
import { spawnMotiveSimulator } from './simulator-child';

export interface HubThroughputResult {
  rateHz: number;
  bodies: number;
  seconds: number;
  framesReceived: number;
  framesLost: number;
  malformed: number;
  /** Main-process CPU time / wall time (1.0 = one core busy). */
  cpuShare: number;
}

export async function benchHubThroughput(rateHz = 1000, bodies = 100, seconds = 5): Promise<HubThroughputResult> {
  const { commandPort, child } = await spawnMotiveSimulator(rateHz, bodies);
  try {
    const hub = new Hub();
    const client = new NatNetClient({ id: 'bench', host: '127.0.0.1', commandPort });
    hub.add(client);
    await hub.connect('bench');
    // Let the clock sync and the first model definitions settle before measuring.
    await new Promise((r) => setTimeout(r, 1000));
    const before = client.counters();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const after = client.counters();
    await hub.close();
    return {
      rateHz,
      bodies,
      seconds: wallMs / 1000,
      framesReceived: after.samples - before.samples,
      framesLost: after.dropped - before.dropped,
      malformed: after.malformed - before.malformed,
      cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

if (require.main === module) {
  benchHubThroughput().then((r) => console.log(JSON.stringify(r)));
}
