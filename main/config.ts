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
import type { DeviceEntry } from './protocols/descriptor';
import { kinds } from './protocols/registry';

const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * A valid entry of the device file: the fields every kind has, and the kind's own (each kind's
 * descriptor holds its schema, main/protocols/<kind>/index.ts).
 */
export type DeviceConfig = DeviceEntry & { readonly [field: string]: unknown };

/** A device file entry of any registered kind, for schemas that hold entries (the device file writer's). */
export const DeviceConfigSchema = z.custom<DeviceConfig>().superRefine((entry, ctx) => {
  const parsed = parseDeviceEntry(entry);
  if (parsed.ok) return;
  for (const issue of parsed.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
});

/** Checks one entry against its kind's schema: the entry, or the problems in words. */
export function parseDeviceEntry(
  entry: unknown,
): { ok: true; config: DeviceConfig } | { ok: false; issues: z.core.$ZodIssue[] } {
  const kind = (entry as { kind?: unknown } | null)?.kind;
  const descriptor = typeof kind === 'string' ? kinds().get(kind) : undefined;
  if (!descriptor) {
    return {
      ok: false,
      issues: [
        { code: 'custom', path: ['kind'], message: `unknown kind ${JSON.stringify(kind ?? null)}`, input: kind },
      ],
    };
  }
  const parsed = descriptor.entry.safeParse(entry);
  return parsed.success
    ? { ok: true, config: parsed.data as DeviceConfig }
    : { ok: false, issues: parsed.error.issues };
}

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
    if (typeof kind !== 'string' || !kinds().get(kind)) {
      notices.push({
        level: 'error',
        message: `${where}: ${name}: unknown kind ${JSON.stringify(kind ?? null)} (expected one of ${kinds().names().join(', ')}); skipped`,
      });
      return;
    }
    const parsed = parseDeviceEntry(entry);
    if (!parsed.ok) {
      const issues = parsed.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ');
      notices.push({ level: 'error', message: `${where}: ${name}: ${issues}; skipped` });
      return;
    }
    if (seen.has(parsed.config.id)) {
      notices.push({ level: 'error', message: `${where}: ${name}: duplicate id; skipped` });
      return;
    }
    seen.add(parsed.config.id);
    devices.push(parsed.config);
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
  /** --demo-lsl: demo mode also shows simulated LSL streams (present only when given). */
  demoLsl?: true;
}

/** For parseArgs: the options every entry point accepts (headless adds its own). */
export const COMMON_ARG_OPTIONS = {
  demo: { type: 'boolean' },
  config: { type: 'string' },
  'demo-lsl': { type: 'boolean' },
} as const;

export function parseCommonArgs(argv: readonly string[]): CommonArgs {
  // strict: false because Electron/Chromium put their own switches on the command line.
  const { values } = parseArgs({ args: [...argv], options: COMMON_ARG_OPTIONS, strict: false, allowPositionals: true });
  const configPath = typeof values.config === 'string' ? values.config : undefined;
  return {
    demo: values.demo === true,
    ...(configPath !== undefined && { configPath }),
    ...(values['demo-lsl'] === true && { demoLsl: true as const }),
  };
}
