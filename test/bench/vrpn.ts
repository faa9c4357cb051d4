/**
 * VRPN figures for the README: how fast the stream decoder takes a Pos_Quat stream apart (one core,
 * framing + name lookup + body decode), and the Hub fed by `sightline sim vrpn` in another process
 * with 10 trackers at 1000 Hz over TCP on loopback: every message must arrive, and the CPU share is
 * the main-process side only.
 */
import { once } from 'node:events';
import { Hub } from '../../main/hub/hub';
import { ByteWriter } from '../../main/net/byte-writer';
import { VrpnClient } from '../../main/protocols/vrpn/client';
import {
  decodeBody,
  encodeBody,
  encodeCookie,
  encodeDescription,
  SystemType,
  TypeName,
  writeMessage,
} from '../../main/protocols/vrpn/codec';
import { VrpnEndpoint } from '../../main/protocols/vrpn/endpoint';
import { spawnCliSimulator } from './cli-simulator';

export interface VrpnDecodeResult {
  messagesPerSec: number;
  mbPerSec: number;
}

/** A server-side stream: cookie, descriptions, then `count` Pos_Quat messages from 10 trackers. */
function posQuatStream(count: number): Uint8Array {
  const w = new ByteWriter(count * 88 + 4096, { littleEndian: false });
  w.bytes(encodeCookie());
  const names = Array.from({ length: 10 }, (_, i) => `Tracker${i}`);
  let seq = 0;
  names.forEach((n, id) =>
    writeMessage(w, {
      tsSec: 1,
      tsUsec: 0,
      sender: id,
      type: SystemType.SenderDescription,
      seq: seq++,
      body: encodeDescription(n),
    }),
  );
  writeMessage(w, {
    tsSec: 1,
    tsUsec: 0,
    sender: 0,
    type: SystemType.TypeDescription,
    seq: seq++,
    body: encodeDescription(TypeName.PosQuat),
  });
  for (let i = 0; i < count; i++) {
    const body = encodeBody({
      type: TypeName.PosQuat,
      sensor: 0,
      pad: 0,
      position: [i * 1e-3, 1.2, -0.5],
      quaternion: [0, 0.38, 0, 0.92],
    });
    writeMessage(w, {
      tsSec: 1_700_000_000 + Math.floor(i / 1000),
      tsUsec: (i % 1000) * 1000,
      sender: i % 10,
      type: 0,
      seq: seq++,
      body,
    });
  }
  return w.finish();
}

export function benchVrpnDecode(count = 200_000, rounds = 5): VrpnDecodeResult {
  const stream = posQuatStream(count);
  const chunk = 64 * 1024;
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let decoded = 0;
    const endpoint = new VrpnEndpoint(
      { writeTcp: () => {} },
      {
        onMessage: (m) => {
          if (m.type === TypeName.PosQuat && decodeBody(TypeName.PosQuat, m.body).type === TypeName.PosQuat) decoded++;
        },
        onFatal: (reason) => {
          throw new Error(reason);
        },
      },
      { senders: [], types: [] },
    );
    const t0 = performance.now();
    for (let at = 0; at < stream.length; at += chunk) endpoint.receiveTcp(stream.subarray(at, at + chunk));
    const ms = performance.now() - t0;
    endpoint.close();
    if (decoded !== count) throw new Error(`decoded ${decoded} of ${count}`);
    best = Math.min(best, ms);
  }
  return { messagesPerSec: (count / best) * 1000, mbPerSec: stream.length / 1e6 / (best / 1000) };
}

export interface VrpnThroughputResult {
  trackers: number;
  rateHz: number;
  seconds: number;
  sent: number;
  received: number;
  lost: number;
  malformed: number;
  /** Main-process CPU time / wall time over the measured window (1.0 = one core busy). */
  cpuShare: number;
}

export async function benchVrpnThroughput(trackers = 10, rateHz = 1000, seconds = 5): Promise<VrpnThroughputResult> {
  const args = ['vrpn', '--port', '0', '--trackers', String(trackers), '--sensors', '1', '--rate', String(rateHz)];
  const { child, lines: output } = await spawnCliSimulator(args);
  try {
    const { port } = JSON.parse(output[0]!) as { port: number };
    const hub = new Hub();
    const client = new VrpnClient({
      id: 'bench',
      host: '127.0.0.1',
      port,
      devices: Array.from({ length: trackers }, (_, i) => `Tracker${i}`),
    });
    let received = 0;
    client.on('sample', (s) => {
      if (s.kind === 'poses') received++;
    });
    hub.add(client);
    await hub.connect('bench');
    await new Promise((r) => setTimeout(r, 1000));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    // Stop the simulator: it closes after its last write and reports what it sent.
    const down = once(client, 'down');
    child.kill('SIGTERM');
    await Promise.race([down, new Promise((r) => setTimeout(r, 5000))]);
    await once(child, 'exit');
    const stopped = output
      .map((l) => JSON.parse(l) as { type: string; sent?: Record<string, number> })
      .find((l) => l.type === 'stopped');
    const sent = stopped?.sent?.[TypeName.PosQuat] ?? NaN;
    const malformed = client.counters().malformed;
    await hub.close();
    return {
      trackers,
      rateHz,
      seconds: wallMs / 1000,
      sent,
      received,
      lost: sent - received,
      malformed,
      cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

if (require.main === module) {
  console.log(JSON.stringify(benchVrpnDecode()));
  benchVrpnThroughput().then((r) => console.log(JSON.stringify(r)));
}

/** The README's VRPN rows, printed by run.ts. */
export async function benchVrpn(
  line: (name: string, value: string, target: string, met: boolean | null) => void,
): Promise<void> {
  const decode = benchVrpnDecode();
  line(
    'VRPN decode: Pos_Quat stream, framing + names + body',
    `${Math.round(decode.messagesPerSec).toLocaleString('en')} messages/s, ${Math.round(decode.mbPerSec)} MB/s`,
    '≥ 100,000 messages/s',
    decode.messagesPerSec >= 100_000,
  );
  const hub = await benchVrpnThroughput(10, 1000, 5);
  line(
    'Hub ← VRPN simulator, 10 trackers × 1000 Hz, TCP, 5 s',
    `${hub.received.toLocaleString('en')} of ${hub.sent.toLocaleString('en')} received, ${hub.lost} lost, ${hub.malformed} malformed`,
    '0 lost',
    hub.lost === 0,
  );
  line('  main-process CPU share at that rate', `${(hub.cpuShare * 100).toFixed(1)} % of one core`, '—', null);
}
