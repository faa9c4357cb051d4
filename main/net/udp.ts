/**
 * Promise wrappers around node:dgram for the parts every UDP client and simulator repeats: binding
 * (whose failure arrives as an 'error' event, not an exception), closing (which throws when done
 * twice), and sending when nobody can do anything about a failure.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { ReceiveBufferSizer } from './receive-buffer';

export interface OpenUdpOptions {
  /** Local address to bind; the wildcard of the family when omitted. */
  address?: string;
  /** 0 = the OS picks. */
  port?: number;
  /** Decides udp4/udp6 when `address` does not (e.g. the peer's address). */
  peer?: string;
  reuseAddr?: boolean;
  /**
   * Who reads it (a device id): its receive buffer is then sized for the load it measures
   * (receive-buffer.ts), and its kernel drop count is reported for that device (udp-drops.ts).
   */
  owner?: string;
}

/** Open sockets by owner, for the kernel's per-socket drop counts. */
const owned = new Map<dgram.Socket, string>();

/** The open sockets `owner` said it reads. */
export function udpSocketsOf(owner: string): dgram.Socket[] {
  const sockets: dgram.Socket[] = [];
  for (const [socket, o] of owned) if (o === owner) sockets.push(socket);
  return sockets;
}

/** The local ports of the open sockets `owner` said it reads. */
export function udpPortsOf(owner: string): number[] {
  const ports: number[] = [];
  for (const socket of udpSocketsOf(owner)) {
    try {
      ports.push(socket.address().port);
    } catch {
      owned.delete(socket);
    }
  }
  return ports;
}

export function udpFamily(address: string | undefined): 'udp4' | 'udp6' {
  return address !== undefined && isIPv6(address) ? 'udp6' : 'udp4';
}

/** Creates and binds a socket; rejects (and releases the socket) if the bind fails. */
export function openUdpSocket(options: OpenUdpOptions = {}): Promise<dgram.Socket> {
  const type = udpFamily(options.address ?? options.peer);
  const socket = dgram.createSocket({ type, reuseAddr: options.reuseAddr ?? false });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      socket.removeListener('listening', onListening);
      closeUdpSocket(socket).finally(() => reject(error));
    };
    const onListening = () => {
      socket.removeListener('error', onError);
      if (options.owner !== undefined) {
        owned.set(socket, options.owner);
        socket.once('close', () => owned.delete(socket));
        new ReceiveBufferSizer(socket, options.owner);
      }
      resolve(socket);
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    socket.bind({ port: options.port ?? 0, address: options.address, exclusive: !options.reuseAddr });
  });
}

/** Closes a socket; safe to call on one that is already closed. */
export function closeUdpSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * Sends and resolves when the datagram left (or failed) — never rejects: UDP delivery is not
 * guaranteed anyway, and a failed send must not take down a socket handler.
 * Resolves with the error, if any, so callers that care can report it.
 */
export function sendUdp(socket: dgram.Socket, data: Uint8Array, port: number, address: string): Promise<Error | null> {
  return new Promise((resolve) => {
    try {
      socket.send(data, port, address, (error) => resolve(error ?? null));
    } catch (error) {
      resolve(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** Fire and forget: for hot paths (frames) where waiting per datagram would cost more than a loss. */
export function sendUdpNoWait(socket: dgram.Socket, data: Uint8Array, port: number, address: string): void {
  try {
    socket.send(data, port, address, ignoreSendError);
  } catch {
    // Closed socket or bad address: the datagram is simply lost.
  }
}

function ignoreSendError(): void {
  // A send error on UDP is the same as a loss.
}
