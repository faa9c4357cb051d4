/**
 * Captures liblsl's data feeds for test/fixtures/lsl (run by hand, not by `npm test`):
 *   SIGHTLINE_LIBLSL=/path/to/lib/liblsl.so node --import tsx test/interop/lsl/capture-fixtures.ts
 * For every channel format, a liblsl outlet (test/interop/lsl/lsl-peer.c: 4 channels at 100 Hz, 20
 * known samples) is asked over a plain socket for a 1.10 feed and, from a second outlet, a 1.00 feed;
 * everything it sends is written as is to liblsl-1.17.7-<format>.feed110.bin / .feed100.bin.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CHANNEL_FORMATS, VALUE_SIZE } from '../../../main/protocols/lsl/info';
import { encodeFeedRequest100, encodeFeedRequest110 } from '../../../main/protocols/lsl/messages';
import { resolveStreams, scopeTargets } from '../../../main/protocols/lsl/resolver';
import { CPeer } from '../../helpers/enet-echo';
import { buildLiblslPeer } from '../../helpers/liblsl-peer';

const OUT = path.join(__dirname, '../../fixtures/lsl');

async function capture(
  binary: string,
  env: NodeJS.ProcessEnv,
  format: (typeof CHANNEL_FORMATS)[number],
  protocol: 100 | 110,
): Promise<Buffer> {
  const name = `Capture-${format}-${protocol}`;
  const peer = CPeer.start(binary, ['outlet', format, name, `capture-${format}`, '20'], env);
  try {
    const uid = (await peer.line('ready ', 20_000)).slice(6);
    const [stream] = await resolveStreams({
      query: `name='${name}'`,
      targets: scopeTargets('machine', ['127.0.0.1']),
      timeoutMs: 10_000,
      minimum: 1,
      bindAddress: '127.0.0.1',
    });
    if (!stream || stream.info.uid !== uid) throw new Error(`${name} not resolved`);
    const socket = net.connect({ host: '127.0.0.1', port: stream.info.v4dataPort });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.write(
      protocol === 110
        ? encodeFeedRequest110({ uid, valueSize: VALUE_SIZE[format], maxBufferLength: 360, maxChunkLength: 0 })
        : encodeFeedRequest100(360, 0),
    );
    await peer.line('pushed ', 20_000);
    // Wait until nothing more arrives for half a second.
    let size = -1;
    while (size !== chunks.reduce((n, c) => n + c.length, 0)) {
      size = chunks.reduce((n, c) => n + c.length, 0);
      await new Promise((r) => setTimeout(r, 500));
    }
    socket.destroy();
    return Buffer.concat(chunks);
  } finally {
    peer.child.stdin.end();
    await peer.exited;
  }
}

async function main(): Promise<void> {
  const built = buildLiblslPeer();
  if ('skip' in built) throw new Error(built.skip);
  for (const format of CHANNEL_FORMATS) {
    for (const protocol of [110, 100] as const) {
      const bytes = await capture(built.binary, built.env, format, protocol);
      const file = path.join(OUT, `liblsl-1.17.7-${format}.feed${protocol}.bin`);
      writeFileSync(file, bytes);
      console.log(`${path.basename(file)}: ${bytes.length} bytes`);
    }
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
