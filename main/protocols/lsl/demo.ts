/**
 * Demo mode's LSL part, only when asked for (`--demo-lsl`, settings `demoLsl`): the `sim lsl` outlets on
 * loopback (OS-picked ports, no discovery responder, so nothing is multicast or broadcast) and two `lsl`
 * devices reading them through our inlet: the EEG-like stream (analog channels) and its marker stream
 * (events). Modest: 8 channels at 250 Hz keep demo mode cheap.
 */
import type { Hub } from '../../hub/hub';
import { errorMessage } from '../../hub/hub';
import type { DemoDevice } from '../descriptor';
import { queryLiteral } from './query';
import { LslSimulator } from './simulator';
import { LslSource } from './source';

export const DEMO_LSL_ID = 'demo-lsl';
export const DEMO_LSL_MARKERS_ID = 'demo-lsl-markers';

export async function startLslDemo(hub: Hub): Promise<DemoDevice<LslSimulator> | null> {
  const simulator = new LslSimulator({
    channels: 8,
    rateHz: 250,
    name: 'DemoEEG',
    sourceIdPrefix: 'sightline-demo',
    outlet: { bindAddress: '127.0.0.1', responderPort: null, dataPort: 0 },
  });
  try {
    await simulator.start();
  } catch (error) {
    hub.notice('error', `demo mode: the simulated LSL outlets did not start: ${errorMessage(error)}`);
    await simulator.stop().catch(() => {});
    return null;
  }
  const devices = [
    { id: DEMO_LSL_ID, label: 'LSL DemoEEG (demo)', outlet: simulator.eeg! },
    { id: DEMO_LSL_MARKERS_ID, label: 'LSL DemoEEG markers (demo)', outlet: simulator.markers! },
  ];
  for (const { id, label, outlet } of devices) {
    const source = new LslSource({
      id,
      label,
      query: `name=${queryLiteral(outlet.info.name)}`,
      // The outlet's own service port on loopback answers the query: no responder, no multicast.
      targets: [{ address: '127.0.0.1', port: outlet.info.v4servicePort }],
      bindAddress: '127.0.0.1',
    });
    hub.add(source, { simulated: true });
    // Not awaited: the other demo devices must not wait for LSL's resolve.
    hub.connect(id).catch((error: unknown) => hub.notice('error', `demo mode: ${errorMessage(error)}`, id));
  }
  return { simulator, deviceIds: devices.map((d) => d.id), close: () => simulator.stop() };
}
