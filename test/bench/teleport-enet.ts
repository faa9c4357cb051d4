/**
 * ENet figures for the README, side by side with the C library (Debian libenet) on loopback:
 * sequential 64-byte reliable round trips per second, our client → C echo server against C client →
 * C echo server; the same through a relay dropping 10% of datagrams each way; and bulk echoes of
 * 300 KB packets. Targets: ≥ 25% of the C rate on a clean link, ≥ 90% of it under 10% loss.
 */
import { EnetHost, PacketFlag } from '../../main/net/enet/host';
import { buildCPeer, CHANNELS, check, connectPeer, CPeer, fill, Inbox } from '../helpers/enet-echo';
import { startLossyRelayProcess } from '../helpers/lossy-relay';

type Line = (name: string, value: string, target: string, met: boolean | null) => void;

/** Our client: `count` sequential echoes of `size` bytes, round robin over the channels; per second. */
async function ours(port: number, count: number, size: number): Promise<number> {
  const host = await EnetHost.create({ peerLimit: 1 });
  try {
    const peer = await connectPeer(host, port, 0);
    const inbox = new Inbox(peer);
    for (let i = 0; i < CHANNELS; i++) await inbox.next(5000); // greetings
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const ch = i % CHANNELS;
      peer.send(ch, fill(size, ch, i), PacketFlag.Reliable);
      const r = await inbox.next(30_000);
      if (!r || !check(r.data, size, ch, i)) throw new Error(`echo ${i} missing or wrong`);
    }
    const seconds = (performance.now() - start) / 1000;
    peer.disconnect();
    await inbox.untilDisconnect(1000);
    return count / seconds;
  } finally {
    await host.close();
  }
}

/** The C client, same loop. */
async function theirs(
  binary: string,
  mode: 'rtt' | 'bulk',
  port: number,
  count: number,
  size: number,
): Promise<number> {
  const client = CPeer.start(binary, [mode, String(port), String(count), String(size)]);
  const line = await client.line('result ', 120_000);
  await client.stop();
  const [, , done, seconds] = line.split(' ');
  if (Number(done) !== count) throw new Error(`C client finished ${done}/${count}`);
  return count / Number(seconds);
}

async function throughRelay<T>(port: number, run: (relayPort: number) => Promise<T>): Promise<T> {
  const relay = await startLossyRelayProcess(port, 0.1, 11);
  try {
    return await run(relay.port);
  } finally {
    await relay.close();
  }
}

export async function benchTeleportEnet(line: Line): Promise<void> {
  const built = buildCPeer();
  if ('skip' in built) {
    line('ENet round trips vs the C library', 'skipped', built.skip, null);
    return;
  }
  const server = CPeer.start(built.binary, ['server']);
  try {
    const port = Number((await server.line('port ')).split(' ')[1]);
    const fmt = (n: number) => Math.round(n).toLocaleString('en');

    const c = await theirs(built.binary, 'rtt', port, 20_000, 64);
    const ts = await ours(port, 20_000, 64);
    line('ENet 64 B reliable round trips, C client → C server', `${fmt(c)} RT/s`, '—', null);
    line(
      '  our client → C server',
      `${fmt(ts)} RT/s (${((ts / c) * 100).toFixed(0)} % of C)`,
      '≥ 25 % of C',
      ts >= 0.25 * c,
    );

    // Alternating rounds, so that the machine's load (it is shared) weighs on both sides alike.
    let cTime = 0;
    let tsTime = 0;
    const rounds = 4;
    const perRound = 500;
    for (let r = 0; r < rounds; r++) {
      cTime += perRound / (await throughRelay(port, (p) => theirs(built.binary, 'rtt', p, perRound, 64)));
      tsTime += perRound / (await throughRelay(port, (p) => ours(p, perRound, 64)));
    }
    const cLoss = (rounds * perRound) / cTime;
    const tsLoss = (rounds * perRound) / tsTime;
    line('  same, 10 % loss each way: C client', `${fmt(cLoss)} RT/s`, '—', null);
    line(
      '  10 % loss each way: our client',
      `${fmt(tsLoss)} RT/s (${((tsLoss / cLoss) * 100).toFixed(0)} % of C)`,
      '≥ 90 % of C',
      tsLoss >= 0.9 * cLoss,
    );

    const size = 300_000;
    const cBulk = await theirs(built.binary, 'bulk', port, 40, size);
    const tsBulk = await ours(port, 40, size);
    const mb = (rt: number) => ((rt * size) / 1e6).toFixed(1);
    line('ENet 300 KB echoes, C client → C server', `${cBulk.toFixed(1)} /s (${mb(cBulk)} MB/s each way)`, '—', null);
    line('  our client → C server', `${tsBulk.toFixed(1)} /s (${mb(tsBulk)} MB/s each way)`, '—', null);
  } finally {
    await server.stop();
  }
}
