/**
 * Device configuration: which devices to connect to, from a JSON file the operator edits.
 *
 *   { "devices": [ { "id": "motive", "kind": "natnet", "host": "192.168.1.20" } ] }
 *
 * Where: `--config FILE`, else $SIGHTLINE_CONFIG, else the default path (defaultConfigPath: the same for the app, headless and the CLI) or
 * $XDG_CONFIG_HOME/sightline/devices.json, i.e. ~/.config/sightline/devices.json (headless).
 * A bad entry is reported and skipped, never fatal: the operator still gets the others.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const MAX_CONFIG_BYTES = 1024 * 1024;

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'ids may use letters, digits and . _ : - only');
const label = z.string().min(1).max(200).optional();
const host = z.string().min(1).max(253);
const port = z.number().int().min(1).max(65535);

export const NatNetDeviceSchema = z
  .object({
    id,
    kind: z.literal('natnet'),
    label,
    host,
    commandPort: port.optional(),
    localAddress: z.string().min(1).max(64).optional(),
    multicast: z.boolean().optional(),
  })
  .strict();

// Planned kinds: accepted by the schema so a config written ahead of time stays valid.
export const PupilDeviceSchema = z
  .object({
    id,
    kind: z.literal('pupil'),
    label,
    host,
    port: port.optional(),
    transport: z.enum(['udp', 'tcp']).optional(),
  })
  .strict();
const finite = z.number().finite();
export const VrpnDeviceSchema = z
  .object({
    id,
    kind: z.literal('vrpn'),
    label,
    host,
    port: port.optional(),
    /** VRPN device names on that server (trackers, buttons, analogs, dials); none: every device it has. */
    trackers: z.array(z.string().min(1).max(95)).max(64).optional(),
    /** Default true. false: mainline's UDP connection request + TCP callback (data by UDP; no NAT). */
    tcpOnly: z.boolean().optional(),
    localAddress: z.string().min(1).max(64).optional(),
    /** From the server's room into the scene: { "up": "z" } for Z-up rooms. */
    transform: z
      .object({
        up: z.enum(['y', 'z']),
        scale: finite.positive().max(1000).optional(),
        offset: z.tuple([finite, finite, finite]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export const TeleportDeviceSchema = z
  .object({ id, kind: z.literal('teleport'), label, host, port: port.optional() })
  .strict();

export const DeviceConfigSchema = z.discriminatedUnion('kind', [
  NatNetDeviceSchema,
  PupilDeviceSchema,
  VrpnDeviceSchema,
  TeleportDeviceSchema,
]);

export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;
export type NatNetDeviceConfig = z.infer<typeof NatNetDeviceSchema>;
export type VrpnDeviceConfig = z.infer<typeof VrpnDeviceSchema>;
const CONFIG_KINDS = ['natnet', 'pupil', 'vrpn', 'teleport'] as const;

export interface ConfigNotice {
  level: 'warn' | 'error';
  message: string;
}

export type ConfigOrigin = 'flag' | 'env' | 'default';

export interface LoadedConfig {
  path: string;
  origin: ConfigOrigin;
  /** The file exists and was read (whatever its entries' validity). */
  found: boolean;
  devices: DeviceConfig[];
  notices: ConfigNotice[];
}

/**
 * The one default place for the device list, shared by the app, headless mode and the CLI, so an
 * operator has one file whichever way Sightline runs: $XDG_CONFIG_HOME/sightline (~/.config/sightline)
 * on Linux, ~/Library/Application Support/Sightline on macOS, %APPDATA%\Sightline on Windows.
 */
export function defaultConfigPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Sightline', 'devices.json');
  if (platform === 'win32') {
    return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'Sightline', 'devices.json');
  }
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'sightline', 'devices.json');
}

export function resolveConfigPath(
  explicit: string | undefined,
  defaultPath: string,
  env: NodeJS.ProcessEnv = process.env,
): { path: string; origin: ConfigOrigin } {
  if (explicit) return { path: resolve(explicit), origin: 'flag' };
  if (env.SIGHTLINE_CONFIG) return { path: resolve(env.SIGHTLINE_CONFIG), origin: 'env' };
  return { path: defaultPath, origin: 'default' };
}

/** Validates a parsed config file; every problem becomes a notice naming the entry. */
export function parseDeviceConfig(json: unknown, where: string): { devices: DeviceConfig[]; notices: ConfigNotice[] } {
  const notices: ConfigNotice[] = [];
  const top = z.object({ devices: z.array(z.unknown()).max(256) }).safeParse(json);
  if (!top.success) {
    return {
      devices: [],
      notices: [{ level: 'error', message: `${where}: expected { "devices": [ … ] } with at most 256 devices` }],
    };
  }
  const devices: DeviceConfig[] = [];
  const seen = new Set<string>();
  top.data.devices.forEach((entry, index) => {
    const name = describeEntry(entry, index);
    const kind = (entry as { kind?: unknown } | null)?.kind;
    if (!CONFIG_KINDS.includes(kind as (typeof CONFIG_KINDS)[number])) {
      notices.push({
        level: 'error',
        message: `${where}: ${name}: unknown kind ${JSON.stringify(kind ?? null)} (expected one of ${CONFIG_KINDS.join(', ')}); skipped`,
      });
      return;
    }
    const parsed = DeviceConfigSchema.safeParse(entry);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ');
      notices.push({ level: 'error', message: `${where}: ${name}: ${issues}; skipped` });
      return;
    }
    if (seen.has(parsed.data.id)) {
      notices.push({ level: 'error', message: `${where}: ${name}: duplicate id; skipped` });
      return;
    }
    seen.add(parsed.data.id);
    devices.push(parsed.data);
  });
  return { devices, notices };
}

function describeEntry(entry: unknown, index: number): string {
  const entryId = (entry as { id?: unknown } | null)?.id;
  return typeof entryId === 'string' ? `device ${index + 1} ("${entryId.slice(0, 64)}")` : `device ${index + 1}`;
}

/** Reads the config. A missing file at the default path is normal (demo mode); anywhere else it is an error. */
export function loadDeviceConfig(path: string, origin: ConfigOrigin): LoadedConfig {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_CONFIG_BYTES) {
      return {
        path,
        origin,
        found: true,
        devices: [],
        notices: [{ level: 'error', message: `${path}: larger than 1 MiB; not read` }],
      };
    }
    text = bytes.toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && origin === 'default') return { path, origin, found: false, devices: [], notices: [] };
    const why = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    const from = origin === 'env' ? ' (from SIGHTLINE_CONFIG)' : '';
    return {
      path,
      origin,
      found: false,
      devices: [],
      notices: [{ level: 'error', message: `cannot read device config ${path}${from}: ${why}` }],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      path,
      origin,
      found: true,
      devices: [],
      notices: [{ level: 'error', message: `${path}: not valid JSON: ${(error as Error).message}` }],
    };
  }
  return { path, origin, found: true, ...parseDeviceConfig(json, path) };
}

/** Options shared by the Electron app and headless mode. Unknown arguments are left for the caller. */
export interface CommonArgs {
  demo: boolean;
  configPath?: string;
}

/** For parseArgs: the options every entry point accepts (headless adds its own). */
export const COMMON_ARG_OPTIONS = { demo: { type: 'boolean' }, config: { type: 'string' } } as const;

export function parseCommonArgs(argv: readonly string[]): CommonArgs {
  // strict: false because Electron/Chromium put their own switches on the command line.
  const { values } = parseArgs({ args: [...argv], options: COMMON_ARG_OPTIONS, strict: false, allowPositionals: true });
  const configPath = typeof values.config === 'string' ? values.config : undefined;
  return configPath === undefined ? { demo: values.demo === true } : { demo: values.demo === true, configPath };
}
