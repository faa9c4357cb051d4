/**
 * Demo mode's Motive: a simulated Motive on loopback (OS-picked ports) and a real NatNet client
 * connected to it through the Hub, so a new user sees bodies moving at once.
 */
import type { Hub } from '../../hub/hub';
import { errorMessage } from '../../hub/hub';
import type { DemoDevice, DemoOptions } from '../descriptor';
import { NatNetClient } from './client';
import { MotiveSimulator } from './simulator';

export const DEMO_DEVICE_ID = 'demo-motive';

export async function startNatNetDemo(hub: Hub, options: DemoOptions): Promise<DemoDevice<MotiveSimulator> | null> {
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
    return null;
  }
  const client = new NatNetClient({ id: DEMO_DEVICE_ID, label: 'Motive (demo)', host: '127.0.0.1', commandPort });
  hub.add(client, { simulated: true });
  try {
    await hub.connect(DEMO_DEVICE_ID);
  } catch (error) {
    hub.notice('error', `demo mode: ${errorMessage(error)}`, DEMO_DEVICE_ID);
  }
  return { simulator, close: () => simulator.stop() };
}
