/** `sightline sim|discover|probe lsl …`: the LSL side of the command line (docs/protocols/lsl.md §1, §2). */
import { parseArgs } from 'node:util';
import { type CliIo, parseNumber, printJson, say, untilStopped, UsageError } from '../../cli/output';
import { runProbe } from '../../cli/probe-runner';
import { describedChannels, type StreamInfo } from './info';
import { fetchFullInfo, LslInlet } from './inlet';
import { MULTICAST_PORT } from './messages';
import { QueryError, validateQuery } from './query';
import { resolveStreams, scopeTargets, type ResolveScope, type ResolvedStream, type ResolveTarget } from './resolver';
import { LslSimulator } from './simulator';

const TARGET_OPTIONS = {
  scope: { type: 'string', default: 'machine' },
  peer: { type: 'string', multiple: true },
  port: { type: 'string', multiple: true },
  local: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** Where queries go: the scope's addresses, known peers, and extra responder ports on loopback. */
function targetsOf(values: { scope?: string; peer?: string[]; port?: string[] }): ResolveTarget[] {
  const scope = values.scope as ResolveScope;
  if (!['machine', 'link', 'site'].includes(scope)) throw new UsageError('--scope is machine, link or site');
  const targets = scopeTargets(scope, values.peer ?? []);
  for (const p of values.port ?? []) {
    const port = parseNumber(p, 'port', 1, 65535)!;
    if (port !== MULTICAST_PORT) targets.push({ address: '127.0.0.1', port });
  }
  return targets;
}

export function streamLine(s: ResolvedStream): Record<string, unknown> {
  const i = s.info;
  return {
    type: 'stream',
    name: i.name,
    streamType: i.type,
    channelCount: i.channelCount,
    channelFormat: i.channelFormat,
    nominalSrate: i.nominalSrate,
    sourceId: i.sourceId,
    hostname: i.hostname,
    uid: i.uid,
    address: s.address,
    dataPort: i.v4dataPort,
  };
}

export async function discoverLsl(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...TARGET_OPTIONS, query: { type: 'string', default: '' } },
    strict: true,
  });
  try {
    validateQuery(values.query);
  } catch (e) {
    throw new UsageError(`bad query: ${(e as QueryError).message}`);
  }
  await resolveStreams({
    query: values.query,
    targets: targetsOf(values),
    timeoutMs: parseNumber(values.timeout, 'timeout', 100, 600_000) ?? 1000,
    bindAddress: values.local,
    signal,
    onFound: (s) => printJson(io, streamLine(s)),
  });
  return 0;
}

function infoLine(info: StreamInfo, address: string): Record<string, unknown> {
  return {
    ...streamLine({ info, address }),
    type: 'info',
    streamType: info.type,
    labels: describedChannels(info.desc).map((c) => c.label),
    units: describedChannels(info.desc).map((c) => c.unit ?? null),
  };
}

export async function probeLsl(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...TARGET_OPTIONS, samples: { type: 'string' } },
    strict: true,
  });
  const query = positionals.join(' ');
  if (!query) throw new UsageError('probe lsl needs a query, e.g. `sightline probe lsl "name=\'EEG\'"`');
  try {
    validateQuery(query);
  } catch (e) {
    throw new UsageError(`bad query: ${(e as QueryError).message}`);
  }
  const targets = targetsOf(values);
  const timeoutMs = parseNumber(values.timeout, 'timeout', 100, 600_000) ?? 5000;
  const limit = parseNumber(values.samples, 'samples', 1, Number.MAX_SAFE_INTEGER);
  return runProbe(io, { limit: limit === undefined ? undefined : limit + 1, signal }, (run) => {
    let inlet: LslInlet | undefined;
    return {
      connect: async () => {
        const [stream] = await resolveStreams({
          query,
          targets,
          timeoutMs,
          minimum: 1,
          bindAddress: values.local,
          signal: run.signal,
        });
        if (!stream) throw new Error(`no LSL stream answers ${query}`);
        const full = await fetchFullInfo(stream.address, stream.info.v4dataPort, timeoutMs).catch(() => stream.info);
        run.print(infoLine(full, stream.address));
        inlet = new LslInlet({
          stream,
          bindAddress: values.local,
          onSample: (s) =>
            void run.print({
              type: 'sample',
              timestamp: s.timestamp,
              values: s.values.map((v) => (typeof v === 'bigint' ? v.toString() : v)),
              timeCorrection: inlet?.timeCorrection?.correction ?? null,
              timeUncertainty: inlet?.timeCorrection?.uncertainty ?? null,
              hostTimeNs: inlet?.toHostNs(s.timestamp) ?? null,
            }),
          onState: (state, reason) => {
            if (reason) say(io, `lsl: ${state}: ${reason}`);
            if (state === 'closed') run.stop();
          },
        });
        inlet.start();
      },
      close: async () => {
        await inlet?.close();
      },
    };
  });
}

export async function simLsl(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      channels: { type: 'string' },
      rate: { type: 'string' },
      name: { type: 'string' },
      'no-markers': { type: 'boolean', default: false },
      'responder-port': { type: 'string' },
      'data-port': { type: 'string' },
    },
    strict: true,
  });
  const sim = new LslSimulator({
    channels: parseNumber(values.channels, 'channels', 1, 4096) ?? 32,
    rateHz: parseNumber(values.rate, 'rate', 1, 100_000) ?? 500,
    name: values.name,
    markers: !values['no-markers'],
    outlet: {
      bindAddress: values.host,
      responderPort: parseNumber(values['responder-port'], 'responder-port', 0, 65535) ?? MULTICAST_PORT,
      dataPort: parseNumber(values['data-port'], 'data-port', 0, 65535),
    },
  });
  const outlets = await sim.start();
  printJson(io, {
    type: 'listening',
    device: 'lsl',
    host: values.host,
    streams: outlets.map((o) => ({
      name: o.info.name,
      streamType: o.info.type,
      uid: o.info.uid,
      sourceId: o.info.sourceId,
      dataPort: o.dataPort,
      responderPort: o.responderPort ?? null,
    })),
  });
  say(
    io,
    `LSL outlets on ${values.host}: ${outlets.map((o) => `${o.info.name} (port ${o.dataPort})`).join(', ')}. Ctrl+C stops them.`,
  );
  await untilStopped(signal);
  await sim.stop();
  printJson(io, { type: 'stopped', device: 'lsl', samples: sim.counters.samples, markers: sim.counters.markers });
  return 0;
}
