/**
 * Finding LSL streams (docs/protocols/lsl.md §1, §2): query datagrams in waves to the scope's addresses
 * and the known peers, replies merged by uid. The addresses are the caller's choice: tests, the bench and
 * demo mode pass loopback targets only.
 */
import { randomInt } from 'node:crypto';
import type dgram from 'node:dgram';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait } from '../../net/udp';
import { parseStreamInfo, type StreamInfo } from './info';
import { BASE_PORT, decodeResolveReply, encodeResolveQuery, MULTICAST_PORT, PORT_RANGE } from './messages';
import { queryLiteral } from './query';

export interface ResolveTarget {
  address: string;
  port: number;
}

export interface ResolvedStream {
  info: StreamInfo;
  /** Where the reply came from: the outlet's address (the info's v4address is usually empty). */
  address: string;
}

export type ResolveScope = 'machine' | 'link' | 'site';

/** liblsl's default addresses per scope (each scope includes the narrower ones), IPv4 only. */
export const SCOPE_ADDRESSES: Record<ResolveScope, string[]> = {
  machine: ['127.0.0.1'],
  link: ['127.0.0.1', '255.255.255.255', '224.0.0.1', '224.0.0.183'],
  site: ['127.0.0.1', '255.255.255.255', '224.0.0.1', '224.0.0.183', '239.255.172.215'],
};

/** Targets for a scope plus known peers (each peer on every data/service port, as liblsl asks them). */
export function scopeTargets(scope: ResolveScope, knownPeers: string[] = []): ResolveTarget[] {
  const targets = SCOPE_ADDRESSES[scope].map((address) => ({ address, port: MULTICAST_PORT }));
  for (const peer of knownPeers)
    for (let i = 0; i < PORT_RANGE; i++) targets.push({ address: peer, port: BASE_PORT + i });
  return targets;
}

/** The query as the resolver sends it: restricted to a session, like liblsl's. */
export function sessionQuery(query: string, sessionId = 'default'): string {
  const session = `session_id=${queryLiteral(sessionId)}`;
  if (query.trim() === '') return session;
  return /\bor\b/.test(query) ? `${session} and (${query})` : `${session} and ${query}`;
}

export interface ResolveOptions {
  query: string;
  targets: ResolveTarget[];
  timeoutMs: number;
  /** Stop as soon as this many streams are known (0: wait for the whole timeout). */
  minimum?: number;
  waveIntervalMs?: number;
  /** Local address of the query socket (loopback in tests). */
  bindAddress?: string;
  sessionId?: string;
  /** Stop early (e.g. the CLI's Ctrl-C). */
  signal?: AbortSignal;
  /** Called for each new stream as it is found. */
  onFound?: (stream: ResolvedStream) => void;
  /** Replies we could not read. */
  onBadReply?: (reason: string) => void;
}

export async function resolveStreams(options: ResolveOptions): Promise<ResolvedStream[]> {
  const socket = await openUdpSocket({ address: options.bindAddress });
  const found = new Map<string, ResolvedStream>();
  const queryId = String(randomInt(1, 2 ** 31));
  const message = encodeResolveQuery({
    query: sessionQuery(options.query, options.sessionId),
    returnPort: socket.address().port,
    queryId,
  });
  if (options.targets.some((t) => t.address.endsWith('.255') || t.address === '255.255.255.255'))
    socket.setBroadcast(true);
  // Multicast queries leave by the interface asked for (the lab's), not the system's default route.
  if (options.bindAddress && /^\d+\.\d+\.\d+\.\d+$/.test(options.bindAddress) && options.bindAddress !== '0.0.0.0')
    socket.setMulticastInterface(options.bindAddress);
  return new Promise<ResolvedStream[]>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(waves);
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', finish);
      void closeUdpSocket(socket).then(() => resolve([...found.values()]));
    };
    const sendWave = () => {
      for (const t of options.targets) sendUdpNoWait(socket, message, t.port, t.address);
    };
    socket.on('message', (msg: Buffer, from: dgram.RemoteInfo) => {
      try {
        const reply = decodeResolveReply(msg);
        if (reply.queryId !== queryId) return;
        const info = parseStreamInfo(reply.xml);
        if (found.has(info.uid)) return;
        const stream = { info, address: info.v4address || from.address };
        found.set(info.uid, stream);
        options.onFound?.(stream);
        if (options.minimum && found.size >= options.minimum) finish();
      } catch (e) {
        options.onBadReply?.(e instanceof Error ? e.message : String(e));
      }
    });
    const waves = setInterval(sendWave, options.waveIntervalMs ?? 500);
    const deadline = setTimeout(finish, options.timeoutMs);
    options.signal?.addEventListener('abort', finish);
    if (options.signal?.aborted) finish();
    else sendWave();
  });
}
