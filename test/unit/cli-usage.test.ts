/**
 * The CLI's usage text is built from the kinds' descriptors (main/protocols/registry.ts). Operators'
 * scripts and the README quote it: it stays byte for byte what it was before the registry (a new kind only
 * adds its own lines and its name in the Devices line: lsl's are here, and `--lsl` one line under each
 * other kind's sim), and a
 * usage mistake still prints it after the message, with exit code 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, usage, USAGE } from '../../main/cli/index';
import { captureIo } from '../helpers/cli-capture';

const PINNED = `usage: sightline <command> <device> [options]

  sim natnet [--host 127.0.0.1] [--port 1510] [--data-port 1511] [--bodies 3] [--rate 120]
             [--bitstream 4.1] [--multicast] [--group 239.255.42.99]
      run a simulated OptiTrack Motive until stopped
      --lsl: also publish its samples to the Lab Streaming Layer, as serve --lsl does
  probe natnet HOST [--port 1510] [--frames N] [--local ADDR] [--multicast] [--bitstream X] [--timeout MS]
      connect and print one JSON line per frame until stopped or N frames
  decode natnet FILE.pcap|FILE.pcapng [--bitstream X]
      print the same JSON lines for every NatNet frame in a capture
  discover natnet [--broadcast 255.255.255.255] [--port 1510] [--timeout 1000] [--local ADDR]
      list the Motive servers that answer a discovery broadcast
  sim pupil [--invisible|--neon] [--host 127.0.0.1] [--port 8080] [--rtsp-port 8086] [--time-echo-port 12321]
            [--offset-ms 0] [--drift-ppm 0] [--gaze-bytes 9] [--mdns IFACE] [--name NAME]
      run a simulated Pupil Companion phone until stopped
      --lsl: also publish its samples to the Lab Streaming Layer, as serve --lsl does
  probe pupil HOST[:PORT] [--tcp] [--samples N] [--no-video] [--no-gaze] [--timeout MS]
      print the phone's status, then one JSON line per gaze sample and video access unit
  discover pupil [--timeout 3000] [--interface ADDR]
      list the Companion phones announced over mDNS (and those that leave)
  sim vrpn [--host 127.0.0.1] [--port 3883] [--trackers 1] [--sensors 2] [--rate 60]
      run a simulated VRPN server (Tracker0…, Button0, Analog0, Dial0) until stopped
      --lsl: also publish its samples to the Lab Streaming Layer, as serve --lsl does
  probe vrpn DEVICE@[tcp://]HOST[:PORT] [more devices] [--messages N] [--timeout MS]
      connect and print one JSON line per VRPN message until stopped or N messages
  sim teleport [--host 127.0.0.1] [--discovery-port 10600] [--service-port 10500] [--variant 2022a|2022b]
               [--nodes 4] [--rate 30] [--idle-timeout 13000]
      run a simulated Teleport server (ENet era, 2022) until stopped
      --lsl: also publish its samples to the Lab Streaming Layer, as serve --lsl does
  probe teleport [HOST] [--discovery-port 10600] [--updates N] [--timeout MS] [--id-width 4|8]
      discover, connect, print the Setup as one JSON line, then one line per node update
  discover teleport [--host 255.255.255.255] [--port 10600] [--timeout 1000] [--id-width 4|8] [--local ADDR]
      list the Teleport servers that answer discovery
  sim lsl [--host 127.0.0.1] [--channels 32] [--rate 500] [--name N] [--no-markers] [--responder-port 16571]
          [--data-port 16572…]
      run a simulated LSL outlet (EEG-like channels and a marker stream) until stopped
  probe lsl QUERY [--samples N] [--timeout MS] [--scope machine|link|site] [--peer HOST] [--port N] [--local ADDR]
      resolve QUERY (e.g. "name='EEG'"), print its info, then one JSON line per sample
  discover lsl [--query Q] [--timeout 1000] [--scope machine|link|site] [--peer HOST] [--port N] [--local ADDR]
      list the LSL streams that answer (machine scope unless told otherwise)
  info
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
      the UI replays it with \`npm run serve -- --play FILE\` or File > Open Recording

Devices: natnet (OptiTrack Motive), vrpn (any VRPN server), pupil (Pupil Labs Companion), teleport (Teleport servers, ENet era), lsl (Lab Streaming Layer).`;

test('the usage text is byte for byte the one before the registry', () => {
  assert.equal(USAGE, PINNED);
  assert.equal(usage(), PINNED);
});

test('help prints it on stderr; a usage mistake prints the message, then it', async () => {
  const help = captureIo();
  assert.equal(await runCli(['--help'], help.io), 0);
  assert.equal(help.err(), PINNED + '\n');
  assert.deepEqual(help.lines, []);
  for (const [argv, message] of [
    [['sim'], 'sim needs a device: natnet'],
    [['bogus'], 'unknown command "bogus"'],
    [['sim', 'kinect'], 'unknown device "kinect"'],
    [['decode', 'teleport'], 'decode teleport: not available for this device'],
    [['discover', 'vrpn'], 'discover vrpn: not available for this device'],
  ] as const) {
    const mistake = captureIo();
    assert.equal(await runCli([...argv], mistake.io), 2, argv.join(' '));
    assert.equal(mistake.err(), `sightline: ${message}\n\n${PINNED}\n`);
  }
});
