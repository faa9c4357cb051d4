/**
 * The app's own settings (window placement, panel layout, theme, recording folder, lab network), in a versioned
 * JSON file beside the device file, so the app, headless mode and the CLI share one settings folder.
 * Devices and their transforms stay in the device file (main/config.ts), which operators edit by hand.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { defaultConfigPath } from '../config';
import { LslSettingsSchema } from '../protocols/lsl/settings';
import { loadVersionedFile, saveVersionedFile, type LoadedFile, type VersionedFileSpec } from './versioned-file';

export const SETTINGS_VERSION = 1;
/** The renderer's panel layout is opaque here; bounded so a runaway layout cannot bloat the file. */
export const MAX_LAYOUT_JSON_BYTES = 64 * 1024;

const coordinate = z.number().int().min(-100_000).max(100_000);
const extent = z.number().int().min(100).max(100_000);

export const WindowStateSchema = z
  .object({
    x: coordinate.optional(),
    y: coordinate.optional(),
    width: extent,
    height: extent,
    maximized: z.boolean().default(false),
    fullScreen: z.boolean().default(false),
  })
  .strict();
export type WindowState = z.infer<typeof WindowStateSchema>;

const LayoutSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => JSON.stringify(v).length <= MAX_LAYOUT_JSON_BYTES, 'the panel layout is larger than 64 KiB');

export const AppSettingsSchema = z
  .object({
    version: z.literal(SETTINGS_VERSION),
    recordingFolder: z.string().min(1).max(4096).optional(),
    /** Chunk compression of new recordings (default zstd). */
    recordingCompression: z.enum(['zstd', 'lz4', 'none']).optional(),
    theme: z.enum(['system', 'dark', 'light']).default('system'),
    window: WindowStateSchema.optional(),
    layout: LayoutSchema.optional(),
    /** The Preferences dialog's values beyond recordingFolder, theme and networkInterface (main/settings/preferences.ts). */
    preferences: z
      .object({
        units: z.enum(['m', 'mm']).optional(),
        upAxis: z.enum(['y', 'z']).optional(),
        demoAtStart: z.boolean().optional(),
        staleFramePeriods: z.number().int().min(2).max(100).optional(),
        rateFloorPercent: z.number().int().min(10).max(99).optional(),
      })
      .strict()
      .optional(),
    /**
     * The lab network interface (an IPv4 address of this computer): NatNet's multicast group is joined
     * and discovery is sent on it (main/net/lab-interface.ts). Unset: the system's choice.
     */
    networkInterface: z.ipv4().optional(),
    /** LSL's scope and known peers, for LSL discovery and Sightline's outlets (main/protocols/lsl/settings.ts). */
    lsl: LslSettingsSchema.optional(),
    /** Demo mode also shows simulated LSL streams (like --demo-lsl); off by default. */
    demoLsl: z.boolean().optional(),
  })
  .strict();
export type AppSettings = z.infer<typeof AppSettingsSchema>;

export const SETTINGS_SPEC: VersionedFileSpec<AppSettings> = {
  what: 'settings',
  version: SETTINGS_VERSION,
  schema: AppSettingsSchema,
  defaults: () => ({ version: SETTINGS_VERSION, theme: 'system' }),
};

/** The settings folder: where the device file lives by default (see defaultConfigPath). */
export function settingsFolder(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  return dirname(defaultConfigPath(env, platform));
}

export function settingsPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  return join(settingsFolder(env, platform), 'settings.json');
}

/** Where each platform keeps an app's logs (the same places Electron's app.getPath('logs') uses). */
export function logsFolder(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Logs', 'Sightline');
  return join(settingsFolder(env, platform), 'logs');
}

export function defaultRecordingFolder(home = homedir()): string {
  return join(home, 'Documents', 'Sightline');
}

export function loadAppSettings(path = settingsPath()): LoadedFile<AppSettings> {
  return loadVersionedFile(path, SETTINGS_SPEC);
}

export function saveAppSettings(settings: AppSettings, path = settingsPath()): void {
  saveVersionedFile(path, AppSettingsSchema.parse(settings));
}

/**
 * The folder recordings go to. A chosen folder that has gone (an unplugged drive, a renamed share) is
 * reported and the default used for now; the setting itself is kept, so plugging the drive back in
 * restores it.
 */
export function resolveRecordingFolder(settings: AppSettings, home = homedir()): { folder: string; message?: string } {
  const fallback = defaultRecordingFolder(home);
  const chosen = settings.recordingFolder;
  if (!chosen) return { folder: fallback };
  const usable = existsSync(chosen) && statSync(chosen).isDirectory();
  if (usable) return { folder: chosen };
  return {
    folder: fallback,
    message: `recording folder ${chosen} does not exist (is its drive connected?); recordings go to ${fallback} until it is back or another is chosen`,
  };
}
