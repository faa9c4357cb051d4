/**
 * Writing the device file (main/config.ts reads it, for the app, headless mode and the CLI alike) when
 * the operator adds, edits, renames, removes, connects or disconnects a device from the window.
 *
 * The operator may have written the file by hand: before the app first writes it, the file is checked
 * with the same versioned-file rules as settings.json (main/settings/versioned-file.ts). A file we
 * cannot fully understand (not JSON, an entry we skipped, a newer version) is copied aside first, so
 * the operator's own text is never silently overwritten; one we could not back up is never written.
 */
import { z } from 'zod';
import { DeviceConfigSchema, type DeviceConfig } from '../config';
import { loadVersionedFile, saveVersionedFile } from '../settings/versioned-file';

export const DEVICE_FILE_VERSION = 1;

const DeviceFileSchema = z.object({
  version: z.number().int().min(1).optional(),
  devices: z.array(DeviceConfigSchema).max(256),
});

export interface DeviceFileWriterOptions {
  now?: () => Date;
}

export class DeviceFileWriter {
  private checked = false;
  private refused: string | null = null;
  /** Set when the operator's file was copied aside before our first write. */
  backupPath: string | null = null;
  /** For the operator, once: what happened to their file. */
  message: string | null = null;

  constructor(
    readonly path: string,
    private readonly options: DeviceFileWriterOptions = {},
  ) {}

  /** Writes the whole list atomically; throws (with the reason) when writing would destroy the operator's file. */
  save(devices: readonly DeviceConfig[]): void {
    this.checkOnce();
    if (this.refused) throw new Error(this.refused);
    saveVersionedFile(this.path, { version: DEVICE_FILE_VERSION, devices });
  }

  private checkOnce(): void {
    if (this.checked) return;
    this.checked = true;
    const loaded = loadVersionedFile(
      this.path,
      { what: 'device', version: DEVICE_FILE_VERSION, schema: DeviceFileSchema, defaults: () => ({ devices: [] }) },
      this.options.now?.() ?? new Date(),
    );
    if (!loaded.mayOverwrite) {
      this.refused = `the device file ${this.path} is not written: ${loaded.message ?? 'it could not be backed up'}`;
      return;
    }
    if (loaded.backupPath) {
      this.backupPath = loaded.backupPath;
      this.message = `device file ${this.path}: the operator's version could not be kept as is and was copied to ${loaded.backupPath} before the app saved its changes`;
    }
  }
}
