/** A VRPN client for an entry of the device file (main/config.ts, kind "vrpn"). */
import type { VrpnDeviceConfig } from '../../config';
import { VrpnClient } from './client';

export function vrpnSourceFor(config: VrpnDeviceConfig): VrpnClient {
  const port = config.port ?? 3883;
  return new VrpnClient({
    id: config.id,
    label: config.label ?? `VRPN @ ${config.host}:${port}`,
    host: config.host,
    port,
    devices: config.trackers ?? [],
    tcpOnly: config.tcpOnly ?? true,
    localAddress: config.localAddress,
    transform: config.transform,
  });
}
