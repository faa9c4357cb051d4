/**
 * Companion discovery over mDNS (protocol notes, docs/protocols/pupil.md §5) with bonjour-service: the phone
 * announces `PI monitor:<phone name>:<device id>` as an `_http._tcp` service (Neon uses the same
 * prefix); we browse `_http._tcp`, keep the names whose first `:`-part is `PI monitor`, and report
 * phones arriving and leaving. In tests and demo mode everything stays on the loopback interface.
 */
import { EventEmitter } from 'node:events';
import { Bonjour, type Service } from 'bonjour-service';

export const SERVICE_PREFIX = 'PI monitor';

export interface DiscoveredPhone {
  /** The full service instance name. */
  name: string;
  phoneName: string;
  deviceId: string;
  address: string;
  port: number;
}

/** `PI monitor:<name>:<id>` → name and id; undefined for any other service. Names may contain ':'. */
export function parseServiceName(name: string): { phoneName: string; deviceId: string } | undefined {
  const parts = name.split(':');
  if (parts.length < 3 || parts[0] !== SERVICE_PREFIX) return undefined;
  const deviceId = parts[parts.length - 1]!;
  const phoneName = parts.slice(1, -1).join(':');
  if (!deviceId) return undefined;
  return { phoneName, deviceId };
}

export interface MdnsOptions {
  /** Interface address for multicast (send and membership), e.g. 127.0.0.1 in tests and demo mode. */
  interfaceAddress?: string;
}

function bonjour(options: MdnsOptions, onError: (e: Error) => void): Bonjour {
  // multicast-dns options (bonjour-service passes them through; its type only names service fields).
  // The socket binds the wildcard address: Linux delivers multicast only to wildcard-bound sockets.
  const mdns = options.interfaceAddress
    ? { interface: options.interfaceAddress, bind: '0.0.0.0', loopback: true, reuseAddr: true }
    : { loopback: true, reuseAddr: true };
  return new Bonjour(mdns as never, onError);
}

export interface PhoneBrowserEvents {
  up: [DiscoveredPhone];
  down: [DiscoveredPhone];
  error: [Error];
}

export class PhoneBrowser extends EventEmitter<PhoneBrowserEvents> {
  private readonly bonjour: Bonjour;
  readonly phones = new Map<string, DiscoveredPhone>();
  private readonly loopback: boolean;

  constructor(options: MdnsOptions = {}) {
    super();
    this.loopback = options.interfaceAddress?.startsWith('127.') ?? false;
    this.bonjour = bonjour(options, (e: Error) => this.emit('error', e));
    const browser = this.bonjour.find({ type: 'http', protocol: 'tcp' });
    browser.on('up', (s) => this.onUp(s));
    browser.on('srv-update', (s) => this.onUp(s));
    browser.on('down', (s) => {
      const known = this.phones.get(s.name);
      if (!known) return;
      this.phones.delete(s.name);
      this.emit('down', known);
    });
  }

  private onUp(s: Service): void {
    const parsed = parseServiceName(s.name);
    if (!parsed) return;
    // On the loopback interface (tests, demo) the A records list the host's other interfaces, which a
    // simulator bound to 127.0.0.1 does not listen on: use the address the answer came from.
    const address = this.loopback
      ? s.referer?.address
      : (s.addresses?.find((a) => !a.includes(':')) ?? s.addresses?.[0] ?? s.referer?.address);
    if (!address) return;
    const phone: DiscoveredPhone = { name: s.name, ...parsed, address, port: s.port };
    this.phones.set(s.name, phone);
    this.emit('up', phone);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.bonjour.destroy(() => resolve()));
  }
}

/** Browses for `timeoutMs` and returns the phones seen (and still there). */
export async function discoverPhones(timeoutMs: number, options: MdnsOptions = {}): Promise<DiscoveredPhone[]> {
  const browser = new PhoneBrowser(options);
  browser.on('error', () => {});
  await new Promise((r) => setTimeout(r, timeoutMs));
  const phones = [...browser.phones.values()];
  await browser.close();
  return phones;
}

/** The phone side: announces the service until `stop()` (which sends goodbyes, so browsers see it leave). */
export class PhoneAdvertisement {
  private readonly bonjour: Bonjour;
  private service: Service | undefined;

  constructor(
    readonly name: string,
    port: number,
    options: MdnsOptions & { host?: string } = {},
  ) {
    this.bonjour = bonjour(options, () => {});
    this.service = this.bonjour.publish({
      name,
      type: 'http',
      protocol: 'tcp',
      port,
      host: options.host,
      probe: false,
      disableIPv6: true,
    });
  }

  async stop(): Promise<void> {
    const service = this.service;
    this.service = undefined;
    if (service?.stop) await new Promise<void>((r) => service.stop?.(() => r()));
    await new Promise<void>((r) => this.bonjour.destroy(() => r()));
  }
}
