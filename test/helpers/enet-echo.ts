/**
 * The tiny test protocol the C interop peer (test/interop/enet/enet-peer.c) speaks, on our ENet:
 * payload = u8 channel, u32 sequence (big-endian), filler derived from the sequence. Used by the
 * interop tests and the bench, against the C library in both roles.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EnetHost, PacketFlag, type EnetPeer } from '../../main/net/enet/host';

export const CHANNELS = 8;

export function fill(size: number, channel: number, seq: number): Uint8Array {
  const p = new Uint8Array(size);
  if (size >= 1) p[0] = channel;
  if (size >= 5) {
    p[1] = (seq >>> 24) & 0xff;
    p[2] = (seq >>> 16) & 0xff;
    p[3] = (seq >>> 8) & 0xff;
    p[4] = seq & 0xff;
  }
  for (let i = 5; i < size; i++) p[i] = (Math.imul(seq, 31) + i * 7) & 0xff;
  return p;
}

export function check(p: Uint8Array, size: number, channel: number, seq: number): boolean {
  if (p.length !== size) return false;
  if (size >= 1 && p[0] !== channel) return false;
  if (size >= 5 && ((p[1]! << 24) | (p[2]! << 16) | (p[3]! << 8) | p[4]!) >>> 0 !== seq >>> 0) return false;
  for (let i = 5; i < size; i++) if (p[i] !== ((Math.imul(seq, 31) + i * 7) & 0xff)) return false;
  return true;
}

export function seqOf(p: Uint8Array): number {
  return p.length >= 5 ? ((p[1]! << 24) | (p[2]! << 16) | (p[3]! << 8) | p[4]!) >>> 0 : -1;
}

const SOURCE = path.join(__dirname, '../interop/enet/enet-peer.c');
const BUILD_DIR = path.join(__dirname, '../../test-results/enet');

/** Compiles the C peer against Debian's libenet; null (with the reason) when gcc or libenet is missing. */
export function buildCPeer(): { binary: string } | { skip: string } {
  if (!existsSync('/usr/include/enet/enet.h'))
    return { skip: 'libenet-dev is not installed (apt-get install libenet-dev)' };
  mkdirSync(BUILD_DIR, { recursive: true });
  const binary = path.join(BUILD_DIR, 'enet-peer');
  const r = spawnSync('gcc', ['-O2', '-Wall', '-o', binary, SOURCE, '-lenet'], { encoding: 'utf8' });
  if (r.error) return { skip: `gcc is not available: ${r.error.message}` };
  if (r.status !== 0) throw new Error(`compiling the C ENet peer failed:\n${r.stderr}`);
  return { binary };
}

/** A running C peer process with its stdout lines. */
export class CPeer {
  readonly lines: string[] = [];
  private waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(line)) return true;
        w.resolve(line);
        return false;
      });
    });
    child.stderr.resume();
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(binary: string, args: string[], env: NodeJS.ProcessEnv = {}): CPeer {
    return new CPeer(spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
  }

  /** The first line (already seen or to come) starting with `prefix`; rejects after timeoutMs. */
  line(prefix: string, timeoutMs = 10_000): Promise<string> {
    const seen = this.lines.find((l) => l.startsWith(prefix));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`C peer: no "${prefix}" line within ${timeoutMs} ms; got ${JSON.stringify(this.lines)}`)),
        timeoutMs,
      );
      this.waiters.push({
        match: (l) => l.startsWith(prefix),
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Our ENet as the echo server the C client expects: greets on every channel, echoes, "bye" disconnects. */
export async function startTsEchoServer(options: { checksum?: boolean } = {}): Promise<{
  host: EnetHost;
  port: number;
  events: string[];
}> {
  const host = await EnetHost.create({
    address: '127.0.0.1',
    port: 0,
    peerLimit: 8,
    channelLimit: CHANNELS,
    ...options,
  });
  const events: string[] = [];
  host.on('connect', (peer, data) => {
    events.push(`connect ${data} ${peer.channelCount}`);
    for (let c = 0; c < peer.channelCount; c++)
      peer.send(c, new TextEncoder().encode(`hello ${c}`), PacketFlag.Reliable);
  });
  host.on('receive', (peer: EnetPeer, channel, data, flags) => {
    if (data.length === 3 && data[0] === 0x62 && data[1] === 0x79 && data[2] === 0x65) {
      peer.disconnect(77);
      return;
    }
    peer.send(channel, data, flags === 0 ? PacketFlag.UnreliableFragment : flags);
  });
  host.on('disconnect', (_peer, data, reason) => events.push(`disconnect ${data} ${reason}`));
  return { host, port: host.address().port, events };
}

export interface Received {
  channel: number;
  data: Uint8Array;
  flags: number;
}

/** Buffers a peer's packets so a test can await them one at a time, with a deadline. */
export class Inbox {
  private readonly queue: Received[] = [];
  private waiter: ((r: Received | null) => void) | null = null;
  disconnected: { data: number; reason: string } | null = null;
  private disconnectWaiters: (() => void)[] = [];

  constructor(peer: EnetPeer) {
    peer.on('receive', (channel, data, flags) => {
      const r = { channel, data, flags };
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(r);
      } else this.queue.push(r);
    });
    peer.on('disconnect', (data, reason) => {
      this.disconnected = { data, reason };
      for (const w of this.disconnectWaiters) w();
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(null);
      }
    });
  }

  /** The next packet, or null on disconnect or after timeoutMs. */
  next(timeoutMs = 10_000): Promise<Received | null> {
    const r = this.queue.shift();
    if (r) return Promise.resolve(r);
    if (this.disconnected) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = (v) => {
        clearTimeout(timer);
        resolve(v);
      };
    });
  }

  /** Resolves when the peer disconnected (true) or after timeoutMs (false). */
  untilDisconnect(timeoutMs = 10_000): Promise<boolean> {
    if (this.disconnected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.disconnectWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/** Connects and waits for the connect event; rejects on failure. */
export function connectPeer(host: EnetHost, port: number, data: number, timeoutMs = 10_000): Promise<EnetPeer> {
  const peer = host.connect('127.0.0.1', port, CHANNELS, data);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ENet connect to ${port} timed out`)), timeoutMs);
    peer.once('connect', () => {
      clearTimeout(timer);
      resolve(peer);
    });
    peer.once('disconnect', (_d, reason) => {
      clearTimeout(timer);
      reject(new Error(`ENet connect failed: ${reason}`));
    });
  });
}
