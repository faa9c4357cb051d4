/**
 * A UDP relay on loopback that drops a fixed fraction of datagrams in each direction, with a seeded
 * generator so a failing run can be repeated. The first sender that is not the target is the client.
 */
import type dgram from 'node:dgram';
import { closeUdpSocket, openUdpSocket } from '../../main/net/udp';
import { seededRandom } from '../../main/protocols/natnet/simulator-faults';

export interface LossyRelay {
  port: number;
  counters: { toServer: number; toClient: number; droppedToServer: number; droppedToClient: number };
  close(): Promise<void>;
}

export async function startLossyRelay(targetPort: number, loss: number, seed = 1): Promise<LossyRelay> {
  const socket: dgram.Socket = await openUdpSocket({ address: '127.0.0.1', port: 0 });
  const random = seededRandom(seed);
  const counters = { toServer: 0, toClient: 0, droppedToServer: 0, droppedToClient: 0 };
  let client: { address: string; port: number } | null = null;
  socket.on('message', (msg, rinfo) => {
    if (rinfo.port === targetPort && rinfo.address === '127.0.0.1') {
      if (!client) return;
      counters.toClient++;
      if (random() < loss) counters.droppedToClient++;
      else socket.send(msg, client.port, client.address);
    } else {
      client = { address: rinfo.address, port: rinfo.port };
      counters.toServer++;
      if (random() < loss) counters.droppedToServer++;
      else socket.send(msg, targetPort, '127.0.0.1');
    }
  });
  return { port: socket.address().port, counters, close: () => closeUdpSocket(socket) };
}

/**
 * The relay in a process of its own, so that it never waits for (or delays) the peer being measured
 * in this process: for the bench, where both sides' timing is the figure.
 */
export async function startLossyRelayProcess(targetPort: number, loss: number, seed = 1): Promise<LossyRelay> {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', __filename, String(targetPort), String(loss), String(seed)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(Number(line.split(' ')[1])));
    child.once('exit', (code) => reject(new Error(`relay process exited with ${code}`)));
  });
  const counters = { toServer: 0, toClient: 0, droppedToServer: 0, droppedToClient: 0 };
  return {
    port,
    counters,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (require.main === module) {
  const [target, loss, seed] = process.argv.slice(2).map(Number);
  void startLossyRelay(target!, loss!, seed).then((relay) => console.log(`port ${relay.port}`));
}
