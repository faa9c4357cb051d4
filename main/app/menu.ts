/**
 * The application menu, as a template built from the actions it triggers, so a unit test can check
 * every item exists and calls the right action without Electron (only types come from electron).
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openRecording(): void;
  togglePanel(panel: PanelId): void;
  resetLayout(): void;
  addDevice(): void;
  discoverDevices(): void;
  about(): void;
  openLogsFolder(): void;
  openDeviceFile(): void;
}

/** The panels the View menu can show or hide (the renderer owns their layout). */
export const MENU_PANELS = [
  { id: 'scene', label: '3D Scene' },
  { id: 'video', label: 'Video with Gaze' },
  { id: 'devices', label: 'Devices' },
  { id: 'recording', label: 'Recording' },
  { id: 'inputs', label: 'Inputs (VRPN)' },
  { id: 'teleport', label: 'Teleport Session' },
  { id: 'health', label: 'Health' },
  { id: 'time', label: 'Time' },
  { id: 'playback', label: 'Playback' },
  { id: 'plots', label: 'Plots' },
  { id: 'channels', label: 'Channels' },
  { id: 'events', label: 'Events' },
] as const;
export type PanelId = (typeof MENU_PANELS)[number]['id'];

export function menuTemplate(
  actions: MenuActions,
  options: { platform: NodeJS.Platform; packaged: boolean },
): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const file: MenuItemConstructorOptions[] = [
    { label: 'Open Recording…', accelerator: 'CmdOrCtrl+O', click: () => actions.openRecording() },
    { type: 'separator' },
    mac ? { role: 'close' } : { role: 'quit' },
  ];
  const view: MenuItemConstructorOptions[] = [
    ...MENU_PANELS.map((p, i): MenuItemConstructorOptions => ({
      label: p.label,
      // Ctrl+0 is the zoom reset: the tenth panel takes Ctrl+Shift+0.
      accelerator: i < 9 ? `CmdOrCtrl+${i + 1}` : `CmdOrCtrl+Shift+${(i + 1) % 10}`,
      click: () => actions.togglePanel(p.id),
    })),
    { label: 'Reset Layout', click: () => actions.resetLayout() },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
    ...(options.packaged
      ? []
      : [{ type: 'separator' } as const, { role: 'reload' } as const, { role: 'toggleDevTools' } as const]),
  ];
  const devices: MenuItemConstructorOptions[] = [
    { label: 'Add Device…', accelerator: 'CmdOrCtrl+Shift+A', click: () => actions.addDevice() },
    { label: 'Discover Devices', accelerator: 'CmdOrCtrl+Shift+D', click: () => actions.discoverDevices() },
  ];
  const help: MenuItemConstructorOptions[] = [
    { label: 'About Sightline', click: () => actions.about() },
    { label: 'Open Logs Folder', click: () => actions.openLogsFolder() },
    { label: 'Open Device File', click: () => actions.openDeviceFile() },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: file },
    { label: 'View', submenu: view },
    { label: 'Devices', submenu: devices },
    { role: 'windowMenu' },
    { role: 'help', submenu: help },
  ];
}

/** The About box's text: what support asks for first. */
export function aboutText(versions: {
  app: string;
  electron?: string;
  chrome?: string;
  node: string;
  v8?: string;
}): string {
  return [
    `Sightline ${versions.app}`,
    versions.electron ? `Electron ${versions.electron}` : null,
    versions.chrome ? `Chromium ${versions.chrome}` : null,
    `Node.js ${versions.node}`,
    versions.v8 ? `V8 ${versions.v8}` : null,
  ]
    .filter(Boolean)
    .join('\n');
}
