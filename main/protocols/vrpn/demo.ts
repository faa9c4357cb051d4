/**
 * The VRPN part of demo mode: a simulated VRPN server on loopback (one tracker with two sensors at
 * 60 Hz, four buttons, four analog channels and a dial: cheap, and enough to see every panel work)
 * and a real client connected to it, with the Z-up room turned Y-up like a real lab's would be.
 */
import type { Hub } from '../../hub/hub';
import { errorMessage } from '../../hub/hub';
import { VrpnClient } from './client';
import { simulatorDevices, VrpnSimulator } from './simulator';

export const DEMO_VRPN_DEVICE_ID = 'demo-vrpn';

export interface VrpnDemo {
  simulator: VrpnSimulator;
  close(): Promise<void>;
}

/** Starts the simulator and adds its client to the Hub; null (with a notice) if the simulator cannot start. */
export async function startVrpnDemo(hub: Hub): Promise<VrpnDemo | null> {
  const devices = simulatorDevices(1, 2, 60);
  const simulator = new VrpnSimulator({ host: '127.0.0.1', port: 0, ...devices });
  let port: number;
  try {
    ({ port } = await simulator.start());
  } catch (error) {
    hub.notice('error', `demo mode: the simulated VRPN server did not start: ${errorMessage(error)}`);
    return null;
  }
  const client = new VrpnClient({
    id: DEMO_VRPN_DEVICE_ID,
    label: 'VRPN (demo)',
    host: '127.0.0.1',
    port,
    devices: simulator.deviceNames,
    transform: { up: 'z' },
  });
  hub.add(client, { simulated: true });
  try {
    await hub.connect(DEMO_VRPN_DEVICE_ID);
  } catch (error) {
    hub.notice('error', `demo mode: ${errorMessage(error)}`, DEMO_VRPN_DEVICE_ID);
  }
  return { simulator, close: () => simulator.stop() };
}
