/**
 * Time Echo (protocol notes, docs/protocols/pupil.md §4.3): over one TCP connection the client sends its Unix time
 * in ms (u64 big-endian) and the phone answers 16 bytes: that value echoed, then its own Unix time
 * in ms. Cristian's midpoint gives the phone-to-host offset with ±RTT/2 error at 1 ms resolution.
 */
import net from 'node:net';

export const TIME_ECHO_REQUEST_BYTES = 8;
export const TIME_ECHO_REPLY_BYTES = 16;

export function encodeEchoReply(requestMs: bigint, phoneMs: bigint): Uint8Array {
  const b = Buffer.alloc(TIME_ECHO_REPLY_BYTES);
  b.writeBigUInt64BE(requestMs, 0);
  b.writeBigUInt64BE(phoneMs, 8);
  return b;
}

export interface EchoMeasurement {
  hostSendNs: number;
  hostReceiveNs: number;
  phoneNs: number;
}

/** The phone side: answers every 8 bytes with 16. `phoneNowMs` is the phone's clock. */
export function startTimeEchoServer(
  host: string,
  port: number,
  phoneNowMs: () => number,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= TIME_ECHO_REQUEST_BYTES) {
        const request = pending.readBigUInt64BE(0);
        pending = pending.subarray(TIME_ECHO_REQUEST_BYTES);
        socket.write(encodeEchoReply(request, BigInt(Math.round(phoneNowMs()))));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/**
 * The client side: `count` round trips back to back on one connection (the first one is discarded,
 * as the official client does: it includes connection warm-up). Rejects on timeout or a bad echo.
 */
export async function measureTimeEcho(
  host: string,
  port: number,
  count: number,
  hostNowNs: () => number,
  timeoutMs = 2000,
): Promise<EchoMeasurement[]> {
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  const results: EchoMeasurement[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`time echo at ${host}:${port} timed out`)), timeoutMs);
      let pending = Buffer.alloc(0);
      let sentNs = 0;
      let sentMs = 0n;
      let round = 0;
      const send = () => {
        sentNs = hostNowNs();
        sentMs = BigInt(Math.round(sentNs / 1e6));
        const b = Buffer.alloc(TIME_ECHO_REQUEST_BYTES);
        b.writeBigUInt64BE(sentMs);
        socket.write(b);
      };
      socket.once('connect', send);
      socket.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`time echo at ${host}:${port}: ${e.message}`));
      });
      socket.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= TIME_ECHO_REPLY_BYTES) {
          const receivedNs = hostNowNs();
          const echo = pending.readBigUInt64BE(0);
          const phoneMs = pending.readBigUInt64BE(8);
          pending = pending.subarray(TIME_ECHO_REPLY_BYTES);
          if (echo !== sentMs) {
            clearTimeout(timer);
            reject(new Error('time echo answered with a different timestamp'));
            return;
          }
          if (round++ > 0)
            results.push({ hostSendNs: sentNs, hostReceiveNs: receivedNs, phoneNs: Number(phoneMs) * 1e6 });
          if (results.length >= count) {
            clearTimeout(timer);
            resolve();
            return;
          }
          send();
        }
      });
    });
    return results;
  } finally {
    socket.destroy();
  }
}
