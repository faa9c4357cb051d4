/**
 * `sightline sim KIND --lsl`: the kind's simulator runs as without the flag (same lines, same options),
 * and a client of it in a Hub of its own feeds the LSL publisher, so the simulated device's samples
 * reach LSL in the very layout `serve --lsl` gives a real one. The kind's `simDevice` says how to
 * reach its simulator from the `listening` line it prints. Each new LSL stream is announced as one
 * `{"type":"lsl",…}` line.
 */
import { Writable } from 'node:stream';
import type { KindDescriptor } from '../protocols/descriptor';
import { Hub, errorMessage } from '../hub/hub';
import { startLslPublishing } from '../protocols/lsl/publishing';
import { type CliIo, printJson, say, UsageError } from './output';

/** How often new LSL streams are looked for (they open on a device's first sample of a kind). */
const ANNOUNCE_INTERVAL_MS = 200;

/** Where to reach a simulator that listens on every interface. */
function reachable(host: unknown): unknown {
  return host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
}

/** Runs `sim KIND ARGV` (without `--lsl`) and publishes the simulated device to LSL while it runs. */
export async function simWithLsl(
  descriptor: KindDescriptor,
  argv: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  const sim = descriptor.cli?.commands.sim;
  const simDevice = descriptor.cli?.simDevice;
  if (!sim || !simDevice) throw new UsageError(`sim ${descriptor.kind}: --lsl is not available for this device`);
  const hub = new Hub();
  hub.on('notice', (n) => say(io, `${n.level}: ${n.message}`));
  let lsl: ReturnType<typeof startLslPublishing> | undefined;
  let announcer: NodeJS.Timeout | undefined;
  const announced = new Set<string>();

  const start = (listening: Record<string, unknown>): void => {
    const fields = { ...simDevice(listening), host: reachable(listening.host) };
    // A stable label: the stream names (label + type) stay the same whatever port the OS picked.
    const entry = descriptor.entry.safeParse({
      id: `sim-${descriptor.kind}`,
      kind: descriptor.kind,
      label: `${descriptor.name} (sim)`,
      ...fields,
    });
    if (!entry.success) {
      say(io, `sim ${descriptor.kind} --lsl: cannot reach the simulator: ${entry.error.message}`);
      return;
    }
    // The outlets listen where the simulator does: loopback unless the operator chose --host.
    const host = String(entry.data.host);
    lsl = startLslPublishing(hub, { outlet: { bindAddress: host.includes(':') ? undefined : host } });
    hub.add(descriptor.createSource(entry.data), { simulated: true });
    hub.connect(entry.data.id).catch((e: unknown) => say(io, `sim ${descriptor.kind} --lsl: ${errorMessage(e)}`));
    announcer = setInterval(() => {
      for (const s of lsl?.publisher.streams() ?? []) {
        if (announced.has(s.uid)) continue;
        announced.add(s.uid);
        printJson(io, {
          type: 'lsl',
          name: s.name,
          streamType: s.type,
          sourceId: s.sourceId,
          uid: s.uid,
          dataPort: s.dataPort,
        });
      }
    }, ANNOUNCE_INTERVAL_MS);
  };

  // The simulator's stdout passes through unchanged; its `listening` line also starts the client.
  let partial = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      io.out.write(chunk);
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (lsl || !line.startsWith('{"type":"listening"')) continue;
        try {
          start(JSON.parse(line) as Record<string, unknown>);
        } catch (error) {
          say(io, `sim ${descriptor.kind} --lsl: ${errorMessage(error)}`);
        }
      }
      callback();
    },
  });
  try {
    return await sim(argv, { out, err: io.err }, signal);
  } finally {
    clearInterval(announcer);
    await hub.close();
    await lsl?.close();
  }
}
