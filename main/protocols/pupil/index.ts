/** Pupil Labs Companion (Pupil Invisible, Neon): the kind's descriptor (see ../descriptor.ts). */
import { z } from 'zod';
import { defineKind } from '../descriptor';
import { deviceEntry, port } from '../device-entry';
import { formatHostPort, hostPortFields } from '../host-port';
import { discoverPupil, probePupil, simPupil } from './cli';
import { PupilClient } from './client';
import { startPupilDemo } from './demo';
import { discoverPhones } from './discovery';

export const PupilDeviceSchema = deviceEntry('pupil', {
  port: port.optional(),
  transport: z.enum(['udp', 'tcp']).optional(),
});
export type PupilDeviceConfig = z.infer<typeof PupilDeviceSchema>;

/** The phone's HTTP port (REST and the status WebSocket). */
const HTTP_PORT = 8080;

export const pupil = defineKind({
  kind: 'pupil',
  name: 'Pupil Companion',
  label: 'Pupil Labs Companion',
  entry: PupilDeviceSchema,
  form: {
    address: { address: 'Phone address', example: '192.168.1.30 or 192.168.1.30:8080' },
    defaultPort: HTTP_PORT,
    toEntry: (address) => hostPortFields(address, 'port'),
    addressOf: (entry) => formatHostPort(entry.host, entry.port),
    fields: ['host', 'port'],
  },
  createSource: (entry) =>
    new PupilClient({
      id: entry.id,
      label: entry.label ?? `Pupil Companion @ ${entry.host}`,
      host: entry.host,
      port: entry.port,
      transport: entry.transport,
    }),
  discovery: {
    /** mDNS: the interface address to browse on ('' for the system's choice). */
    lan: '' as string,
    loopback: () => '127.0.0.1',
    through: (_mdns, iface) => iface.address,
    scan: (mdns, listenMs) => [
      {
        what: 'Pupil Companion mDNS discovery',
        run: async () =>
          (await discoverPhones(listenMs, mdns ? { interfaceAddress: mdns } : {})).map((p) => ({
            kind: 'pupil',
            name: p.phoneName || 'Pupil Companion',
            address: `${p.address}:${p.port}`,
            detail: `Companion phone ${p.deviceId}`,
            deviceId: p.deviceId,
          })),
      },
    ],
    identify: (source) => (source instanceof PupilClient ? source.companionState().deviceId : null),
  },
  demo: { key: 'pupil', position: 3, start: startPupilDemo },
  cli: {
    commands: { sim: simPupil, probe: probePupil, discover: discoverPupil },
    usage: `  sim pupil [--invisible|--neon] [--host 127.0.0.1] [--port 8080] [--rtsp-port 8086] [--time-echo-port 12321]
            [--offset-ms 0] [--drift-ppm 0] [--gaze-bytes 9] [--mdns IFACE] [--name NAME]
      run a simulated Pupil Companion phone until stopped
      --lsl: also publish its samples to the Lab Streaming Layer, as serve --lsl does
  probe pupil HOST[:PORT] [--tcp] [--samples N] [--no-video] [--no-gaze] [--timeout MS]
      print the phone's status, then one JSON line per gaze sample and video access unit
  discover pupil [--timeout 3000] [--interface ADDR]
      list the Companion phones announced over mDNS (and those that leave)`,
    summary: 'pupil (Pupil Labs Companion)',
    summaryPosition: 2,
    info: { status: 'supported', families: ['Pupil Invisible', 'Neon'] },
    simDevice: (l) => ({ host: l.host, port: l.port }),
  },
});
