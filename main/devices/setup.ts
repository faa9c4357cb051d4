/**
 * Wires the dashboard (device manager, discovery, rate history, alerts) onto a Hub, the same way for
 * the Electron app and headless mode.
 */
import type { DeviceConfig } from '../config';
import type { SourceDefaults } from '../protocols/descriptor';
import type { Hub } from '../hub/hub';
import { Dashboard, type DashboardOptions } from './dashboard';
import { DeviceFileWriter } from './device-file';
import { DeviceManager } from './device-manager';
import { DiscoveryService, type DiscoveryServiceOptions, type DiscoveryTargets } from './discovery-service';

export interface DashboardSetupOptions extends DashboardOptions {
  /** The device file the app writes (the one it read); null: changes last for the session only. */
  deviceFile: string | null;
  /** The devices read from it that are in the Hub. */
  configured?: readonly DeviceConfig[];
  /** null: no discovery. */
  discovery: DiscoveryTargets | null;
  discoveryOptions?: Omit<DiscoveryServiceOptions, 'onProblem'>;
  /** For devices added from the device list (the same as the device file's get). */
  sourceDefaults?: SourceDefaults;
}

export interface DashboardSetup {
  dashboard: Dashboard;
  close(): Promise<void>;
}

export function startDashboard(hub: Hub, options: DashboardSetupOptions): DashboardSetup {
  const writer = options.deviceFile ? new DeviceFileWriter(options.deviceFile) : null;
  const manager = new DeviceManager(hub, writer, options.configured ?? [], options.sourceDefaults);
  const discovery = options.discovery
    ? new DiscoveryService(options.discovery, {
        ...options.discoveryOptions,
        onProblem: (message) => hub.notice('warn', message),
      })
    : null;
  const dashboard = new Dashboard(hub, manager, discovery, options);
  discovery?.start();
  return {
    dashboard,
    close: async () => {
      dashboard.close();
      await discovery?.close();
    },
  };
}
