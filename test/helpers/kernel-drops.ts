/**
 * Makes the kernel really drop datagrams on a device's UDP sockets, for the tests of its drop count:
 * each socket's receive buffer is shrunk to the OS minimum, then this thread (the one that reads the
 * sockets) is blocked while a worker thread sends a burst to every socket. With nobody reading and no
 * room to queue, the kernel drops nearly all of the burst and counts it in /proc/net/udp{,6}.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { udpSocketsOf } from '../../main/net/udp';

/** Why the kernel's count cannot be checked here, or null when it can. */
export function kernelDropsUnavailable(): string | null {
  if (process.platform !== 'linux')
    return `the kernel's per-socket drop count is read on Linux only (${process.platform})`;
  if (!existsSync('/proc/net/udp')) return 'no /proc/net/udp here: the kernel does not show its per-socket drops';
  return null;
}

const SENDER = `
const dgram = require('node:dgram');
const { workerData, parentPort } = require('node:worker_threads');
const { targets, perSocket, size, flags } = workerData;
const state = new Int32Array(flags);
const v4 = dgram.createSocket('udp4');
const v6 = dgram.createSocket('udp6');
const payload = Buffer.alloc(size);
parentPort.postMessage('ready');
// 0 → 1: the reading thread is blocked, go; then 2: everything sent.
Atomics.wait(state, 0, 0, 10000);
let pending = targets.length * perSocket;
const done = () => {
  if (--pending > 0) return;
  Atomics.store(state, 0, 2);
  Atomics.notify(state, 0);
  v4.close();
  v6.close();
};
for (const t of targets)
  for (let i = 0; i < perSocket; i++) (t.address.includes(':') ? v6 : v4).send(payload, t.port, t.address, done);
`;

/**
 * Sends `perSocket` datagrams of `size` bytes to each of `owner`'s UDP sockets while this thread is
 * blocked; returns how many were sent in all. Bounded: the block ends after 10 s whatever happens.
 */
export async function forceKernelDrops(owner: string, perSocket = 200, size = 1200): Promise<number> {
  const sockets = udpSocketsOf(owner);
  if (sockets.length === 0) throw new Error(`${owner} has no UDP socket open`);
  const targets = sockets.map((socket) => {
    const { address, port } = socket.address();
    const loopback = address.includes(':') ? '::1' : '127.0.0.1';
    // The OS minimum (Linux: about 4.5 KiB): three or four datagrams fit, the rest is dropped.
    socket.setRecvBufferSize(1);
    return { address: address === '0.0.0.0' || address === '::' ? loopback : address, port };
  });
  const flags = new SharedArrayBuffer(4);
  const state = new Int32Array(flags);
  const worker = new Worker(SENDER, { eval: true, workerData: { targets, perSocket, size, flags } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
    // Blocks the event loop: no socket of this thread is read until the burst is out.
    const outcome = Atomics.wait(state, 0, 1, 10_000);
    if (outcome === 'timed-out') throw new Error('the burst was not sent within 10 s');
  } finally {
    await worker.terminate();
  }
  return targets.length * perSocket;
}
