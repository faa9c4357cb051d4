/**
 * The kernel's own count of datagrams it dropped on a UDP socket (receive buffer full): Linux
 * shows it per socket in the last column ("drops") of /proc/net/udp and /proc/net/udp6. Sockets are
 * found by their local port, and ports by their owner (the device id the client passed when it
 * opened the socket, see udp.ts). Elsewhere the figure is not available (null).
 */
import { readFile } from 'node:fs/promises';
import { udpPortsOf } from './udp';

/** One socket's line of /proc/net/udp{,6}: its local port, its inode (unique per socket) and its drops. */
export interface UdpSocketDrops {
  port: number;
  inode: string;
  drops: number;
}

/** Every socket's line, from the text of /proc/net/udp or /proc/net/udp6. */
export function parseProcNetUdpSockets(text: string): UdpSocketDrops[] {
  const out: UdpSocketDrops[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const local = cols[1]!;
    const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    const drops = Number(cols[cols.length - 1]);
    if (!Number.isFinite(port) || !Number.isFinite(drops)) continue;
    out.push({ port, inode: cols[9]!, drops });
  }
  return out;
}

/** Drops per local port, from the text of /proc/net/udp or /proc/net/udp6. */
export function parseProcNetUdp(text: string): Map<number, number> {
  const drops = new Map<number, number>();
  for (const s of parseProcNetUdpSockets(text)) drops.set(s.port, (drops.get(s.port) ?? 0) + s.drops);
  return drops;
}

/** The lines of the sockets `owner` has open; null when the OS does not tell or it has none. */
async function socketsOf(owner: string): Promise<UdpSocketDrops[] | null> {
  const ports = new Set(udpPortsOf(owner));
  if (process.platform !== 'linux' || ports.size === 0) return null;
  const found: UdpSocketDrops[] = [];
  let readable = false;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    readable = true;
    for (const s of parseProcNetUdpSockets(text)) if (ports.has(s.port)) found.push(s);
  }
  return readable && found.length > 0 ? found : null;
}

/** Kernel drops on every UDP socket `owner` has open; null when the OS does not tell or it has none. */
export async function kernelDropsOf(owner: string): Promise<number | null> {
  const sockets = await socketsOf(owner);
  return sockets === null ? null : sockets.reduce((sum, s) => sum + s.drops, 0);
}

/**
 * A device's kernel drops over a span of time (a recording): per socket, so a socket closed and
 * opened again (a reconnect, a restarted stream) neither takes its drops with it nor hides new ones
 * behind the old socket's count. Drops from before the first look are not the span's.
 */
export class KernelDropTally {
  private readonly sockets = new Map<string, { base: number; last: number }>();
  private looked = false;
  private known = false;

  /** Looks again; resolves with the drops since the first look, or null while the OS has never told. */
  async update(owner: string): Promise<number | null> {
    const now = await socketsOf(owner);
    const first = !this.looked;
    this.looked = true;
    if (now !== null) {
      this.known = true;
      for (const s of now) {
        const seen = this.sockets.get(s.inode);
        // A socket opened after the first look: all its drops are the span's.
        if (seen) seen.last = s.drops;
        else this.sockets.set(s.inode, { base: first ? s.drops : 0, last: s.drops });
      }
    }
    return this.total();
  }

  total(): number | null {
    if (!this.known) return null;
    let sum = 0;
    for (const s of this.sockets.values()) sum += Math.max(0, s.last - s.base);
    return sum;
  }
}
