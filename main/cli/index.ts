/**
 * `sightline` — the lab operator's command line (also `npm run cli -- …`).
 * stdout: JSON lines only, one object per line (documented in README "Command line"); stderr: messages.
 * Exit codes: 0 done, 1 the device or file failed, 2 the command was called wrongly.
 *
 * The device commands (`sim`, `probe`, `discover`, `decode` …) and their usage lines come from each
 * kind's descriptor (main/protocols/registry.ts).
 */
import type { CliCommand } from '../protocols/descriptor';
import { kinds, type KindRegistry } from '../protocols/registry';
import { type CliIo, printJson, processIo, say, UsageError } from './output';
import { infoReport } from './info';
import { simWithLsl } from './sim-lsl';
import { playCommand, recordCommand, recordingInfoCommand } from './recording-commands';

const GENERAL_USAGE = `  info
      print what this build supports, as JSON
  info FILE.mcap
      print a recording's channels, message counts, bytes, compression, durations and clock offsets
      (also a truncated one)
  record --out DIR [--device ID ...] [--duration S] [--demo] [--config FILE] [--name NAME]
         [--operator NAME] [--no-remote] [--flush-ms 1000] [--compression zstd|lz4|none]
         [--expect-rate 2 (MB/s: starting refuses when less than a minute of it fits)]
      record every device (or the given ones) to DIR/NAME/recording.mcap + session.json until
      stopped or S seconds; starts device-side recording too unless --no-remote; counts on stderr
      --lsl: also publish every device to the Lab Streaming Layer, with recording.start/stop markers
  play FILE.mcap [--speed 1] [--from S]
      replay a recording at its recorded pace: one JSON line per sample (frame lines for poses);
      the UI replays it with \`npm run serve -- --play FILE\` or File > Open Recording`;

/** The usage text: every kind's commands in registry order, the general commands, the kinds. */
export function usage(registry: KindRegistry = kinds()): string {
  const withCli = registry.all.flatMap((d, index) => (d.cli ? [{ cli: d.cli, index }] : []));
  const devices = [...withCli]
    .sort((a, b) => (a.cli.summaryPosition ?? a.index) - (b.cli.summaryPosition ?? b.index))
    .map(({ cli }) => cli.summary);
  return [
    'usage: sightline <command> <device> [options]',
    '',
    ...withCli.map(({ cli }) => cli.usage),
    GENERAL_USAGE,
    '',
    `Devices: ${devices.join(', ')}.`,
  ].join('\n');
}

export const USAGE = usage();

/** Commands that take no device kind. */
const standalone: Record<string, CliCommand> = {
  record: recordCommand,
  play: playCommand,
};

export async function runCli(argv: string[], io: CliIo = processIo, signal?: AbortSignal): Promise<number> {
  const [command, device, ...rest] = argv;
  const registry = kinds();
  const text = usage(registry);
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      say(io, text);
      return command ? 0 : 2;
    }
    if (command === 'info') {
      if (device) return await recordingInfoCommand([device, ...rest], io);
      printJson(io, infoReport(registry));
      return 0;
    }
    const single = standalone[command];
    if (single) return await single(argv.slice(1), io, signal);
    const having = registry.all.filter((d) => d.cli?.commands[command]);
    if (having.length === 0) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    if (!device) throw new UsageError(`${command} needs a device: ${having[0]!.kind}`);
    const run = registry.get(device)?.cli?.commands[command];
    if (!run) {
      // A kind some command knows: `decode teleport` is then "not available", not "unknown device".
      const known = registry.all.some((d) => d.kind === device && d.cli);
      throw new UsageError(
        known ? `${command} ${device}: not available for this device` : `unknown device ${JSON.stringify(device)}`,
      );
    }
    const descriptor = registry.get(device)!;
    if (command === 'sim' && descriptor.cli?.simDevice && rest.includes('--lsl'))
      return await simWithLsl(
        descriptor,
        rest.filter((a) => a !== '--lsl'),
        io,
        signal,
      );
    return await run(rest, io, signal);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      say(io, `sightline: ${(e as Error).message}\n\n${text}`);
      return 2;
    }
    say(io, `sightline: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
