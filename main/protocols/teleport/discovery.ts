/**
 * Teleport service discovery (plain UDP, not ENet; protocol notes, docs/protocols/teleport-enet.md §A2 "Discovery"):
 * the client repeats its id (4 or 8 bytes, 0 = new) to the server's discovery port, or to broadcast,
 * until a 10-byte reply gives its id and the ENet service port. The client then connects ENet to the
 * reply's source address.
 */
import type dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait } from '../../net/udp';
import { decodeDiscoveryResponse, encodeDiscoveryRequest } from './codec';

export const DEFAULT_DISCOVERY_PORT = 10600;
export const DEFAULT_SERVICE_PORT = 10500;

export interface DiscoveryOptions {
  /** A server's address, or a broadcast address (default 255.255.255.255). */
  host?: string;
  port?: number;
  /** 0n asks for a new id; a previous id asks to reconnect as that client. */
  clientId?: bigint;
  /** 8 (builds from mid-2022 on) or 4 (older). */
  idWidth?: 4 | 8;
  timeoutMs?: number;
  /** Between repeats of the request. Default 200 ms. */
  intervalMs?: number;
  /** Local address to bind. */
  localAddress?: string;
  signal?: AbortSignal;
}

export interface DiscoveredServer {
  address: string;
  servicePort: number;
  clientId: bigint;
  /** From the first request to this reply. */
  replyMs: number;
}

/**
 * Repeats the request and reports replies as they come; resolves after timeoutMs with all servers
 * seen (one per address), or as soon as one answers when `first` is set.
 */
export async function discoverTeleport(
  options: DiscoveryOptions & { first?: boolean; onServer?: (s: DiscoveredServer) => void },
): Promise<DiscoveredServer[]> {
  const host = options.host ?? '255.255.255.255';
  const port = options.port ?? DEFAULT_DISCOVERY_PORT;
  const request = encodeDiscoveryRequest(options.clientId ?? 0n, options.idWidth ?? 8);
  const socket: dgram.Socket = await openUdpSocket({ address: options.localAddress, peer: host });
  const broadcast = host.endsWith('.255');
  if (broadcast) socket.setBroadcast(true);
  const found = new Map<string, DiscoveredServer>();
  const start = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(repeat);
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', finish);
      void closeUdpSocket(socket).then(() => resolve([...found.values()]));
    };
    socket.on('message', (msg, rinfo) => {
      try {
        const reply = decodeDiscoveryResponse(msg);
        if (found.has(rinfo.address)) return;
        const server = { address: rinfo.address, ...reply, replyMs: performance.now() - start };
        found.set(rinfo.address, server);
        // One host answered: repeating would only make it mint more clients for a request with 0.
        if (!broadcast) clearInterval(repeat);
        options.onServer?.(server);
        if (options.first) finish();
      } catch {
        // Not a discovery reply (wrong size): someone else's traffic on the port.
      }
    });
    const send = () => sendUdpNoWait(socket, request, port, host);
    const repeat = setInterval(send, options.intervalMs ?? 200);
    const timeout = setTimeout(finish, options.timeoutMs ?? 1000);
    options.signal?.addEventListener('abort', finish, { once: true });
    send();
  });
}
