/**
 * The kernel's own count of datagrams it dropped on a UDP socket (receive buffer full): Linux
 * shows it per socket in the last column ("drops") of /proc/net/udp and /proc/net/udp6. Sockets are
 * found by their local port, and ports by their owner (the device id the client passed when it
 * opened the socket, see udp.ts). Elsewhere the figure is not available (null).
 */
import { readFile } from 'node:fs/promises';
import { udpPortsOf } from './udp';

/** Drops per local port, from the text of /proc/net/udp or /proc/net/udp6. */
export function parseProcNetUdp(text: string): Map<number, number> {
  const drops = new Map<number, number>();
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const local = cols[1]!;
    const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    const dropped = Number(cols[cols.length - 1]);
    if (!Number.isFinite(port) || !Number.isFinite(dropped)) continue;
    drops.set(port, (drops.get(port) ?? 0) + dropped);
  }
  return drops;
}

/** Kernel drops on every UDP socket `owner` has open; null when the OS does not tell or it has none. */
export async function kernelDropsOf(owner: string): Promise<number | null> {
  const ports = udpPortsOf(owner);
  if (process.platform !== 'linux' || ports.length === 0) return null;
  let total = 0;
  let found = false;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const drops = parseProcNetUdp(text);
    for (const port of ports) {
      const n = drops.get(port);
      if (n !== undefined) {
        total += n;
        found = true;
      }
    }
  }
  return found ? total : null;
}
