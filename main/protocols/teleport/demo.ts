/**
 * Teleport in demo mode: a simulated Teleport server on loopback (OS-picked ports, a few nodes at a
 * modest rate, so demo mode stays cheap) and a real Teleport client connected to it through the Hub.
 */
import type { Hub } from '../../hub/hub';
import { errorMessage } from '../../hub/hub';
import { TeleportClient } from './client';
import { TeleportSimulator } from './simulator';

export const DEMO_TELEPORT_ID = 'demo-teleport';

export interface TeleportDemo {
  simulator: TeleportSimulator;
  close(): Promise<void>;
}

export async function startTeleportDemo(hub: Hub): Promise<TeleportDemo | null> {
  const simulator = new TeleportSimulator({
    host: '127.0.0.1',
    discoveryPort: 0,
    servicePort: 0,
    variant: '2022a',
    nodes: 3,
    rateHz: 30,
  });
  let discoveryPort: number;
  try {
    ({ discoveryPort } = await simulator.start());
  } catch (error) {
    hub.notice('error', `demo mode: the simulated Teleport server did not start: ${errorMessage(error)}`);
    return null;
  }
  const client = new TeleportClient({
    id: DEMO_TELEPORT_ID,
    label: 'Teleport (demo)',
    host: '127.0.0.1',
    discoveryPort,
  });
  hub.add(client, { simulated: true });
  // Not awaited: the demo Motive must not wait for the Teleport handshake.
  hub
    .connect(DEMO_TELEPORT_ID)
    .catch((error: unknown) => hub.notice('error', `demo mode: ${errorMessage(error)}`, DEMO_TELEPORT_ID));
  return { simulator, close: () => simulator.stop() };
}
