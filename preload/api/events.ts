/** Events: main → renderer, JSON, low rate (snapshots, catalogs, notices, session, dashboard, inputs, device events). */
import type { DeviceKindInfo } from '../device-kinds';
import type { CatalogEvent } from './catalog';
import type { DashboardEvent } from './dashboard';
import type { DeviceEventsEvent } from './device-events';
import type { DeviceSnapshot } from './devices';
import type { InputsEvent } from './inputs';
import type { PlaybackState, SessionState } from './recording';

/** What the app's menu asks the page to do (the page owns the panels and the forms). */
export type AppCommand =
  | { name: 'toggle-panel'; panel: string }
  | { name: 'reset-layout' }
  | { name: 'add-device' }
  | { name: 'discover-devices' };

export type LinkEvent =
  | { type: 'kinds'; kinds: DeviceKindInfo[] }
  | { type: 'devices'; devices: DeviceSnapshot[] }
  | { type: 'session'; session: SessionState }
  | { type: 'playback'; playback: PlaybackState | null }
  | CatalogEvent
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; message: string; deviceId?: string }
  | InputsEvent
  | { type: 'app-command'; command: AppCommand }
  | DashboardEvent
  | DeviceEventsEvent;
