/**
 * Devices from the window: add, edit, rename, remove, connect and disconnect, each applied to the
 * running Hub at once and saved to the device file (the one main/config.ts reads for the app, headless
 * mode and the CLI). Demo devices are the Hub's but not the file's: they can be connected, disconnected
 * and removed for this session, never edited into the operator's file.
 */
import type { DeviceSnapshot, FoundDevice, SavedDevice } from '../../preload/api';
import { parseDeviceEntry, type DeviceConfig } from '../config';
import type { Hub } from '../hub/hub';
import type { Source } from '../hub/source';
import type { SourceDefaults } from '../protocols/descriptor';
import { kinds } from '../protocols/registry';
import { addressOf, configFromForm, descriptorOf, newDeviceId, parseHostPort, type DeviceForm } from './device-address';
import type { DeviceFileWriter } from './device-file';

/** Fields the form edits besides the kind's own (its descriptor's form.fields); the others survive an edit. */
const FORM_FIELDS = ['label', 'expectedRateHz'] as const;

/** An entry that must be valid (it was, and only form fields changed): the checked entry, or why not. */
function checkedEntry(entry: Record<string, unknown>): DeviceConfig {
  const parsed = parseDeviceEntry(entry);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; '));
  return parsed.config;
}

export class DeviceManager {
  private readonly configs = new Map<string, DeviceConfig>();
  private backupTold = false;

  constructor(
    private readonly hub: Hub,
    private readonly file: DeviceFileWriter | null,
    configured: readonly DeviceConfig[] = [],
    private readonly sourceDefaults: SourceDefaults = {},
  ) {
    for (const c of configured) this.configs.set(c.id, c);
  }

  get path(): string | null {
    return this.file?.path ?? null;
  }

  /** The devices in the device file, as the form shows them. */
  saved(): SavedDevice[] {
    return [...this.configs.values()].map((c) => ({
      deviceId: c.id,
      kind: c.kind,
      address: addressOf(c),
      name: c.label ?? null,
      expectedRateHz: c.expectedRateHz ?? null,
      enabled: c.enabled !== false,
    }));
  }

  config(id: string): DeviceConfig | undefined {
    return this.configs.get(id);
  }

  expectedRateHz(id: string): number | null {
    return this.configs.get(id)?.expectedRateHz ?? null;
  }

  async add(form: DeviceForm): Promise<DeviceSnapshot> {
    const probe = configFromForm(form, 'new');
    if (!probe.ok) throw new Error(probe.message);
    const id = newDeviceId(probe.config, (candidate) => this.configs.has(candidate) || !!this.hub.get(candidate));
    const config = { ...probe.config, id };
    this.persist(new Map([...this.configs, [id, config]]));
    return this.start(config);
  }

  async edit(id: string, form: DeviceForm): Promise<DeviceSnapshot> {
    const old = this.requireSaved(id, 'edited');
    const made = configFromForm(form, id);
    if (!made.ok) throw new Error(made.message);
    const kept: Record<string, unknown> = old.kind === made.config.kind ? { ...old } : {};
    for (const field of [...FORM_FIELDS, ...descriptorOf(made.config.kind).form.fields]) delete kept[field];
    const merged = checkedEntry({ ...kept, ...made.config, ...enabledOf(old) });
    return this.replace(merged);
  }

  async rename(id: string, name: string): Promise<DeviceSnapshot> {
    const old = this.requireSaved(id, 'renamed');
    return this.replace(checkedEntry({ ...old, label: name.trim() }));
  }

  async remove(id: string): Promise<void> {
    if (!this.hub.get(id) && !this.configs.has(id)) throw new Error(`no device "${id.slice(0, 128)}"`);
    if (this.configs.has(id)) {
      const next = new Map(this.configs);
      next.delete(id);
      this.persist(next);
    }
    if (this.hub.get(id)) await this.hub.remove(id);
  }

  async connect(id: string): Promise<void> {
    this.setEnabled(id, true);
    await this.hub.connect(id);
  }

  async disconnect(id: string): Promise<void> {
    this.setEnabled(id, false);
    await this.hub.disconnect(id);
  }

  /** Is a discovered device one of ours already? (Same kind and endpoint, or, for a phone, the same phone.) */
  isAdded(found: FoundDevice & { deviceId?: string }): boolean {
    const key = endpointKey(found.kind, found.address);
    for (const c of this.configs.values()) {
      if (c.kind === found.kind && endpointKey(c.kind, addressOf(c)) === key) return true;
    }
    const identify = kinds().get(found.kind)?.discovery?.identify;
    if (identify && found.deviceId) {
      for (const d of this.hub.snapshots()) {
        if (d.kind !== found.kind) continue;
        if (safeIdentity(this.hub, d.id, identify) === found.deviceId) return true;
      }
    }
    return false;
  }

  private setEnabled(id: string, enabled: boolean): void {
    const old = this.configs.get(id);
    if (!old || (old.enabled !== false) === enabled) return;
    const next: DeviceConfig = { ...old };
    if (enabled) delete next.enabled;
    else next.enabled = false;
    this.persist(new Map([...this.configs, [id, next]]));
  }

  private async replace(config: DeviceConfig): Promise<DeviceSnapshot> {
    this.persist(new Map([...this.configs, [config.id, config]]));
    if (this.hub.get(config.id)) await this.hub.remove(config.id);
    return this.start(config);
  }

  private start(config: DeviceConfig): DeviceSnapshot {
    const snapshot = this.hub.add(descriptorOf(config.kind).createSource(config, this.sourceDefaults));
    // Not awaited: a device that is off shows its reason in its row while the Hub retries.
    if (config.enabled !== false) this.hub.connect(config.id).catch(() => {});
    return snapshot;
  }

  /** Saves first: if the file cannot be written, nothing changes and the operator is told why. */
  private persist(next: Map<string, DeviceConfig>): void {
    this.file?.save([...next.values()]);
    if (this.file?.message && !this.backupTold) {
      this.backupTold = true;
      this.hub.notice('warn', this.file.message);
    }
    this.configs.clear();
    for (const [id, c] of next) this.configs.set(id, c);
  }

  private requireSaved(id: string, verb: string): DeviceConfig {
    const config = this.configs.get(id);
    if (config) return config;
    if (this.hub.get(id)) throw new Error(`${id} is a demo device, not in the device file: it cannot be ${verb}`);
    throw new Error(`no device "${id.slice(0, 128)}"`);
  }
}

function enabledOf(config: DeviceConfig): { enabled?: boolean } {
  return config.enabled === false ? { enabled: false } : {};
}

function endpointKey(kind: string, address: string): string {
  const parsed = parseHostPort(address.slice(address.lastIndexOf('@') + 1));
  const defaultPort = kinds().get(kind)?.form.defaultPort;
  if ('error' in parsed || defaultPort === undefined) return `${kind}|${address}`;
  const port = parsed.port ?? defaultPort;
  const host = parsed.host === 'localhost' ? '127.0.0.1' : parsed.host;
  return `${kind}|${host}|${port}`;
}

function safeIdentity(hub: Hub, id: string, identify: (source: Source) => string | null): string | null {
  try {
    const source = hub.source(id);
    return source ? identify(source) : null;
  } catch {
    return null;
  }
}
