/** `sightline sim|probe vrpn …`: the VRPN side of the command line. */
import { parseArgs } from 'node:util';
import { Hub } from '../../hub/hub';
import { VrpnClient, type VrpnDeviceMessage } from './client';
import { parseDeviceAddress, type DeviceAddress } from './codec';
import { simulatorDevices, VrpnSimulator } from './simulator';
import { type CliIo, parseNumber, printJson, say, untilStopped, UsageError } from '../../cli/output';
import { runProbe } from '../../cli/probe-runner';

export async function simVrpn(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      trackers: { type: 'string' },
      sensors: { type: 'string' },
      rate: { type: 'string' },
    },
    strict: true,
  });
  const devices = simulatorDevices(
    parseNumber(values.trackers, 'trackers', 0, 100) ?? 1,
    parseNumber(values.sensors, 'sensors', 1, 1024) ?? 2,
    parseNumber(values.rate, 'rate', 1, 1000) ?? 60,
  );
  const sim = new VrpnSimulator({
    host: values.host,
    port: parseNumber(values.port, 'port', 0, 65535) ?? 3883,
    ...devices,
  });
  const { port } = await sim.start();
  printJson(io, { type: 'listening', device: 'vrpn', host: values.host, port, devices: sim.deviceNames });
  say(io, `VRPN simulator on ${values.host}:${port} (TCP and UDP): ${sim.deviceNames.join(', ')}. Ctrl+C stops it.`);
  sim.on('connection', (c) =>
    say(io, `connection (${c.mode === 'udp' ? 'UDP request + TCP callback' : 'TCP'}) from ${c.peer}`),
  );
  sim.on('rejected', (why) => say(io, `refused: ${why}`));
  sim.on('text', (t) => say(io, `text from ${t.sender ?? '?'} (severity ${t.severity}): ${t.text}`));
  await untilStopped(signal);
  await sim.stop();
  // What was sent, so a reader can count what it lost (the bench does).
  printJson(io, { type: 'stopped', device: 'vrpn', connections: sim.counters.connections, sent: sim.counters.sent });
  return 0;
}

/** One probe line: like vrpn_print_devices, one message per line. */
export function vrpnMessageLine(m: VrpnDeviceMessage): Record<string, unknown> {
  const { type: _type, ...fields } = m.body as Record<string, unknown>;
  delete fields.pad;
  delete fields.tail;
  return {
    type: 'vrpn',
    device: m.device,
    message: m.type,
    ...fields,
    hostTimeNs: m.hostTimeNs,
    deviceTimeNs: m.deviceHostTimeNs ?? null,
    serverTimeNs: m.deviceTimeNs,
  };
}

export async function probeVrpn(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      messages: { type: 'string' },
      timeout: { type: 'string' },
    },
    strict: true,
  });
  if (positionals.length === 0) {
    throw new UsageError('probe vrpn needs device names, e.g. `sightline probe vrpn Tracker0@tcp://127.0.0.1:3883`');
  }
  let addresses: DeviceAddress[];
  try {
    addresses = positionals.map(parseDeviceAddress);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const limit = parseNumber(values.messages, 'messages', 1, Number.MAX_SAFE_INTEGER);
  const timeoutMs = parseNumber(values.timeout, 'timeout', 100, 600_000);
  return runProbe(io, { limit, signal }, (run) => {
    const onMessage = (m: VrpnDeviceMessage) => void run.print(vrpnMessageLine(m));
    // Names at the same location share one connection, as in mainline.
    const byConnection = new Map<string, DeviceAddress[]>();
    for (const a of addresses) byConnection.set(a.key, [...(byConnection.get(a.key) ?? []), a]);
    const hub = new Hub();
    const clients = [...byConnection.entries()].map(([key, group]) => {
      const first = group[0]!;
      const client = new VrpnClient({
        id: key,
        label: key,
        host: first.host,
        port: first.port,
        tcpOnly: first.tcpOnly,
        devices: group.map((a) => a.name),
        connectTimeoutMs: timeoutMs,
        onMessage,
      });
      client.on('down', (reason) => say(io, `${key}: ${reason}; reconnecting`));
      hub.add(client);
      return client;
    });
    return {
      connect: async () => {
        await Promise.all(clients.map((c) => hub.connect(c.id)));
      },
      connected: () => {
        for (const c of clients) say(io, `connected: ${c.label} (${c.status().peer ?? ''})`);
      },
      close: () => hub.close(),
    };
  });
}
