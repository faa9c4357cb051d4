/**
 * Teleport's part of a discovery scan. Every request carries the id this server gave us before (0
 * only for a server never seen), so a scan every 15 s does not make a real server mint a new client
 * each time. Behind a broadcast target the known servers are asked one by one with their ids; the
 * broadcast itself (id 0) goes out only while none is known there, or on the operator's request
 * (a wide scan). Servers a client holds a live session with are listed from the book and not asked.
 */
import type { DiscoveryTask, Endpoint, FoundEntry, ScanContext } from '../descriptor';
import { teleportClientIds, type KnownServer, type TeleportClientIds } from './client-ids';
import { discoverTeleport } from './discovery';

/** A broadcast target reaches every server at once, so it can only carry id 0 ("a new client"). */
function isBroadcast(address: string): boolean {
  return address === '255.255.255.255' || address.endsWith('.255');
}

export function scanTeleport(
  targets: readonly Endpoint[],
  listenMs: number,
  context: ScanContext,
  ids: TeleportClientIds = teleportClientIds,
): DiscoveryTask[] {
  return targets.map((t) => ({
    what: `Teleport discovery on ${t.address}:${t.port}`,
    run: () => scanOne(t, listenMs, context.wide, ids),
  }));
}

async function scanOne(t: Endpoint, listenMs: number, wide: boolean, ids: TeleportClientIds): Promise<FoundEntry[]> {
  const entry = (s: { address: string; servicePort: number }, detail: string): FoundEntry => ({
    kind: 'teleport',
    name: 'Teleport server',
    // The client connects by discovery: the form takes the discovery port, not the ENet one.
    address: `${s.address}:${t.port}`,
    detail: `ENet service port ${s.servicePort}, ${detail}`,
  });
  const ask = async (host: string, clientId: bigint): Promise<FoundEntry[]> =>
    (await discoverTeleport({ host, port: t.port, clientId, timeoutMs: listenMs, localAddress: t.localAddress })).map(
      (s) => {
        const kept = ids.remember({
          address: s.address,
          discoveryPort: t.port,
          clientId: s.clientId,
          servicePort: s.servicePort,
        });
        if (host !== s.address) ids.remember({ ...kept, address: host });
        return entry(s, `answered in ${s.replyMs.toFixed(0)} ms`);
      },
    );
  const asks: Promise<FoundEntry[]>[] = [];
  const held: FoundEntry[] = [];
  const visit = (s: KnownServer) => {
    if (ids.isHeld(s.address, t.port)) held.push(entry(s, 'connected'));
    else asks.push(ask(s.address, s.clientId));
  };
  if (isBroadcast(t.address)) {
    const known = ids.knownOn(t.port);
    for (const s of known) visit(s);
    if (wide || known.length === 0) asks.push(ask(t.address, 0n));
  } else {
    const known = ids.knownOn(t.port).find((k) => k.address === t.address);
    if (known) visit(known);
    else asks.push(ask(t.address, 0n));
  }
  return [...held, ...(await Promise.all(asks)).flat()];
}
