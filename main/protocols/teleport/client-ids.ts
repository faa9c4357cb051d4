/**
 * The client id each Teleport server gave us, kept for the life of the process so that every
 * discovery scan and every reconnect (also by a new client object after Disconnect/Connect or an
 * edit) asks with the same id instead of 0. A request with id 0 makes the server mint a new client
 * each time (docs/protocols/teleport-enet.md §A2 "Discovery"), leaving stale clients behind.
 *
 * Keyed by the server's address and discovery port. A server is "held" while a client has a live
 * session with it: the discovery service then leaves it alone, because a discovery request with a
 * known id takes the server's reconnect path, which must not disturb that session.
 */

export interface KnownServer {
  address: string;
  discoveryPort: number;
  clientId: bigint;
  servicePort: number;
}

function keyOf(address: string, discoveryPort: number): string {
  return `${address}|${discoveryPort}`;
}

export class TeleportClientIds {
  private readonly servers = new Map<string, KnownServer>();
  private readonly held = new Map<string, number>();

  /** The id to ask with: the one this server gave us before, else 0n (a new client). */
  idFor(address: string, discoveryPort: number): bigint {
    return this.servers.get(keyOf(address, discoveryPort))?.clientId ?? 0n;
  }

  /**
   * Records a reply. An id we already hold for that server is kept: a reply to a broadcast sent
   * with 0 carries a fresh id we never asked to switch to.
   */
  remember(server: KnownServer): KnownServer {
    const key = keyOf(server.address, server.discoveryPort);
    const known = this.servers.get(key);
    const kept = { ...server, clientId: known && known.clientId !== 0n ? known.clientId : server.clientId };
    if (kept.clientId !== 0n) this.servers.set(key, kept);
    return kept;
  }

  /** Every server known on this discovery port. */
  knownOn(discoveryPort: number): KnownServer[] {
    return [...this.servers.values()].filter((s) => s.discoveryPort === discoveryPort);
  }

  /** A client has a live session with this server until the returned release is called. */
  hold(address: string, discoveryPort: number): () => void {
    const key = keyOf(address, discoveryPort);
    this.held.set(key, (this.held.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.held.get(key) ?? 1) - 1;
      if (n > 0) this.held.set(key, n);
      else this.held.delete(key);
    };
  }

  isHeld(address: string, discoveryPort: number): boolean {
    return this.held.has(keyOf(address, discoveryPort));
  }
}

/** The process's one book, shared by the discovery service and every Teleport client. */
export const teleportClientIds = new TeleportClientIds();
