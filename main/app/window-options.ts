/**
 * The main window's options, apart from main.ts so that a unit test can read them in plain Node and
 * hold them to the security checklist (only types come from electron here).
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export const DEFAULT_WINDOW = { width: 1440, height: 900, minWidth: 800, minHeight: 600 } as const;

export function mainWindowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: DEFAULT_WINDOW.width,
    height: DEFAULT_WINDOW.height,
    minWidth: DEFAULT_WINDOW.minWidth,
    minHeight: DEFAULT_WINDOW.minHeight,
    show: false,
    title: 'Sightline',
    backgroundColor: '#111418',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      // The page gets window.sightline through contextBridge and nothing else: no Node, no Electron.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      preload: preloadPath,
    },
  };
}
