/**
 * A UDP relay on loopback that drops a fixed fraction of datagrams in each direction, with a seeded
 * generator so a failing run can be repeated. Like a NAT, it gives each client address its own
 * upstream socket: a client that reconnects from a new port is a new address to the server, as on a
 * real network. (With one shared upstream socket, the server's retransmissions to a finished
 * connection reached the client's next one, and ENet accepts a DISCONNECT for a peer that is still
 * connecting without checking its session: the relay, not the peers, made that reconnect fail.)
 */
import type dgram from 'node:dgram';
import { closeUdpSocket, openUdpSocket } from '../../main/net/udp';
import { seededRandom } from '../../main/protocols/natnet/simulator-faults';

export interface LossyRelay {
  port: number;
  counters: { toServer: number; toClient: number; droppedToServer: number; droppedToClient: number };
  close(): Promise<void>;
}

/** More clients than any test makes; a bound so a stray sender cannot make the relay open sockets forever. */
const MAX_CLIENTS = 64;

export async function startLossyRelay(targetPort: number, loss: number, seed = 1): Promise<LossyRelay> {
  const front: dgram.Socket = await openUdpSocket({ address: '127.0.0.1', port: 0 });
  const random = seededRandom(seed);
  const counters = { toServer: 0, toClient: 0, droppedToServer: 0, droppedToClient: 0 };
  const upstreams = new Map<string, Promise<dgram.Socket>>();
  const upstreamFor = (address: string, port: number): Promise<dgram.Socket> | null => {
    const key = `${address}:${port}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      if (upstreams.size >= MAX_CLIENTS) return null;
      upstream = openUdpSocket({ address: '127.0.0.1', port: 0 }).then((socket) => {
        socket.on('message', (msg) => {
          counters.toClient++;
          if (random() < loss) counters.droppedToClient++;
          else front.send(msg, port, address);
        });
        return socket;
      });
      upstreams.set(key, upstream);
    }
    return upstream;
  };
  front.on('message', (msg, rinfo) => {
    const upstream = upstreamFor(rinfo.address, rinfo.port);
    if (!upstream) return;
    counters.toServer++;
    if (random() < loss) {
      counters.droppedToServer++;
      return;
    }
    void upstream.then((socket) => socket.send(msg, targetPort, '127.0.0.1'));
  });
  return {
    port: front.address().port,
    counters,
    close: async () => {
      const sockets = await Promise.all(upstreams.values());
      await Promise.all([front, ...sockets].map((socket) => closeUdpSocket(socket)));
    },
  };
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
