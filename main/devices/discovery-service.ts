/**
 * Finds devices on the network for the device list's "found, not added" rows: every kind that has a
 * discovery (its descriptor's, main/protocols/<kind>/index.ts: NatNet broadcast, Companion mDNS,
 * Teleport UDP discovery…), all at once, now and then or when the operator asks.
 *
 * In tests and demo mode every target is a loopback address and mDNS is bound to 127.0.0.1
 * (loopbackTargets): nothing leaves the machine.
 */
import { EventEmitter } from 'node:events';
import { errorMessage } from '../hub/hub';
import type { Endpoint, FoundEntry, KindDiscovery, LabInterfaceAddress, ScanContext } from '../protocols/descriptor';
import { kinds } from '../protocols/registry';

export type { Endpoint, FoundEntry };

/** Per kind, where its discovery looks (the kind's own description: endpoints, an mDNS interface…). */
export type DiscoveryTargets = Record<string, unknown>;

/**
 * On the lab network: each kind's usual targets (broadcast on its standard port, mDNS on every
 * interface) or what the kind's block of the settings makes of them (`settings.lsl`: scope and known
 * peers), and, when the operator chose a lab interface, through that interface only.
 */
export function lanTargets(
  iface: LabInterfaceAddress | null = null,
  settings: Readonly<Record<string, unknown>> = {},
): DiscoveryTargets {
  return Object.fromEntries(
    kinds().all.flatMap((d) => {
      const discovery: KindDiscovery | undefined = d.discovery;
      if (!discovery) return [];
      const lan = discovery.lanFor ? discovery.lanFor(settings[d.kind]) : discovery.lan;
      return [[d.kind, iface && discovery.through ? discovery.through(lan, iface) : lan]];
    }),
  );
}

/**
 * Tests and demo mode: loopback only, on the standard ports plus any given (simulators on OS-picked
 * ports) and what the settings add on loopback (`settings.lsl`'s known peers on this computer).
 */
export function loopbackTargets(
  extra: Partial<Record<string, Endpoint[]>> = {},
  settings: Readonly<Record<string, unknown>> = {},
): DiscoveryTargets {
  return Object.fromEntries(
    kinds().all.flatMap((d) => {
      const discovery: KindDiscovery | undefined = d.discovery;
      if (!discovery) return [];
      const fromSettings = discovery.loopbackFor?.(settings[d.kind]) ?? [];
      return [[d.kind, discovery.loopback([...fromSettings, ...(extra[d.kind] ?? [])])]];
    }),
  );
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
    private targets: DiscoveryTargets,
    private readonly options: DiscoveryServiceOptions = {},
  ) {
    super();
    this.listenMs = options.listenMs ?? 1000;
  }

  /**
   * Where the next scans look: the preferences' lab interface changed (lanTargets(iface)). Demo and
   * tests keep their loopback targets: the caller only replaces lan targets.
   */
  setTargets(targets: DiscoveryTargets): void {
    this.targets = targets;
  }

  /** Where the next scans look (tests check a preference took effect). */
  currentTargets(): DiscoveryTargets {
    return this.targets;
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

  /**
   * Runs a scan (or joins the one running) and resolves with what it found. `wide` (the operator's
   * Find devices) also asks the way that finds new devices where a kind otherwise asks only the
   * ones it knows (Teleport: a broadcast with client id 0).
   */
  scan(options: { wide?: boolean } = {}): Promise<FoundEntry[]> {
    if (this.closed) return Promise.resolve(this.found());
    const context: ScanContext = { wide: options.wide ?? false };
    this.running ??= this.scanAll(context).finally(() => {
      this.running = null;
      if (!this.closed) this.emit('change');
    });
    this.emit('change');
    return this.running;
  }

  private async scanAll(context: ScanContext): Promise<FoundEntry[]> {
    const listenMs = this.listenMs;
    const tasks: Promise<FoundEntry[]>[] = [];
    for (const descriptor of kinds().all) {
      const discovery = descriptor.discovery;
      if (!discovery || !(descriptor.kind in this.targets)) continue;
      for (const task of discovery.scan(this.targets[descriptor.kind], listenMs, context)) {
        tasks.push(this.guard(task.what, () => task.run()));
      }
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
