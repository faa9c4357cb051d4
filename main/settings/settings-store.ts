/**
 * The live settings of one running Sightline (app or headless): loaded once, changed by the window
 * and the renderer, saved shortly after each change (coalesced: moving a window fires dozens of
 * events) and on close. If the file on disk could be neither used nor backed up, nothing is saved
 * this session, so it is never destroyed.
 */
import type { LoadedFile } from './versioned-file';
import {
  AppSettingsSchema,
  loadAppSettings,
  saveAppSettings,
  settingsPath,
  type AppSettings,
  type WindowState,
} from './app-settings';

export type PanelLayout = Record<string, unknown>;

export class SettingsStore {
  private value: AppSettings;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Why the last save failed, for the log; saving again later may succeed (a full disk freed). */
  lastSaveError: string | null = null;
  readonly loaded: LoadedFile<AppSettings>;

  constructor(
    readonly path: string = settingsPath(),
    private readonly saveDelayMs = 500,
  ) {
    this.loaded = loadAppSettings(path);
    this.value = this.loaded.value;
  }

  get(): AppSettings {
    return this.value;
  }

  layout(): PanelLayout | null {
    return this.value.layout ?? null;
  }

  setLayout(layout: PanelLayout | null): void {
    const { layout: _old, ...rest } = this.value;
    this.update(layout ? { ...rest, layout } : rest);
  }

  setWindow(window: WindowState): void {
    this.update({ ...this.value, window });
  }

  update(next: AppSettings): void {
    // Validate before keeping: a bad value from a caller must not poison the file.
    this.value = AppSettingsSchema.parse(next);
    this.scheduleSave();
  }

  /** Writes now if anything is pending (on quit). */
  flush(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      this.save();
    }
  }

  private scheduleSave(): void {
    if (!this.loaded.mayOverwrite || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save();
    }, this.saveDelayMs);
    this.saveTimer.unref?.();
  }

  private save(): void {
    try {
      saveAppSettings(this.value, this.path);
      this.lastSaveError = null;
    } catch (error) {
      this.lastSaveError = `settings not saved to ${this.path}: ${(error as Error).message}`;
    }
  }
}
