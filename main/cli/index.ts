/**
 * `sightline` — the lab operator's command line (also `npm run cli -- …`).
 * stdout: JSON lines only, one object per line (documented in README "Command line"); stderr: messages.
 * Exit codes: 0 done, 1 the device or file failed, 2 the command was called wrongly.
 */
import { decodeNatNet, discoverNatNet, probeNatNet, simNatNet } from './natnet-commands';
import { discoverPupil, probePupil, simPupil } from './pupil-commands';
import { discoverTeleportCommand, probeTeleport, simTeleport } from './teleport-commands';
import { probeVrpn, simVrpn } from './vrpn-commands';
import { type CliIo, printJson, processIo, say, UsageError } from './output';
import { infoReport } from './info';
import { playCommand, recordCommand, recordingInfoCommand } from './recording-commands';

export const USAGE = `usage: sightline <command> <device> [options]

  sim natnet [--host 127.0.0.1] [--port 1510] [--data-port 1511] [--bodies 3] [--rate 120]
             [--bitstream 4.1] [--multicast] [--group 239.255.42.99]
      run a simulated OptiTrack Motive until stopped
  probe natnet HOST [--port 1510] [--frames N] [--local ADDR] [--multicast] [--bitstream X] [--timeout MS]
      connect and print one JSON line per frame until stopped or N frames
  decode natnet FILE.pcap|FILE.pcapng [--bitstream X]
      print the same JSON lines for every NatNet frame in a capture
  discover natnet [--broadcast 255.255.255.255] [--port 1510] [--timeout 1000] [--local ADDR]
      list the Motive servers that answer a discovery broadcast
  sim pupil [--invisible|--neon] [--host 127.0.0.1] [--port 8080] [--rtsp-port 8086] [--time-echo-port 12321]
            [--offset-ms 0] [--drift-ppm 0] [--gaze-bytes 9] [--mdns IFACE] [--name NAME]
      run a simulated Pupil Companion phone until stopped
  probe pupil HOST[:PORT] [--tcp] [--samples N] [--no-video] [--no-gaze] [--timeout MS]
      print the phone's status, then one JSON line per gaze sample and video access unit
  discover pupil [--timeout 3000] [--interface ADDR]
      list the Companion phones announced over mDNS (and those that leave)
  sim vrpn [--host 127.0.0.1] [--port 3883] [--trackers 1] [--sensors 2] [--rate 60]
      run a simulated VRPN server (Tracker0…, Button0, Analog0, Dial0) until stopped
  probe vrpn DEVICE@[tcp://]HOST[:PORT] [more devices] [--messages N] [--timeout MS]
      connect and print one JSON line per VRPN message until stopped or N messages
  sim teleport [--host 127.0.0.1] [--discovery-port 10600] [--service-port 10500] [--variant 2022a|2022b]
               [--nodes 4] [--rate 30] [--idle-timeout 13000]
      run a simulated Teleport server (ENet era, 2022) until stopped
  probe teleport [HOST] [--discovery-port 10600] [--updates N] [--timeout MS] [--id-width 4|8]
      discover, connect, print the Setup as one JSON line, then one line per node update
  discover teleport [--host 255.255.255.255] [--port 10600] [--timeout 1000] [--id-width 4|8] [--local ADDR]
      list the Teleport servers that answer discovery
  info
      print what this build supports, as JSON
  info FILE.mcap
      print a recording's channels, message counts, bytes, compression, durations and clock offsets
      (also a truncated one)
  record --out DIR [--device ID ...] [--duration S] [--demo] [--config FILE] [--name NAME]
         [--operator NAME] [--no-remote] [--flush-ms 250] [--compression zstd|lz4|none]
         [--expect-rate 2 (MB/s: starting refuses when less than a minute of it fits)]
      record every device (or the given ones) to DIR/NAME/recording.mcap + session.json until
      stopped or S seconds; starts device-side recording too unless --no-remote; counts on stderr
  play FILE.mcap [--speed 1] [--from S]
      replay a recording at its recorded pace: one JSON line per sample (frame lines for poses);
      the UI replays it with \`npm run serve -- --play FILE\` or File > Open Recording

Devices: natnet (OptiTrack Motive), vrpn (any VRPN server), pupil (Pupil Labs Companion), teleport (Teleport servers, ENet era).`;

type Command = (argv: string[], io: CliIo, signal?: AbortSignal) => Promise<number>;

const commands: Record<string, Record<string, Command>> = {
  sim: { natnet: simNatNet, vrpn: simVrpn, pupil: simPupil, teleport: simTeleport },
  probe: { natnet: probeNatNet, vrpn: probeVrpn, pupil: probePupil, teleport: probeTeleport },
  decode: { natnet: decodeNatNet },
  discover: { natnet: discoverNatNet, pupil: discoverPupil, teleport: discoverTeleportCommand },
};

/** Commands that take no device kind. */
const standalone: Record<string, Command> = {
  record: recordCommand,
  play: playCommand,
};

const PLANNED = new Set<string>();
/** Every device some command knows: `decode teleport` is then "not available", not "unknown device". */
const KNOWN = new Set(Object.values(commands).flatMap((byDevice) => Object.keys(byDevice)));

export async function runCli(argv: string[], io: CliIo = processIo, signal?: AbortSignal): Promise<number> {
  const [command, device, ...rest] = argv;
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      say(io, USAGE);
      return command ? 0 : 2;
    }
    if (command === 'info') {
      if (device) return await recordingInfoCommand([device, ...rest], io);
      printJson(io, infoReport());
      return 0;
    }
    const single = standalone[command];
    if (single) return await single(argv.slice(1), io, signal);
    const byDevice = commands[command];
    if (!byDevice) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    if (!device) throw new UsageError(`${command} needs a device: natnet`);
    const run = byDevice[device];
    if (!run) {
      throw new UsageError(
        PLANNED.has(device)
          ? `${command} ${device}: not available yet (planned)`
          : KNOWN.has(device)
            ? `${command} ${device}: not available for this device`
            : `unknown device ${JSON.stringify(device)}`,
      );
    }
    return await run(rest, io, signal);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      say(io, `sightline: ${(e as Error).message}\n\n${USAGE}`);
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
