/** VRPN servers (trackers, buttons, analogs, dials): the kind's descriptor (see ../descriptor.ts). */
import { z } from 'zod';
import { defineKind } from '../descriptor';
import { deviceEntry, port } from '../device-entry';
import { formatHostPort, hostPortFields } from '../host-port';
import { probeVrpn, simVrpn } from './cli';
import { VrpnClient } from './client';
import { startVrpnDemo } from './demo';

const finite = z.number().finite();

export const VrpnDeviceSchema = deviceEntry('vrpn', {
  port: port.optional(),
  /** VRPN device names on that server (trackers, buttons, analogs, dials); none: every device it has. */
  trackers: z.array(z.string().min(1).max(95)).max(64).optional(),
  /** Default true. false: mainline's UDP connection request + TCP callback (data by UDP; no NAT). */
  tcpOnly: z.boolean().optional(),
  localAddress: z.string().min(1).max(64).optional(),
  /** From the server's room into the scene: { "up": "z" } for Z-up rooms. */
  transform: z
    .object({
      up: z.enum(['y', 'z']),
      scale: finite.positive().max(1000).optional(),
      offset: z.tuple([finite, finite, finite]).optional(),
    })
    .strict()
    .optional(),
});
export type VrpnDeviceConfig = z.infer<typeof VrpnDeviceSchema>;

const VRPN_PORT = 3883;
/** VRPN sender names: no '@' (it separates the host), ',' (it separates names), spaces or control characters. */
const VRPN_NAME = /^[^@,\s\u0000-\u001f]{1,95}$/;

/** Device@host[:port], several devices as Tracker0,Button0@host → the entry's fields. */
function vrpnEntry(address: string): { fields: { host: string } & Record<string, unknown> } | { error: string } {
  const at = address.trim().lastIndexOf('@');
  if (at <= 0) return { error: 'a VRPN address names the device before the host: Device@host' };
  const trackers = address.trim().slice(0, at).split(',');
  const wrong = trackers.find((d) => !VRPN_NAME.test(d));
  if (wrong !== undefined) return { error: `"${wrong.slice(0, 64)}" is not a VRPN device name` };
  const made = hostPortFields(address.trim().slice(at + 1), 'port');
  return 'error' in made ? made : { fields: { ...made.fields, trackers } };
}

export function vrpnSourceFor(entry: VrpnDeviceConfig): VrpnClient {
  const serverPort = entry.port ?? VRPN_PORT;
  return new VrpnClient({
    id: entry.id,
    label: entry.label ?? `VRPN @ ${entry.host}:${serverPort}`,
    host: entry.host,
    port: serverPort,
    devices: entry.trackers ?? [],
    tcpOnly: entry.tcpOnly ?? true,
    localAddress: entry.localAddress,
    transform: entry.transform,
  });
}

export const vrpn = defineKind({
  kind: 'vrpn',
  name: 'VRPN',
  label: 'VRPN server',
  entry: VrpnDeviceSchema,
  form: {
    address: {
      address: 'Device@host',
      example: 'Tracker0@192.168.1.40 or Tracker0@192.168.1.40:3883',
      namesDevices: true,
      check: { pattern: '@', message: 'a VRPN address is Device@host' },
    },
    defaultPort: VRPN_PORT,
    toEntry: vrpnEntry,
    addressOf: (entry) => {
      const at = formatHostPort(entry.host, entry.port);
      return entry.trackers?.length ? `${entry.trackers.join(',')}@${at}` : at;
    },
    fields: ['host', 'port', 'trackers'],
  },
  createSource: vrpnSourceFor,
  demo: { key: 'vrpn', position: 2, start: startVrpnDemo },
  cli: {
    commands: { sim: simVrpn, probe: probeVrpn },
    usage: `  sim vrpn [--host 127.0.0.1] [--port 3883] [--trackers 1] [--sensors 2] [--rate 60]
      run a simulated VRPN server (Tracker0…, Button0, Analog0, Dial0) until stopped
      --lsl: also publish its samples to the Lab Streaming Layer, as serve --lsl does
  probe vrpn DEVICE@[tcp://]HOST[:PORT] [more devices] [--messages N] [--timeout MS]
      connect and print one JSON line per VRPN message until stopped or N messages`,
    summary: 'vrpn (any VRPN server)',
    summaryPosition: 1,
    info: { status: 'supported', versions: ['07.x (cookie major 07)'] },
    simDevice: (l) => ({ host: l.host, port: l.port, trackers: l.devices }),
  },
});
