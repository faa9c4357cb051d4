/**
 * Finds devices on the network for the device list's "found, not added" rows: NatNet broadcast
 * discovery (natnet.md §2.1), Pupil Companion mDNS (pupil.md §5) and Teleport UDP discovery
 * (teleport-enet.md §A2), all at once, now and then or when the operator asks.
 *
 * In tests and demo mode every target is a loopback address and mDNS is bound to 127.0.0.1
 * (loopbackTargets): nothing leaves the machine.
 */
import { EventEmitter } from 'node:events';
import type { FoundDevice } from '../../preload/api';
import { errorMessage } from '../hub/hub';
import { discoverMotive } from '../protocols/natnet/discovery';
import { discoverPhones } from '../protocols/pupil/discovery';
import { DEFAULT_DISCOVERY_PORT, discoverTeleport } from '../protocols/teleport/discovery';

export interface Endpoint {
  address: string;
  port: number;
}

export interface DiscoveryTargets {
  /** Where to send NAT_DISCOVERY: a broadcast address or single hosts, each with Motive's command port. */
  natnet: Endpoint[];
  teleport: Endpoint[];
  /** mDNS: the interface address to browse on (127.0.0.1 in tests and demo), '' for the system's choice, null for none. */
  mdnsInterface: string | null;
  /** The address NatNet and Teleport discovery send from (the operator's lab interface); default: any. */
  localAddress?: string;
}

/** On the lab network: broadcast on the standard ports, mDNS on every interface. */
export const LAN_TARGETS: DiscoveryTargets = {
  natnet: [{ address: '255.255.255.255', port: 1510 }],
  teleport: [{ address: '255.255.255.255', port: DEFAULT_DISCOVERY_PORT }],
  mdnsInterface: '',
};

/** Tests and demo mode: loopback only, on the standard ports plus any given (simulators on OS-picked ports). */
export function loopbackTargets(extra: Partial<Pick<DiscoveryTargets, 'natnet' | 'teleport'>> = {}): DiscoveryTargets {
  return {
    natnet: [{ address: '127.0.0.1', port: 1510 }, ...(extra.natnet ?? [])],
    teleport: [{ address: '127.0.0.1', port: DEFAULT_DISCOVERY_PORT }, ...(extra.teleport ?? [])],
    mdnsInterface: '127.0.0.1',
  };
}

export interface FoundEntry extends FoundDevice {
  /** The phone's id (Pupil), to recognise a phone already added under another address. */
  deviceId?: string;
}

export interface DiscoveryServiceOptions {
  /** How long each scan listens. Default 1000 ms. */
  listenMs?: number;
  /** Between automatic scans; 0: only on request. Default 15 s. */
  intervalMs?: number;
  /** Scan failures (a socket refused), for the operator. */
  onProblem?: (message: string) => void;
}

export interface DiscoveryEvents {
  /** After every scan, and when searching starts. */
  change: [];
}

export class DiscoveryService extends EventEmitter<DiscoveryEvents> {
  private entries: FoundEntry[] = [];
  private running: Promise<FoundEntry[]> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly listenMs: number;

  constructor(
    private readonly targets: DiscoveryTargets,
    private readonly options: DiscoveryServiceOptions = {},
  ) {
    super();
    this.listenMs = options.listenMs ?? 1000;
  }

  /** Scans now and then every intervalMs. */
  start(): void {
    void this.scan();
    const every = this.options.intervalMs ?? 15_000;
    if (every > 0 && !this.timer) {
      this.timer = setInterval(() => void this.scan(), every);
      this.timer.unref();
    }
  }

  get searching(): boolean {
    return this.running !== null;
  }

  /** What the last scan found (every kind), newest scan wins. */
  found(): FoundEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Runs a scan (or joins the one running) and resolves with what it found. */
  scan(): Promise<FoundEntry[]> {
    if (this.closed) return Promise.resolve(this.found());
    this.running ??= this.scanAll().finally(() => {
      this.running = null;
      if (!this.closed) this.emit('change');
    });
    this.emit('change');
    return this.running;
  }

  private async scanAll(): Promise<FoundEntry[]> {
    const listenMs = this.listenMs;
    const tasks: Promise<FoundEntry[]>[] = [
      ...this.targets.natnet.map((t) =>
        this.guard(`Motive discovery on ${t.address}:${t.port}`, async () =>
          (
            await discoverMotive({
              broadcastAddress: t.address,
              port: t.port,
              timeoutMs: listenMs,
              localAddress: this.targets.localAddress,
            })
          ).map((s): FoundEntry => ({
            kind: 'natnet',
            name: s.name || 'Motive',
            address: `${s.address}:${s.commandPort}`,
            detail: `${s.name || 'Motive'} ${s.appVersion}, NatNet ${s.natnetVersion}`,
          })),
        ),
      ),
      ...this.targets.teleport.map((t) =>
        this.guard(`Teleport discovery on ${t.address}:${t.port}`, async () =>
          (
            await discoverTeleport({
              host: t.address,
              port: t.port,
              timeoutMs: listenMs,
              localAddress: this.targets.localAddress,
            })
          ).map((s): FoundEntry => ({
            kind: 'teleport',
            name: 'Teleport server',
            // The client connects by discovery: the form takes the discovery port, not the ENet one.
            address: `${s.address}:${t.port}`,
            detail: `ENet service port ${s.servicePort}, answered in ${s.replyMs.toFixed(0)} ms`,
          })),
        ),
      ),
    ];
    const mdns = this.targets.mdnsInterface;
    if (mdns !== null) {
      tasks.push(
        this.guard('Pupil Companion mDNS discovery', async () =>
          (await discoverPhones(listenMs, mdns ? { interfaceAddress: mdns } : {})).map((p): FoundEntry => ({
            kind: 'pupil',
            name: p.phoneName || 'Pupil Companion',
            address: `${p.address}:${p.port}`,
            detail: `Companion phone ${p.deviceId}`,
            deviceId: p.deviceId,
          })),
        ),
      );
    }
    const results = (await Promise.all(tasks)).flat();
    // One row per endpoint, even when two targets reach the same device.
    const unique = new Map(results.map((e) => [`${e.kind}|${e.address}`, e]));
    if (!this.closed) this.entries = [...unique.values()];
    return this.found();
  }

  private async guard(what: string, run: () => Promise<FoundEntry[]>): Promise<FoundEntry[]> {
    try {
      return await run();
    } catch (error) {
      this.options.onProblem?.(`${what} failed: ${errorMessage(error)}`);
      return [];
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }
}
