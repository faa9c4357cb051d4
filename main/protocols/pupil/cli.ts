/** `sightline sim|probe|discover pupil …`: the Pupil Companion side of the command line. */
import { parseArgs } from 'node:util';
import type { Sample } from '../../hub/source';
import { PupilClient } from './client';
import { PhoneBrowser } from './discovery';
import { CompanionSimulator } from './simulator';
import { GAZE_PAYLOAD_LENGTHS, type GazePayloadLength } from './payloads';
import { type CliIo, parseNumber, printJson, say, untilStopped, UsageError } from '../../cli/output';
import { runProbe } from '../../cli/probe-runner';

export async function simPupil(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      neon: { type: 'boolean', default: false },
      invisible: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      'rtsp-port': { type: 'string' },
      'time-echo-port': { type: 'string' },
      'offset-ms': { type: 'string' },
      'drift-ppm': { type: 'string' },
      'gaze-bytes': { type: 'string' },
      mdns: { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
  });
  if (values.neon && values.invisible) throw new UsageError('sim pupil: choose --neon or --invisible, not both');
  const gazeBytes = parseNumber(values['gaze-bytes'], 'gaze-bytes', 9, 105);
  if (gazeBytes !== undefined && !(GAZE_PAYLOAD_LENGTHS as readonly number[]).includes(gazeBytes))
    throw new UsageError(`--gaze-bytes must be one of ${GAZE_PAYLOAD_LENGTHS.join(', ')}`);
  const sim = new CompanionSimulator({
    family: values.neon ? 'neon' : 'invisible',
    host: values.host,
    port: parseNumber(values.port, 'port', 0, 65535) ?? 8080,
    rtspPort: parseNumber(values['rtsp-port'], 'rtsp-port', 0, 65535) ?? 8086,
    timeEchoPort: parseNumber(values['time-echo-port'], 'time-echo-port', 0, 65535) ?? 12321,
    clockOffsetMs: parseNumber(values['offset-ms'], 'offset-ms', -1e9, 1e9),
    clockDriftPpm: parseNumber(values['drift-ppm'], 'drift-ppm', -1000, 1000),
    gazeLength: gazeBytes as GazePayloadLength | undefined,
    mdnsInterface: values.mdns,
    phoneName: values.name,
  });
  const ports = await sim.start();
  printJson(io, {
    type: 'listening',
    device: 'pupil',
    family: sim.family,
    host: values.host,
    ...ports,
    name: sim.serviceName,
  });
  say(
    io,
    `Companion simulator (${sim.family}) on ${values.host}: REST/WebSocket ${ports.port}, RTSP ${ports.rtspPort}, Time Echo ${ports.timeEchoPort}${values.mdns ? `, mDNS on ${values.mdns}` : ''}. Ctrl+C stops it.`,
  );
  sim.on('request', (r) => say(io, r));
  await untilStopped(signal);
  await sim.stop();
  return 0;
}

/** HOST, HOST:PORT or [IPv6]:PORT. */
function hostAndPort(text: string): { host: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: v6[1]!, port: v6[2] ? parseNumber(v6[2], 'port', 1, 65535) : undefined };
  const parts = text.split(':');
  if (parts.length === 2) return { host: parts[0]!, port: parseNumber(parts[1], 'port', 1, 65535) };
  return { host: text };
}

/** One JSON line per gaze sample or video access unit (README "Command line"). */
export function pupilSampleLine(s: Sample): Record<string, unknown> | undefined {
  const times = {
    phoneTimeNs: s.deviceClockNs === undefined ? null : Math.round(s.deviceClockNs),
    hostTimeNs: Math.round(s.hostTimeNs),
    deviceTimeNs: s.deviceTimeNs === undefined ? null : Math.round(s.deviceTimeNs),
  };
  if (s.kind === 'gaze')
    return { type: 'gaze', device: 'pupil', ...times, x: +s.x.toFixed(5), y: +s.y.toFixed(5), worn: s.worn };
  if (s.kind === 'video')
    return { type: 'video', device: 'pupil', ...times, ptsUs: Math.round(s.ptsUs), bytes: s.data.length, key: s.key };
  return undefined;
}

export async function probePupil(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      tcp: { type: 'boolean', default: false },
      samples: { type: 'string' },
      'no-video': { type: 'boolean', default: false },
      'no-gaze': { type: 'boolean', default: false },
      timeout: { type: 'string' },
    },
    strict: true,
  });
  const target = positionals[0];
  if (!target)
    throw new UsageError('probe pupil needs the phone address, e.g. `sightline probe pupil 192.168.1.60:8080`');
  const { host, port } = hostAndPort(target);
  const limit = parseNumber(values.samples, 'samples', 1, Number.MAX_SAFE_INTEGER);
  const client = new PupilClient({
    host,
    port: parseNumber(values.port, 'port', 1, 65535) ?? port ?? 8080,
    transport: values.tcp ? 'tcp' : 'udp',
    streams: { world: !values['no-video'], gaze: !values['no-gaze'] },
    requestTimeoutMs: parseNumber(values.timeout, 'timeout', 100, 600_000),
  });
  return runProbe(io, { limit, signal }, (run) => {
    client.on('sample', (s) => {
      const line = pupilSampleLine(s);
      if (line) run.print(line);
    });
    return {
      connect: () => client.connect(),
      connected: () => {
        let lastProblem: string | undefined;
        client.on('status', (st) => {
          if (st.lastError && st.lastError !== lastProblem && !run.stopped) say(io, st.lastError);
          lastProblem = st.lastError;
        });
        printJson(io, { type: 'status', device: 'pupil', ...client.companionState() });
        say(io, `connected to ${client.status().peer ?? host}`);
      },
      close: () => client.close(),
    };
  });
}

export async function discoverPupil(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { timeout: { type: 'string' }, interface: { type: 'string' } },
    strict: true,
  });
  const timeoutMs = parseNumber(values.timeout, 'timeout', 100, 3_600_000) ?? 3000;
  const browser = new PhoneBrowser({ interfaceAddress: values.interface });
  browser.on('error', (e) => say(io, `mDNS: ${e.message}`));
  browser.on('up', (p) => printJson(io, { type: 'phone', device: 'pupil', ...p }));
  browser.on('down', (p) => printJson(io, { type: 'gone', device: 'pupil', ...p }));
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
  const count = browser.phones.size;
  await browser.close();
  say(io, `${count} Companion phone(s) seen`);
  return 0;
}
