/**
 * Demo mode's Pupil part: a simulated Pupil Invisible Companion on loopback (OS-picked ports, no
 * mDNS) and a real PupilClient connected to it, so `npm start` shows scene video with gaze at once.
 */
import type { Hub } from '../../hub/hub';
import { errorMessage } from '../../hub/hub';
import type { DemoDevice } from '../descriptor';
import { PupilClient } from './client';
import { CompanionSimulator } from './simulator';

export const DEMO_PUPIL_ID = 'demo-pupil';

export async function startPupilDemo(hub: Hub): Promise<DemoDevice<CompanionSimulator> | null> {
  const simulator = new CompanionSimulator({ host: '127.0.0.1', port: 0, rtspPort: 0, timeEchoPort: 0 });
  let port: number;
  try {
    ({ port } = await simulator.start());
  } catch (error) {
    hub.notice('error', `demo mode: the simulated Pupil Companion did not start: ${errorMessage(error)}`);
    await simulator.stop().catch(() => {});
    return null;
  }
  const client = new PupilClient({ id: DEMO_PUPIL_ID, label: 'Pupil Invisible (demo)', host: '127.0.0.1', port });
  hub.add(client, { simulated: true });
  try {
    await hub.connect(DEMO_PUPIL_ID);
  } catch (error) {
    hub.notice('error', `demo mode: ${errorMessage(error)}`, DEMO_PUPIL_ID);
  }
  return { simulator, close: () => simulator.stop() };
}
