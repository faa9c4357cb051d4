/**
 * The lab network interface the operator chose (settings: networkInterface, an IPv4 address of this
 * computer). On a PC with several networks (the building's, the mocap switch, Wi-Fi) the system's
 * default route is often the wrong one: NatNet joins its multicast group on this interface, and device
 * discovery (NatNet and Teleport broadcasts, mDNS) goes out on it. Unset: the system's choice.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface LabInterface {
  address: string;
  /** The system's name for it (eth1, "Ethernet 2", en0). */
  name: string;
  /** Its subnet's broadcast address (discovery broadcasts go there, so they leave by this interface). */
  broadcast: string;
}

export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** The chosen interface, or null (system's choice) with the reason when it is not on this computer. */
export function resolveLabInterface(
  address: string | undefined,
  table: InterfaceTable = networkInterfaces(),
): { iface: LabInterface | null; message?: string } {
  if (!address) return { iface: null };
  const present: string[] = [];
  for (const [name, infos] of Object.entries(table)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4') continue;
      present.push(`${name} ${info.address}`);
      if (info.address === address) return { iface: { address, name, broadcast: broadcastOf(address, info.netmask) } };
    }
  }
  return {
    iface: null,
    message: `The network interface chosen in the settings (${address}) is not on this computer (${present.join(', ') || 'no IPv4 interface'}): multicast and discovery use the system's choice.`,
  };
}

export function broadcastOf(address: string, netmask: string): string {
  const a = address.split('.').map(Number);
  const m = netmask.split('.').map(Number);
  return a.map((octet, i) => (octet & m[i]!) | (~m[i]! & 255)).join('.');
}

/** How the device card names it: "eth1 192.168.10.5". */
export function describeLabInterface(iface: LabInterface): string {
  return `${iface.name} ${iface.address}`;
}
