/** `sightline record` and `sightline info FILE.mcap`: the recorder on the command line. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultConfigPath, resolveConfigPath } from '../config';
import { setupDevices } from '../demo';
import { Hub } from '../hub/hub';
import { MAX_SPEED, MIN_SPEED, RecordingPlayer } from '../recording/playback';
import { recordingInfo } from '../recording/recording-info';
import type { Sample } from '../hub/source';
import { frameLine } from './frame-line';
import { packageVersion } from './info';
import { SessionController } from '../recording/session';
import { COMPRESSIONS, DEFAULT_COMPRESSION, isCompression } from '../recording/compression';
import { lossTotal, type DiskState, type RecorderCounts } from '../recording/recorder';
import type { LossCounters } from '../../preload/api';
import { startLslPublishing } from '../protocols/lsl/publishing';
import { lslOutletNetwork } from '../protocols/lsl/settings';
import { resolveLabInterface } from '../net/lab-interface';
import { loadAppSettings } from '../settings/app-settings';
import { type CliIo, parseNumber, printJson, say, untilStopped, UsageError } from './output';

function labOutlet(): ReturnType<typeof lslOutletNetwork> {
  const settings = loadAppSettings().value;
  return lslOutletNetwork(settings.lsl, resolveLabInterface(settings.networkInterface).iface?.address);
}

function formatBytes(n: number): string {
  return n >= 1e9
    ? `${(n / 1e9).toFixed(2)} GB`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)} MB`
      : `${(n / 1e3).toFixed(1)} kB`;
}

export async function recordCommand(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      device: { type: 'string', multiple: true },
      duration: { type: 'string' },
      demo: { type: 'boolean', default: false },
      config: { type: 'string' },
      name: { type: 'string' },
      operator: { type: 'string' },
      'no-remote': { type: 'boolean', default: false },
      'flush-ms': { type: 'string' },
      compression: { type: 'string' },
      'expect-rate': { type: 'string' },
      'demo-bodies': { type: 'string' },
      'demo-rate': { type: 'string' },
      lsl: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.out) throw new UsageError('record needs --out DIR (the session folder is made inside it)');
  const durationS = parseNumber(values.duration, 'duration', 0.1, 7 * 24 * 3600);
  const flushMs = parseNumber(values['flush-ms'], 'flush-ms', 20, 1000);
  const expectRate = parseNumber(values['expect-rate'], 'expect-rate', 0.001, 1000);
  const compression = values.compression ?? DEFAULT_COMPRESSION;
  if (!isCompression(compression)) {
    throw new UsageError(`--compression must be one of ${COMPRESSIONS.join(', ')} (got "${compression}")`);
  }
  if (!values.demo) {
    const { path } = resolveConfigPath(values.config, defaultConfigPath());
    // Headless recording of simulated data by accident would be worse than a clear stop.
    if (!existsSync(path)) throw new UsageError(`no device file at ${path}: pass --config FILE, or --demo`);
  }

  const hub = new Hub();
  const devices = await setupDevices(hub, {
    demo: values.demo,
    configPath: values.config,
    defaultConfigPath: defaultConfigPath(),
    demoBodies: parseNumber(values['demo-bodies'], 'demo-bodies', 0, 1000),
    demoRateHz: parseNumber(values['demo-rate'], 'demo-rate', 1, 1000),
  });
  hub.on('notice', (n) => say(io, `${n.level}: ${n.message}`));
  // Demo data stays on this machine; a real lab's devices go to LSL's ports on every interface, in the
  // operator's LSL scope with its multicast joined on the lab interface (the app's settings).
  const lsl = values.lsl
    ? startLslPublishing(hub, { outlet: values.demo ? { bindAddress: '127.0.0.1' } : labOutlet() })
    : undefined;
  for (const id of values.device ?? []) {
    if (!hub.get(id))
      say(io, `warn: no device "${id}" in ${devices.configPath ?? 'demo mode'}; nothing will be recorded from it`);
  }
  const session = new SessionController(hub, {
    outDir: values.out,
    flushIntervalMs: flushMs,
    compression,
    ...(expectRate === undefined ? {} : { expectedBytesPerSecond: expectRate * 1e6 }),
    appVersion: packageVersion(),
  });
  const told = new Set<string>();
  session.on('changed', (s) => {
    for (const a of s.remote) {
      const key = `${a.action} ${a.deviceId}`;
      if (told.has(key)) continue;
      told.add(key);
      say(io, `remote ${key}: ${a.outcome}${a.reason ? ` (${a.reason})` : ''}`);
    }
  });
  let state;
  try {
    state = await session.start({
      name: values.name,
      operator: values.operator,
      deviceIds: values.device,
      remote: !values['no-remote'],
    });
  } catch (error) {
    await hub.close();
    await devices.close();
    await lsl?.close();
    throw error;
  }
  lsl?.publisher.marker('recording.start', state.name ?? undefined);
  printJson(io, { type: 'recording', state: 'started', name: state.name, folder: state.folder });
  const recorder = session.activeRecorder()!;
  const startedMs = Date.now();
  let warnedLow = false;
  const live = setInterval(() => {
    const c = recorder.counts();
    say(io, progressLine(c, (Date.now() - startedMs) / 1000));
    if (c.disk.low && !warnedLow) {
      warnedLow = true;
      say(io, `warn: less than 10 minutes of disk space left for the recording (${diskText(c.disk)})`);
    }
  }, 1000);
  const failed = new Promise<void>((resolve) => recorder.once('failed', () => resolve()));
  const timer = durationS === undefined ? null : new Promise<void>((r) => setTimeout(r, durationS * 1000));
  const stop = new AbortController();
  await Promise.race([
    untilStopped(signal ? AbortSignal.any([signal, stop.signal]) : stop.signal),
    failed,
    ...(timer ? [timer] : []),
  ]);
  clearInterval(live);
  stop.abort();
  const end = await session.stop();
  lsl?.publisher.marker('recording.stop', end.name ?? undefined);
  await hub.close();
  await devices.close();
  await lsl?.close();
  printJson(io, {
    type: 'recording',
    state: end.error ? 'failed' : 'finished',
    name: end.name,
    folder: end.folder,
    messages: end.messages,
    bytes: end.bytes,
    lost: end.lost,
    error: end.error,
    remote: end.remote,
  });
  if (end.error) say(io, `sightline record: ${end.error}`);
  return end.error ? 1 : 0;
}

/** The live line `record` prints every second. */
export function progressLine(c: RecorderCounts, elapsedS: number): string {
  const perDevice = Object.entries(c.perDevice)
    .map(([id, n]) => `${id} ${n}${lossText(c.losses[id])}`)
    .join(', ');
  return `recording ${elapsedS.toFixed(0)} s: ${c.messages} messages, ${formatBytes(c.written)}, lost ${c.lost}${perDevice ? ` | ${perDevice}` : ''} | ${diskText(c.disk)}`;
}

/** " (gaps G, kernel K, overflow O, recorder R)" when any loss counter of the device is not 0. */
function lossText(l: LossCounters | undefined): string {
  if (!l || lossTotal(l) === 0) return '';
  return ` (gaps ${l.frameGaps}, kernel ${l.kernelDrops ?? 'n/a'}, overflow ${l.handoffOverflows}, recorder ${l.recorderLosses})`;
}

function diskText(d: DiskState): string {
  const free = d.freeBytes === null ? 'free ?' : `free ${formatBytes(d.freeBytes)}`;
  if (d.secondsLeft === null) return free;
  const minutes = d.secondsLeft / 60;
  return `${free}, ${minutes >= 120 ? `${(minutes / 60).toFixed(1)} h` : `${minutes.toFixed(0)} min`} left${d.low ? ' (LOW)' : ''}`;
}

export async function recordingInfoCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {}, strict: true });
  const file = positionals[0];
  if (!file) throw new UsageError('info needs a recording: sightline info FILE.mcap');
  const info = await recordingInfo(file);
  printJson(io, info);
  if (info.problem) say(io, `${file}: ${info.problem}`);
  // A file with nothing readable is a failure; a truncated one with data is still a useful answer.
  return info.messages > 0 || info.complete ? 0 : 1;
}

function sampleLine(device: string, sample: Sample, names: ReadonlyMap<number, string>): object {
  const deviceTimeNs = sample.deviceTimeNs === undefined ? null : Math.round(sample.deviceTimeNs);
  const base = { device, hostTimeNs: Math.round(sample.hostTimeNs), deviceTimeNs };
  switch (sample.kind) {
    case 'poses':
      return frameLine(
        device,
        sample.frameNumber,
        sample.hostTimeNs,
        sample.deviceTimeNs,
        sample.recording,
        sample.bodies,
        names,
      );
    case 'gaze':
      return { type: 'gaze', ...base, x: sample.x, y: sample.y, worn: sample.worn };
    case 'video':
      return { type: 'video', ...base, key: sample.key, ptsUs: sample.ptsUs, bytes: sample.data.byteLength };
    case 'event':
      return { type: 'event', ...base, name: sample.name, value: sample.value ?? null };
    case 'analog':
      return { type: 'analog', ...base, channels: sample.channels };
  }
}

export async function playCommand(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      speed: { type: 'string' },
      from: { type: 'string' },
    },
    strict: true,
  });
  const file = positionals[0];
  if (!file) throw new UsageError('play needs a recording: sightline play FILE.mcap');
  const speed = parseNumber(values.speed, 'speed', MIN_SPEED, MAX_SPEED) ?? 1;
  const fromS = parseNumber(values.from, 'from', 0, 1e7) ?? 0;
  const player = await RecordingPlayer.open(file, { speed });
  const problem = player.state().problem;
  if (problem) say(io, `${file}: ${problem}`);
  const names = new Map<string, Map<number, string>>();
  for (const source of player.sources) {
    const device = source.recorded.id;
    names.set(device, new Map());
    source.on('catalog', (c) => names.set(device, new Map(c.bodies.map((b) => [b.id, b.name]))));
    source.on('sample', (s) => printJson(io, sampleLine(device, s, names.get(device)!)));
    await source.connect();
  }
  const start = player.state().startNs;
  if (fromS > 0) player.seek(start + fromS * 1e9);
  const ended = new Promise<void>((resolve) => player.on('state', (s) => s.ended && resolve()));
  const stop = new AbortController();
  player.play();
  await Promise.race([ended, untilStopped(signal ? AbortSignal.any([signal, stop.signal]) : stop.signal)]);
  stop.abort();
  const final = player.state();
  player.close();
  printJson(io, { type: 'playback', state: final.ended ? 'ended' : 'stopped', file, positionNs: final.positionNs });
  return 0;
}
