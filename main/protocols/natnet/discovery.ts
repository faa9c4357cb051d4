/**
 * Finding Motive servers (docs/protocols/natnet.md §2.1): broadcast NAT_DISCOVERY to the command port and collect
 * the NAT_SERVERINFO each server sends back to our endpoint. Motive answers unicast, so one socket
 * both asks and listens.
 */
import type dgram from 'node:dgram';
import { DEFAULT_BITSTREAM, decodeMessage, encodeMessage, formatVersion } from './codec';
import { sightlineSender } from './identity';
import type { ServerInfo } from './types';
import { closeUdpSocket, openUdpSocket, sendUdp } from '../../net/udp';

export interface DiscoverOptions {
  /** Default 255.255.255.255; a subnet broadcast (e.g. 192.168.1.255) or a single host works too. */
  broadcastAddress?: string;
  /** Motive's command port. Default 1510. */
  port?: number;
  /** How long to listen for answers. Default 1000 ms. */
  timeoutMs?: number;
  /** Local address to send from (picks the network on a multi-NIC machine). */
  localAddress?: string;
}

/** One answering server, flat and JSON-friendly (the CLI prints it as is). */
export interface DiscoveredServer {
  address: string;
  /** The port it answered from: its command port. */
  commandPort: number;
  name: string;
  appVersion: string;
  natnetVersion: string;
  /** NatNet ≥ 3.0 servers only. */
  dataPort?: number;
  multicast?: boolean;
  multicastGroup?: string;
  clockFrequency?: number;
}

/** Broadcasts go out more than once within the window: a single lost datagram should not hide a server. */
const SENDS = 3;

export async function discoverMotive(options: DiscoverOptions = {}): Promise<DiscoveredServer[]> {
  const target = options.broadcastAddress ?? '255.255.255.255';
  const port = options.port ?? 1510;
  const timeoutMs = Math.max(0, options.timeoutMs ?? 1000);
  const socket = await openUdpSocket({ address: options.localAddress, peer: target });
  const found = new Map<string, DiscoveredServer>();
  socket.on('message', (datagram, from) => {
    const server = readServerInfo(datagram);
    if (!server) return;
    // A server answers every broadcast we send; list it once per endpoint.
    found.set(`${from.address}:${from.port}`, describe(server, from));
  });
  socket.on('error', () => undefined);
  const timers: NodeJS.Timeout[] = [];
  try {
    socket.setBroadcast(true);
    const request = encodeDiscovery();
    const firstError = await sendUdp(socket, request, port, target);
    if (firstError) throw new Error(`could not send the discovery request to ${target}:${port}: ${firstError.message}`);
    for (let i = 1; i < SENDS; i++) {
      timers.push(setTimeout(() => void sendUdp(socket, request, port, target), (timeoutMs * i) / (SENDS + 1)));
    }
    await new Promise((resolve) => timers.push(setTimeout(resolve, timeoutMs)));
  } finally {
    for (const t of timers) clearTimeout(t);
    await closeUdpSocket(socket);
  }
  return [...found.values()];
}

/** Same payload a connect carries: who we are and what we speak (docs/protocols/natnet.md §4.1). */
function encodeDiscovery(): Uint8Array {
  return encodeMessage({ type: 'discovery', sender: sightlineSender() }, DEFAULT_BITSTREAM);
}

function readServerInfo(datagram: Uint8Array): ServerInfo | undefined {
  try {
    const message = decodeMessage(datagram, DEFAULT_BITSTREAM);
    return message.type === 'serverInfo' ? message.server : undefined;
  } catch {
    // Anything else on this port (or garbage) is not an answer.
    return undefined;
  }
}

function describe(server: ServerInfo, from: dgram.RemoteInfo): DiscoveredServer {
  const c = server.connectionInfo;
  return {
    address: from.address,
    commandPort: from.port,
    name: server.name,
    appVersion: formatVersion(server.appVersion),
    natnetVersion: formatVersion(server.natnetVersion),
    ...(c && { dataPort: c.dataPort, multicast: c.multicast, clockFrequency: c.clockFrequency }),
    ...(c?.multicast && { multicastGroup: c.multicastGroup }),
  };
}
