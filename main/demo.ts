/**
 * Puts devices into the Hub at start-up, for the Electron app and headless mode alike: the configured
 * devices (main/config.ts), or, with none configured or with --demo, demo mode: a simulated Motive and
 * a simulated Pupil Companion on loopback, each with a real client connected to it, so a new user sees
 * bodies moving and scene video with gaze at once.
 */
import type { Hub } from './hub/hub';
import { errorMessage } from './hub/hub';
import type { Source } from './hub/source';
import { MotiveSimulator } from './protocols/natnet/simulator';
import { NatNetClient } from './protocols/natnet/client';
import { TeleportClient } from './protocols/teleport/client';
import { startTeleportDemo, type TeleportDemo } from './protocols/teleport/demo';
import type { TeleportSimulator } from './protocols/teleport/simulator';
import { PupilClient } from './protocols/pupil/client';
import { startPupilDemo } from './protocols/pupil/demo';
import type { CompanionSimulator } from './protocols/pupil/simulator';
import { loadDeviceConfig, resolveConfigPath, type DeviceConfig } from './config';
import { startVrpnDemo } from './protocols/vrpn/demo';
import { vrpnSourceFor } from './protocols/vrpn/config';
import type { VrpnSimulator } from './protocols/vrpn/simulator';

export interface DeviceSetupOptions {
  /** Demo mode whatever the config says. */
  demo?: boolean;
  /** --config FILE */
  configPath?: string;
  /** Where the config lives when neither --config nor SIGHTLINE_CONFIG says. */
  defaultConfigPath: string;
  env?: NodeJS.ProcessEnv;
  demoBodies?: number;
  demoRateHz?: number;
  /** Passed to every device made from the device file (createSource). */
  sourceDefaults?: SourceDefaults;
}

export interface DeviceSetup {
  mode: 'demo' | 'config';
  /** The config file consulted (null when --demo skipped it). */
  configPath: string | null;
  /** The simulators demo mode runs (for tests and the bench); null outside demo mode or if they failed. */
  demo: {
    motive: MotiveSimulator;
    vrpn?: VrpnSimulator;
    pupil?: CompanionSimulator;
    teleport?: TeleportSimulator;
  } | null;
  /** The device file's valid entries, now in the Hub (config mode). */
  configured?: DeviceConfig[];
  /** Stops what setupDevices started besides the Hub's sources (the demo simulator). Close the Hub first. */
  close(): Promise<void>;
}

export const DEMO_DEVICE_ID = 'demo-motive';

/** What the app's settings add to every device made from the device file. */
export interface SourceDefaults {
  /** The lab interface's address (settings.networkInterface): NatNet joins multicast on it. */
  networkInterface?: string;
}

/** A Source for a configured device, or why not. */
export function createSource(
  config: DeviceConfig,
  defaults: SourceDefaults = {},
): { source: Source } | { unsupported: string } {
  switch (config.kind) {
    case 'natnet':
      return {
        source: new NatNetClient({
          id: config.id,
          label: config.label ?? `Motive @ ${config.host}`,
          host: config.host,
          commandPort: config.commandPort,
          localAddress: config.localAddress,
          multicast: config.multicast,
          // The device's own localAddress, when given, already picks its interface.
          ...(config.localAddress === undefined && defaults.networkInterface
            ? { multicastInterface: defaults.networkInterface }
            : {}),
        }),
      };
    case 'pupil':
      return {
        source: new PupilClient({
          id: config.id,
          label: config.label ?? `Pupil Companion @ ${config.host}`,
          host: config.host,
          port: config.port,
          transport: config.transport,
        }),
      };
    case 'vrpn':
      return { source: vrpnSourceFor(config) };
    case 'teleport':
      return {
        source: new TeleportClient({
          id: config.id,
          label: config.label ?? `Teleport @ ${config.host}`,
          host: config.host,
          discoveryPort: config.port,
        }),
      };
  }
}

export async function setupDevices(hub: Hub, options: DeviceSetupOptions): Promise<DeviceSetup> {
  if (options.demo) return startDemo(hub, options, null);
  const { path, origin } = resolveConfigPath(options.configPath, options.defaultConfigPath, options.env);
  const config = loadDeviceConfig(path, origin);
  for (const n of config.notices) hub.notice(n.level, n.message);
  // An explicit file that could not be read is a mistake to show, not a reason to show simulated data.
  if (!config.found && origin === 'default') return startDemo(hub, options, path);
  if (config.found && config.devices.length === 0 && config.notices.length === 0) return startDemo(hub, options, path);

  for (const device of config.devices) {
    const made = createSource(device, options.sourceDefaults);
    if ('unsupported' in made) {
      hub.notice('warn', made.unsupported, device.id);
      continue;
    }
    hub.add(made.source);
    if (device.enabled === false) continue;
    // Not awaited: a device that is off shows as 'reconnecting' with its reason; start-up goes on.
    hub.connect(device.id).catch(() => {});
  }
  return { mode: 'config', configPath: path, demo: null, configured: config.devices, close: async () => {} };
}

async function startDemo(hub: Hub, options: DeviceSetupOptions, configPath: string | null): Promise<DeviceSetup> {
  const simulator = new MotiveSimulator({
    host: '127.0.0.1',
    commandPort: 0,
    dataPort: 0,
    bodies: options.demoBodies ?? 4,
    rateHz: options.demoRateHz ?? 120,
  });
  let commandPort: number;
  try {
    ({ commandPort } = await simulator.start());
  } catch (error) {
    hub.notice('error', `demo mode: the simulated Motive did not start: ${errorMessage(error)}`);
    return { mode: 'demo', configPath, demo: null, close: async () => {} };
  }
  const client = new NatNetClient({ id: DEMO_DEVICE_ID, label: 'Motive (demo)', host: '127.0.0.1', commandPort });
  hub.add(client, { simulated: true });
  const why = options.demo ? 'started with --demo' : 'no device is configured';
  hub.notice(
    'info',
    `Demo mode (${why}): simulated devices (Motive, Pupil Companion, VRPN, Teleport) are streaming on this computer. Add a real one with Devices › Add device, or see the README.`,
  );
  const teleport: TeleportDemo | null = await startTeleportDemo(hub);
  try {
    await hub.connect(DEMO_DEVICE_ID);
  } catch (error) {
    hub.notice('error', `demo mode: ${errorMessage(error)}`, DEMO_DEVICE_ID);
  }
  const vrpn = await startVrpnDemo(hub);
  const pupil = (await startPupilDemo(hub)) ?? undefined;
  return {
    mode: 'demo',
    configPath,
    demo: {
      motive: simulator,
      ...(vrpn ? { vrpn: vrpn.simulator } : {}),
      pupil,
      ...(teleport ? { teleport: teleport.simulator } : {}),
    },
    close: async () => {
      await simulator.stop();
      await vrpn?.close();
      await pupil?.stop();
      await teleport?.close();
    },
  };
}
