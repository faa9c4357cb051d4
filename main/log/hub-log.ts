/**
 * What the log keeps of the Hub: every notice, and every change of a device's connection state with
 * its reason. Health ticks are not logged (twice a second would drown the file); changes are.
 */
import type { DeviceSnapshot } from '../../preload/api';
import type { Hub, Notice } from '../hub/hub';
import type { RotatingLog } from './rotating-log';

export function logHub(hub: Hub, log: RotatingLog): () => void {
  const lastState = new Map<string, string>();
  const onNotice = (n: Notice): void => {
    log.write(n.level, n.deviceId ? `${n.deviceId}: ${n.message}` : n.message);
  };
  const onDevices = (devices: DeviceSnapshot[]): void => {
    for (const d of devices) {
      const state = d.health.state;
      if (lastState.get(d.id) === state) continue;
      lastState.set(d.id, state);
      log.info(`${d.id}: ${state}${d.health.lastError && state !== 'streaming' ? ` (${d.health.lastError})` : ''}`);
    }
  };
  hub.on('notice', onNotice);
  hub.on('devices', onDevices);
  return () => {
    hub.off('notice', onNotice);
    hub.off('devices', onDevices);
  };
}
