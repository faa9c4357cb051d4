/** `sightline sim|probe|discover teleport …`: the Teleport (ENet era, 2022) side of the command line. */
import { parseArgs } from 'node:util';
import { TeleportClient } from './client';
import type { MovementUpdate, TeleportVariant } from './codec';
import { DEFAULT_DISCOVERY_PORT, DEFAULT_SERVICE_PORT, discoverTeleport } from './discovery';
import { TeleportSimulator } from './simulator';
import { type CliIo, parseNumber, printJson, say, untilStopped, UsageError } from '../../cli/output';
import { runProbe } from '../../cli/probe-runner';

function variant(text: string | undefined): TeleportVariant | undefined {
  if (text === undefined) return undefined;
  if (text !== '2022a' && text !== '2022b') throw new UsageError('--variant must be 2022a or 2022b');
  return text;
}

function idWidth(text: string | undefined): 4 | 8 | undefined {
  if (text === undefined) return undefined;
  if (text !== '4' && text !== '8') throw new UsageError('--id-width must be 4 or 8');
  return text === '4' ? 4 : 8;
}

export async function simTeleport(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      'discovery-port': { type: 'string' },
      'service-port': { type: 'string' },
      variant: { type: 'string' },
      nodes: { type: 'string' },
      rate: { type: 'string' },
      'idle-timeout': { type: 'string' },
    },
    strict: true,
  });
  const sim = new TeleportSimulator({
    host: values.host,
    discoveryPort: parseNumber(values['discovery-port'], 'discovery-port', 0, 65535) ?? DEFAULT_DISCOVERY_PORT,
    servicePort: parseNumber(values['service-port'], 'service-port', 0, 65535) ?? DEFAULT_SERVICE_PORT,
    variant: variant(values.variant),
    nodes: parseNumber(values.nodes, 'nodes', 0, 1000),
    rateHz: parseNumber(values.rate, 'rate', 1, 1000),
    idleTimeoutMs: parseNumber(values['idle-timeout'], 'idle-timeout', 100, 3_600_000),
  });
  const ports = await sim.start();
  printJson(io, { type: 'listening', device: 'teleport', host: values.host, ...ports, variant: sim.variant });
  say(
    io,
    `Teleport simulator (${sim.variant}) on ${values.host}: discovery port ${ports.discoveryPort}, ENet service port ${ports.servicePort}. Ctrl+C stops it.`,
  );
  sim.on('log', (line) => say(io, line));
  await untilStopped(signal);
  await sim.stop();
  return 0;
}

export async function probeTeleport(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'discovery-port': { type: 'string' },
      updates: { type: 'string' },
      timeout: { type: 'string' },
      'id-width': { type: 'string' },
    },
    strict: true,
  });
  const host = positionals[0] ?? '255.255.255.255';
  const limit = parseNumber(values.updates, 'updates', 1, Number.MAX_SAFE_INTEGER);
  const client = new TeleportClient({
    host,
    discoveryPort: parseNumber(values['discovery-port'], 'discovery-port', 1, 65535),
    connectTimeoutMs: parseNumber(values.timeout, 'timeout', 100, 600_000),
    idWidth: idWidth(values['id-width']),
  });
  return runProbe(io, { limit, signal }, (run) => {
    let setupPrinted = false;
    client.on('status', () => {
      const state = client.teleportState();
      if (setupPrinted || !state.setup) return;
      setupPrinted = true;
      printJson(io, {
        type: 'setup',
        device: 'teleport',
        variant: state.variant,
        server: state.serverAddress,
        servicePort: state.servicePort,
        clientId: state.clientId,
        setup: state.setup,
      });
    });
    client.on('sample', (s) => {
      if (s.kind !== 'poses' || run.stopped || !Array.isArray(s.raw)) return;
      const visible = new Map(client.teleportState().nodes.map((n) => [n.uid, n.visible]));
      for (const u of s.raw as MovementUpdate[]) {
        const more = run.print({
          type: 'node',
          device: 'teleport',
          node: u.nodeId,
          hostTimeNs: s.hostTimeNs,
          timestampUnixMs: u.timestampUnixMs,
          visible: visible.get(u.nodeId) ?? false,
          position: u.position,
          quaternion: u.rotation,
        });
        if (!more) return;
      }
    });
    client.on('down', (reason) => {
      say(io, `lost the Teleport server: ${reason}`);
      run.stop();
    });
    return {
      connect: () => client.connect(),
      connected: () => say(io, `connected: ${client.status().peer ?? ''}`),
      exitCode: () => {
        const lost = client.teleportState().shutdownReceived || client.status().lastError !== undefined;
        return lost && (limit === undefined || run.printed < limit) ? 1 : 0;
      },
      close: () => client.close(),
    };
  });
}

export async function discoverTeleportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '255.255.255.255' },
      port: { type: 'string' },
      timeout: { type: 'string' },
      local: { type: 'string' },
      'id-width': { type: 'string' },
    },
    strict: true,
  });
  const servers = await discoverTeleport({
    host: values.host,
    port: parseNumber(values.port, 'port', 1, 65535) ?? DEFAULT_DISCOVERY_PORT,
    timeoutMs: parseNumber(values.timeout, 'timeout', 50, 60_000) ?? 1000,
    localAddress: values.local,
    idWidth: idWidth(values['id-width']),
  });
  for (const s of servers) {
    printJson(io, {
      type: 'server',
      device: 'teleport',
      address: s.address,
      servicePort: s.servicePort,
      clientId: s.clientId.toString(),
      replyMs: Math.round(s.replyMs * 10) / 10,
    });
  }
  say(io, `${servers.length} Teleport server(s) answered`);
  return 0;
}
