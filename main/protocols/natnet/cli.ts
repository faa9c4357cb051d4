/** `sightline sim|probe|decode|discover natnet …`: the NatNet side of the command line. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { NatNetClient } from './client';
import { decodeMessage, formatVersion, parseVersion, versionAtLeast, frameFlags } from './codec';
import { discoverMotive } from './discovery';
import { MotiveSimulator } from './simulator';
import type { DataDescription, FrameOfData, Version4 } from './types';
import { MessageId } from './types';
import { readPcapUdp } from '../../net/pcap';
import { frameLine } from '../../cli/frame-line';
import { type CliIo, parseNumber, printJson, say, untilStopped, UsageError } from '../../cli/output';
import { runProbe } from '../../cli/probe-runner';

function version(text: string | undefined): Version4 | undefined {
  if (text === undefined) return undefined;
  try {
    return parseVersion(text);
  } catch {
    throw new UsageError(`--bitstream must look like 4.1 (got ${JSON.stringify(text)})`);
  }
}

export async function simNatNet(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      'data-port': { type: 'string' },
      bodies: { type: 'string' },
      rate: { type: 'string' },
      bitstream: { type: 'string' },
      multicast: { type: 'boolean', default: false },
      group: { type: 'string', default: '239.255.42.99' },
    },
    strict: true,
  });
  const sim = new MotiveSimulator({
    host: values.host,
    commandPort: parseNumber(values.port, 'port', 0, 65535) ?? 1510,
    dataPort: parseNumber(values['data-port'], 'data-port', 0, 65535) ?? 1511,
    bodies: parseNumber(values.bodies, 'bodies', 0, 1000),
    rateHz: parseNumber(values.rate, 'rate', 1, 1000),
    bitstream: version(values.bitstream),
    multicast: values.multicast ? { group: values.group, interfaceAddress: values.host } : false,
  });
  const ports = await sim.start();
  printJson(io, {
    type: 'listening',
    device: 'natnet',
    host: values.host,
    ...ports,
    multicast: values.multicast ? values.group : null,
  });
  say(
    io,
    `Motive simulator on ${values.host}: command port ${ports.commandPort}, data port ${ports.dataPort}. Ctrl+C stops it.`,
  );
  sim.on('command', (command: string) => say(io, `command: ${command}`));
  await untilStopped(signal);
  await sim.stop();
  return 0;
}

export async function probeNatNet(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      frames: { type: 'string' },
      local: { type: 'string' },
      multicast: { type: 'boolean' },
      bitstream: { type: 'string' },
      timeout: { type: 'string' },
    },
    strict: true,
  });
  const host = positionals[0];
  if (!host) throw new UsageError('probe natnet needs the Motive host, e.g. `sightline probe natnet 192.168.1.20`');
  const limit = parseNumber(values.frames, 'frames', 1, Number.MAX_SAFE_INTEGER);
  const client = new NatNetClient({
    host,
    commandPort: parseNumber(values.port, 'port', 1, 65535) ?? 1510,
    localAddress: values.local,
    multicast: values.multicast,
    requestBitstream: version(values.bitstream),
    connectTimeoutMs: parseNumber(values.timeout, 'timeout', 100, 600_000),
  });
  const names = new Map<number, string>();
  return runProbe(io, { limit, signal }, (run) => {
    client.on('catalog', (c) => {
      names.clear();
      for (const b of c.bodies) names.set(b.id, b.name);
    });
    client.on('sample', (s) => {
      if (s.kind !== 'poses') return;
      run.print(frameLine('natnet', s.frameNumber, s.hostTimeNs, s.deviceTimeNs, s.recording, s.bodies, names));
    });
    client.on('down', (reason) => {
      say(io, `lost Motive: ${reason}; reconnecting`);
      void reconnect();
    });
    const reconnect = async () => {
      for (let attempt = 0; !run.stopped; attempt++) {
        await client.close();
        try {
          await client.connect();
          say(io, 'reconnected');
          return;
        } catch (e) {
          say(io, `reconnect failed: ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
        }
      }
    };
    return {
      connect: () => client.connect(),
      connected: () => {
        const info = client.serverInfo;
        if (info)
          say(
            io,
            `connected to ${info.name} ${formatVersion(info.appVersion)}, NatNet ${formatVersion(client.bitstream)}`,
          );
      },
      close: () => client.close(),
    };
  });
}

/** Tries bitstreams newest first until one decodes the frame exactly; captures rarely hold the ServerInfo. */
const GUESSES: Version4[] = [
  [4, 1, 0, 0],
  [4, 0, 0, 0],
  [3, 0, 0, 0],
  [2, 9, 0, 0],
  [2, 7, 0, 0],
  [2, 6, 0, 0],
  [2, 5, 0, 0],
];

export async function decodeNatNet(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { bitstream: { type: 'string' } },
    strict: true,
  });
  const file = positionals[0];
  if (!file) throw new UsageError('decode natnet needs a capture file (.pcap or .pcapng)');
  let bitstream = version(values.bitstream);
  const fixed = bitstream !== undefined;
  const bytes = new Uint8Array(await readFile(file));
  const names = new Map<number, string>();
  let frames = 0;
  let malformed = 0;
  for (const udp of readPcapUdp(bytes)) {
    const d = udp.payload;
    if (d.length < 4) continue;
    const id = d[0]! | (d[1]! << 8);
    if (id === MessageId.ServerInfo && !fixed) {
      try {
        const m = decodeMessage(d, [3, 0, 0, 0]);
        if (m.type === 'serverInfo') bitstream = m.server.natnetVersion;
      } catch {
        malformed++;
      }
      continue;
    }
    if (id !== MessageId.FrameOfData && id !== MessageId.ModelDef) continue;
    const candidates: Version4[] = bitstream ? [bitstream] : GUESSES;
    let decoded: { frame?: FrameOfData; descriptions?: DataDescription[]; version: Version4 } | undefined;
    for (const v of candidates) {
      try {
        const m = decodeMessage(d, v);
        if (m.type === 'frameOfData') decoded = { frame: m.frame, version: v };
        else if (m.type === 'modelDef') decoded = { descriptions: m.descriptions, version: v };
        break;
      } catch {
        // try the next version
      }
    }
    if (!decoded) {
      malformed++;
      continue;
    }
    if (!bitstream && decoded.frame) bitstream = decoded.version;
    if (decoded.descriptions) {
      for (const desc of decoded.descriptions) if (desc.type === 'rigidBody') names.set(desc.id, desc.name);
      continue;
    }
    const f = decoded.frame!;
    const hasParams = versionAtLeast(decoded.version, 2, 6);
    printJson(
      io,
      frameLine(
        'natnet',
        f.frameNumber,
        udp.timestampNs,
        undefined,
        hasParams ? frameFlags(f.params).recording : undefined,
        f.rigidBodies,
        names,
      ),
    );
    frames++;
  }
  say(
    io,
    `${frames} frames${bitstream ? ` (NatNet ${formatVersion(bitstream)})` : ''}, ${malformed} malformed datagrams`,
  );
  return 0;
}

export async function discoverNatNet(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      broadcast: { type: 'string', default: '255.255.255.255' },
      port: { type: 'string' },
      timeout: { type: 'string' },
      local: { type: 'string' },
    },
    strict: true,
  });
  const servers = await discoverMotive({
    broadcastAddress: values.broadcast,
    port: parseNumber(values.port, 'port', 1, 65535) ?? 1510,
    timeoutMs: parseNumber(values.timeout, 'timeout', 50, 60_000) ?? 1000,
    localAddress: values.local,
  });
  for (const s of servers) printJson(io, { type: 'server', device: 'natnet', ...s });
  say(io, `${servers.length} Motive server(s) answered`);
  return 0;
}
