/** Teleport servers of the ENet era (2022): the kind's descriptor (see ../descriptor.ts). */
import type { z } from 'zod';
import { defineKind } from '../descriptor';
import { deviceEntry, port } from '../device-entry';
import { formatHostPort, hostPortFields } from '../host-port';
import { discoverTeleportCommand, probeTeleport, simTeleport } from './cli';
import { TeleportClient } from './client';
import { startTeleportDemo } from './demo';
import { DEFAULT_DISCOVERY_PORT } from './discovery';
import { scanTeleport } from './discovery-scan';

export const TeleportDeviceSchema = deviceEntry('teleport', { port: port.optional() });
export type TeleportDeviceConfig = z.infer<typeof TeleportDeviceSchema>;

export const teleport = defineKind({
  kind: 'teleport',
  name: 'Teleport',
  label: 'Teleport server',
  entry: TeleportDeviceSchema,
  form: {
    address: { address: 'Server address', example: '192.168.1.50 or 192.168.1.50:10600' },
    defaultPort: DEFAULT_DISCOVERY_PORT,
    toEntry: (address) => hostPortFields(address, 'port'),
    addressOf: (entry) => formatHostPort(entry.host, entry.port),
    fields: ['host', 'port'],
  },
  createSource: (entry) =>
    new TeleportClient({
      id: entry.id,
      label: entry.label ?? `Teleport @ ${entry.host}`,
      host: entry.host,
      discoveryPort: entry.port,
    }),
  discovery: {
    lan: [{ address: '255.255.255.255', port: DEFAULT_DISCOVERY_PORT }],
    loopback: (extra) => [{ address: '127.0.0.1', port: DEFAULT_DISCOVERY_PORT }, ...extra],
    through: (targets, iface) => targets.map((t) => ({ ...t, address: iface.broadcast, localAddress: iface.address })),
    scan: (targets, listenMs, context) => scanTeleport(targets, listenMs, context),
  },
  // Its client connects in the background: the other demo devices do not wait for its handshake.
  demo: { key: 'teleport', position: 1, start: startTeleportDemo },
  cli: {
    commands: { sim: simTeleport, probe: probeTeleport, discover: discoverTeleportCommand },
    usage: `  sim teleport [--host 127.0.0.1] [--discovery-port 10600] [--service-port 10500] [--variant 2022a|2022b]
               [--nodes 4] [--rate 30] [--idle-timeout 13000]
      run a simulated Teleport server (ENet era, 2022) until stopped
      --lsl: also publish its samples to the Lab Streaming Layer, as serve --lsl does
  probe teleport [HOST] [--discovery-port 10600] [--updates N] [--timeout MS] [--id-width 4|8]
      discover, connect, print the Setup as one JSON line, then one line per node update
  discover teleport [--host 255.255.255.255] [--port 10600] [--timeout 1000] [--id-width 4|8] [--local ADDR]
      list the Teleport servers that answer discovery`,
    summary: 'teleport (Teleport servers, ENet era)',
    info: { status: 'supported', versions: ['2022a', '2022b'] },
    simDevice: (l) => ({ host: l.host, port: l.discoveryPort }),
  },
  panel: { searchesFirst: true },
});
