/** OptiTrack Motive over NatNet: the kind's descriptor, its one public face (see ../descriptor.ts). */
import { z } from 'zod';
import { defineKind } from '../descriptor';
import { deviceEntry, port } from '../device-entry';
import { formatHostPort, hostPortFields } from '../host-port';
import { decodeNatNet, discoverNatNet, probeNatNet, simNatNet } from './cli';
import { NatNetClient } from './client';
import { startNatNetDemo } from './demo';
import { discoverMotive } from './discovery';
import { natnetRawHandOff, natnetRawMapping } from './recording-raw';

export const NatNetDeviceSchema = deviceEntry('natnet', {
  commandPort: port.optional(),
  localAddress: z.string().min(1).max(64).optional(),
  multicast: z.boolean().optional(),
});
export type NatNetDeviceConfig = z.infer<typeof NatNetDeviceSchema>;

/** Motive's command port, where it answers discovery and commands. */
const COMMAND_PORT = 1510;

export const natnet = defineKind({
  kind: 'natnet',
  name: 'Motive',
  label: 'OptiTrack Motive (NatNet)',
  entry: NatNetDeviceSchema,
  form: {
    address: { address: 'Motive address', example: '192.168.1.20 or 192.168.1.20:1510' },
    defaultPort: COMMAND_PORT,
    toEntry: (address) => hostPortFields(address, 'commandPort'),
    addressOf: (entry) => formatHostPort(entry.host, entry.commandPort),
    fields: ['host', 'commandPort'],
    idPrefix: 'motive',
  },
  createSource: (entry, defaults = {}) =>
    new NatNetClient({
      id: entry.id,
      label: entry.label ?? `Motive @ ${entry.host}`,
      host: entry.host,
      commandPort: entry.commandPort,
      localAddress: entry.localAddress,
      multicast: entry.multicast,
      // The device's own localAddress, when given, already picks its interface.
      ...(entry.localAddress === undefined && defaults.networkInterface
        ? { multicastInterface: defaults.networkInterface }
        : {}),
    }),
  discovery: {
    lan: [{ address: '255.255.255.255', port: COMMAND_PORT }],
    loopback: (extra) => [{ address: '127.0.0.1', port: COMMAND_PORT }, ...extra],
    through: (targets, iface) => targets.map((t) => ({ ...t, address: iface.broadcast, localAddress: iface.address })),
    scan: (targets, listenMs) =>
      targets.map((t) => ({
        what: `Motive discovery on ${t.address}:${t.port}`,
        run: async () =>
          (
            await discoverMotive({
              broadcastAddress: t.address,
              port: t.port,
              timeoutMs: listenMs,
              localAddress: t.localAddress,
            })
          ).map((s) => ({
            kind: 'natnet',
            name: s.name || 'Motive',
            address: `${s.address}:${s.commandPort}`,
            detail: `${s.name || 'Motive'} ${s.appVersion}, NatNet ${s.natnetVersion}`,
          })),
      })),
  },
  demo: { key: 'motive', position: 0, start: startNatNetDemo },
  cli: {
    commands: { sim: simNatNet, probe: probeNatNet, decode: decodeNatNet, discover: discoverNatNet },
    usage: `  sim natnet [--host 127.0.0.1] [--port 1510] [--data-port 1511] [--bodies 3] [--rate 120]
             [--bitstream 4.1] [--multicast] [--group 239.255.42.99]
      run a simulated OptiTrack Motive until stopped
      --lsl: also publish its samples to the Lab Streaming Layer, as serve --lsl does
  probe natnet HOST [--port 1510] [--frames N] [--local ADDR] [--multicast] [--bitstream X] [--timeout MS]
      connect and print one JSON line per frame until stopped or N frames
  decode natnet FILE.pcap|FILE.pcapng [--bitstream X]
      print the same JSON lines for every NatNet frame in a capture
  discover natnet [--broadcast 255.255.255.255] [--port 1510] [--timeout 1000] [--local ADDR]
      list the Motive servers that answer a discovery broadcast`,
    summary: 'natnet (OptiTrack Motive)',
    info: { status: 'supported', versions: ['2.5', '2.6', '2.7', '2.9', '3.0', '3.1', '4.0', '4.1', '4.2'] },
    simDevice: (l) => ({ host: l.host, commandPort: l.commandPort }),
  },
  recording: { raw: natnetRawMapping, handOff: natnetRawHandOff },
});
