/**
 * A device kind's one public face. Each `main/protocols/<kind>/index.ts` exports one KindDescriptor,
 * and `registry.ts` lists them: the Hub, device manager, discovery service, demo, CLI, recorder and
 * device form read what they need from here and never name a kind.
 *
 * Only types live here (and defineKind, which checks a descriptor against them), so a protocol
 * folder can import this file without pulling in anything that reads the registry.
 */
import type { z } from 'zod';
import type { FoundDevice, KindAddressForm } from '../../preload/api';
import type { CliIo } from '../cli/output';
import type { DeviceRef, Hub } from '../hub/hub';
import type { Sample, Source } from '../hub/source';
import type { MessageOut } from '../recording/sample-mapping';

/** The fields every device file entry has, whatever its kind (see device-entry.ts for their schemas). */
export interface DeviceEntry {
  id: string;
  kind: string;
  label?: string;
  /** false: the operator disconnected it from the window; it stays listed but is not connected at start. */
  enabled?: boolean;
  expectedRateHz?: number;
  host: string;
}

/** The Add-device form's address for one kind: how it reads, and how it maps to the entry's fields. */
export interface KindForm<E extends DeviceEntry> {
  /** What the renderer's form shows for this kind (sent over the link as DeviceKindInfo.form). */
  address: KindAddressForm;
  /** The port the kind uses when an address gives none (to tell an added device from a found one). */
  defaultPort: number;
  /** The address field (without any '@' device names unless address.namesDevices) → the entry's own fields. */
  toEntry(address: string): { fields: { host: string } & Record<string, unknown> } | { error: string };
  /** An entry → what the form's address field shows (the inverse of toEntry). */
  addressOf(entry: E): string;
  /** The entry fields the form sets; an edit keeps every other field (multicast, transform…). */
  fields: readonly string[];
  /** Start of a new device's id ("motive-192-168-1-20"); the kind when absent. */
  idPrefix?: string;
}

/** A task one discovery scan runs; the discovery service runs them all at once and guards each. */
export interface DiscoveryTask {
  /** For the operator when it fails, e.g. "Motive discovery on 255.255.255.255:1510". */
  what: string;
  run(): Promise<FoundEntry[]>;
}

export interface FoundEntry extends FoundDevice {
  /** The device's own id (a phone's), to recognise a device already added under another address. */
  deviceId?: string;
}

export interface Endpoint {
  address: string;
  port: number;
  /** The address to send from (the operator's lab interface), so the query leaves by that network. */
  localAddress?: string;
}

/** What one scan is for. */
export interface ScanContext {
  /** The operator asked (Find devices): also look for devices not seen before, not only known ones. */
  wide: boolean;
}

/** The network interface the operator chose for the lab (settings.networkInterface), as discovery needs it. */
export interface LabInterfaceAddress {
  address: string;
  /** Its subnet's broadcast address. */
  broadcast: string;
}

/** What the app's settings add to every device made from the device file. */
export interface SourceDefaults {
  /** The lab interface's address (settings.networkInterface): a kind that joins multicast joins it there. */
  networkInterface?: string;
}

/** Where and how a kind looks for devices. T is the kind's own target description. */
export interface KindDiscovery<T = unknown> {
  /** On the lab network. */
  lan: T;
  /**
   * The lab network's targets from the kind's own block of the settings file (`settings[kind]`, already
   * validated there; undefined when absent); default: `lan`.
   */
  lanFor?(settings: unknown): T;
  /** Tests and demo mode: loopback only, plus the endpoints given (simulators on OS-picked ports). */
  loopback(extra: readonly Endpoint[]): T;
  /**
   * What the kind's block of the settings adds on loopback in demo mode (LSL: known peers that are
   * this computer's loopback addresses); never an address off this computer.
   */
  loopbackFor?(settings: unknown): Endpoint[];
  scan(targets: T, listenMs: number, context: ScanContext): DiscoveryTask[];
  /** The lan targets narrowed to the operator's lab interface (sent from it, to its subnet); default: unchanged. */
  through?(targets: T, iface: LabInterfaceAddress): T;
  /** The device's own id as a connected source reports it (compared with FoundEntry.deviceId). */
  identify?(source: Source): string | null;
}

/** What a demo device leaves running besides its Source in the Hub. */
export interface DemoDevice<S = unknown> {
  simulator: S;
  /** The Hub devices it added, removed when an opt-in demo is turned off while running. */
  deviceIds?: string[];
  close(): Promise<void>;
}

export interface DemoOptions {
  demoBodies?: number;
  demoRateHz?: number;
}

export interface KindDemo<S = unknown, K extends string = string> {
  /** The name DeviceSetup.demo gives this kind's simulator (e.g. "motive"). */
  key: K;
  /**
   * Demo devices start one after another, lowest first (default: registry order), which is also the
   * device list's order. A kind that must not keep the others waiting connects in the background.
   */
  position?: number;
  /**
   * Started only when asked for (DeviceSetupOptions.demoOptIn names its key: `--demo-lsl`, settings
   * `demoLsl`), so the standard demo keeps its devices.
   */
  optIn?: boolean;
  /** Starts the simulator on loopback and adds its client to the Hub; null (after a notice) if it cannot. */
  start(hub: Hub, options: DemoOptions): Promise<DemoDevice<S> | null>;
}

export type CliCommand = (argv: string[], io: CliIo, signal?: AbortSignal) => Promise<number>;

export interface KindCli {
  /** `sightline <command> <kind> …` for each command the kind has (sim, probe, discover, decode…). */
  commands: Record<string, CliCommand>;
  /** The kind's lines of the usage text, each command with its options and what it does. */
  usage: string;
  /** e.g. "natnet (OptiTrack Motive)", for the usage's Devices line. */
  summary: string;
  /** Place in the Devices line when it differs from registry order (the line predates the registry). */
  summaryPosition?: number;
  /** What `sightline info` says this build supports for the kind. */
  info: Record<string, unknown>;
  /**
   * `sim KIND --lsl`: the device file entry fields (host, ports…) of a client for the simulator that
   * printed this `listening` line; its samples are then published to LSL as `serve --lsl` does.
   */
  simDevice?(listening: Record<string, unknown>): Record<string, unknown>;
}

/** The recorder's hook: called with every sample after the generic mapping (recording/sample-mapping.ts). */
export type RawMapping = (device: DeviceRef, sample: Sample, out: MessageOut) => void;

export interface KindRecording {
  /** Writes what the kind keeps beyond the generic samples (usually `sample.raw`, on a channel of its own). */
  raw: RawMapping;
  /**
   * What of `sample.raw` the recorder's worker needs, made on the sockets' thread before the
   * hand-off (cheaper to copy between threads than the decoded message). The raw mapping then
   * receives its result as `sample.raw`. A Uint8Array is copied into the hand-off batch (the
   * cheapest); anything else is structured-cloned. Absent: the decoded message is cloned as it is.
   */
  handOff?: (raw: unknown) => unknown;
}

/**
 * One device kind. E is its device file entry, Sim its demo simulator. What only this kind's panel
 * shows travels as SourceStatus.detail → DeviceSnapshot.detail (typed by the kind's client and panel).
 */
export interface KindDescriptor<E extends DeviceEntry = DeviceEntry, Sim = unknown> {
  kind: string;
  /** Short name in messages and rows, e.g. "Motive". */
  name: string;
  /** In the form's kind list, e.g. "OptiTrack Motive (NatNet)". */
  label: string;
  /** The device file entry: a strict zod object whose `kind` is the literal kind (built on device-entry.ts). */
  entry: z.ZodType<E>;
  form: KindForm<E>;
  /** A Source for a valid entry of this kind. */
  createSource(entry: E, defaults?: SourceDefaults): Source;
  discovery?: KindDiscovery;
  demo?: KindDemo<Sim>;
  cli?: KindCli;
  recording?: KindRecording;
  /** What the kind's panel needs from the generic parts. */
  panel?: {
    /** The client's first step is finding its server: the row says "searching" while it connects. */
    searchesFirst?: boolean;
  };
}

/** Type-checks a descriptor and keeps its precise type (the registry's types follow from it). */
export function defineKind<E extends DeviceEntry, Sim = unknown, T = unknown, K extends string = string>(
  descriptor: Omit<KindDescriptor<E, Sim>, 'discovery' | 'demo'> & {
    discovery?: KindDiscovery<T>;
    demo?: KindDemo<Sim, K>;
  },
): KindDescriptor<E, Sim> & { demo?: KindDemo<Sim, K> } {
  return descriptor;
}
