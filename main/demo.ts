/**
 * Puts devices into the Hub at start-up, for the Electron app and headless mode alike: the configured
 * devices (main/config.ts), or, with none configured or with --demo, demo mode: every kind's demo
 * device (its descriptor's demo: a simulator on loopback and a real client connected to it), so a new
 * user sees bodies moving, scene video with gaze and live health at once.
 */
import type { Hub } from './hub/hub';
import { loadDeviceConfig, resolveConfigPath, type DeviceConfig } from './config';
import type { DemoDevice, KindDemo, SourceDefaults } from './protocols/descriptor';
import { kinds, type RegisteredKind } from './protocols/registry';

/** Demo mode's simulators by their demo key (motive, pupil, vrpn, teleport…), typed from the registry. */
export type DemoSimulators = {
  [D in RegisteredKind as NonNullable<D['demo']>['key']]?: NonNullable<D['demo']> extends KindDemo<infer S> ? S : never;
};

export interface DeviceSetupOptions {
  /** true: demo mode whatever the config says; false: never (not even with no device); absent: with no device. */
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
  /** Demo keys of opt-in demo devices to start too (`lsl` for --demo-lsl). */
  demoOptIn?: readonly string[];
}

export interface DeviceSetup {
  mode: 'demo' | 'config';
  /** The config file consulted (null when --demo skipped it). */
  configPath: string | null;
  /** The simulators demo mode runs (for tests and the bench); null outside demo mode or if they failed. */
  demo: DemoSimulators | null;
  /** The device file's valid entries, now in the Hub (config mode). */
  configured?: DeviceConfig[];
  /**
   * Starts or stops an opt-in demo (`lsl`: the Preferences' demo LSL streams) while demo mode runs; its
   * devices join or leave the Hub. Nothing outside demo mode.
   */
  setOptIn(key: string, on: boolean): Promise<void>;
  /** Stops what setupDevices started besides the Hub's sources (the demo simulators). Close the Hub first. */
  close(): Promise<void>;
}

export async function setupDevices(hub: Hub, options: DeviceSetupOptions): Promise<DeviceSetup> {
  if (options.demo) return startDemo(hub, options, null);
  const { path, origin } = resolveConfigPath(options.configPath, options.defaultConfigPath, options.env);
  const config = loadDeviceConfig(path, origin);
  for (const n of config.notices) hub.notice(n.level, n.message);
  // An explicit file that could not be read is a mistake to show, not a reason to show simulated data.
  // The operator may have turned demo mode at start off (preferences): then an empty list stays empty.
  const autoDemo = options.demo !== false;
  if (autoDemo && !config.found && origin === 'default') return startDemo(hub, options, path);
  if (autoDemo && config.found && config.devices.length === 0 && config.notices.length === 0)
    return startDemo(hub, options, path);

  for (const device of config.devices) {
    const descriptor = kinds().get(device.kind);
    if (!descriptor) {
      hub.notice('warn', `${device.id}: this build has no ${JSON.stringify(device.kind)} devices`, device.id);
      continue;
    }
    hub.add(descriptor.createSource(device, options.sourceDefaults));
    if (device.enabled === false) continue;
    // Not awaited: a device that is off shows as 'reconnecting' with its reason; start-up goes on.
    hub.connect(device.id).catch(() => {});
  }
  return {
    mode: 'config',
    configPath: path,
    demo: null,
    configured: config.devices,
    setOptIn: async () => {},
    close: async () => {},
  };
}

async function startDemo(hub: Hub, options: DeviceSetupOptions, configPath: string | null): Promise<DeviceSetup> {
  const wanted = (demo: KindDemo | undefined): demo is KindDemo =>
    demo !== undefined && (!demo.optIn || (options.demoOptIn ?? []).includes(demo.key));
  const demos = kinds()
    .all.flatMap((d, index) => (wanted(d.demo) ? [{ demo: d.demo, order: d.demo.position ?? index }] : []))
    .sort((a, b) => a.order - b.order);
  const why = options.demo ? 'started with --demo' : 'no device is configured';
  const names = kinds()
    .all.filter((d) => wanted(d.demo))
    .map((d) => d.name);
  hub.notice(
    'info',
    `Demo mode (${why}): simulated devices (${names.join(', ')}) are streaming on this computer. Add a real one with Devices › Add device, or see the README.`,
  );
  // One after another: the device list keeps the demo's order.
  const started: { key: string; device: DemoDevice }[] = [];
  for (const { demo } of demos) {
    const device = await demo.start(hub, options);
    if (device) started.push({ key: demo.key, device });
  }
  const simulators: Record<string, unknown> = Object.fromEntries(started.map((s) => [s.key, s.device.simulator]));
  let closed = false;
  // One change at a time: a quick on-off-on from the dialog ends as the last one asked.
  let changing: Promise<void> = Promise.resolve();
  const setOptIn = (key: string, on: boolean): Promise<void> => {
    changing = changing.then(async () => {
      const running = started.find((s) => s.key === key);
      if (closed || on === (running !== undefined)) return;
      if (running) {
        started.splice(started.indexOf(running), 1);
        delete simulators[key];
        for (const id of running.device.deviceIds ?? []) await hub.remove(id).catch(() => {});
        await running.device.close();
        return;
      }
      const demo = kinds().all.find((d) => d.demo?.optIn && d.demo.key === key)?.demo;
      const device = demo ? await demo.start(hub, options) : null;
      if (!device) return;
      if (closed) return void (await device.close());
      started.push({ key, device });
      simulators[key] = device.simulator;
    });
    return changing;
  };
  return {
    mode: 'demo',
    configPath,
    demo: simulators as DemoSimulators,
    setOptIn,
    close: async () => {
      closed = true;
      await changing;
      for (const { device } of started) await device.close();
    },
  };
}
