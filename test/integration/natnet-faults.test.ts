/**
 * The NatNet client under a bad network and a hostile one: loss, duplicates, reordering, truncated
 * and garbage datagrams from the simulator's fault injector, and hand-made hostile datagrams sent
 * straight at the client's socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { encodeMessage } from '../../main/protocols/natnet/codec';
import type { MotiveSimulator } from '../../main/protocols/natnet/simulator';
import { LOOPBACK, assertStrictlyIncreasing, clientFor, sleep, startSimulator, waitFor } from './natnet-helpers';

/** Connects and records the client's endpoint as the simulator saw it (to aim hostile datagrams at it). */
async function connectWatched(t: Parameters<typeof clientFor>[0], sim: MotiveSimulator) {
  const endpoints: { address: string; port: number }[] = [];
  sim.on('client', (e) => endpoints.push({ address: e.address, port: e.port }));
  const made = clientFor(t, sim);
  await made.client.connect();
  await waitFor(() => made.samples.length >= 5 && endpoints.length > 0, 3000, 'first samples');
  return { ...made, endpoint: endpoints[0]! };
}

test('10% loss: frames keep coming and the gaps are counted as dropped', async (t) => {
  const sim = await startSimulator(t, { rateHz: 250, faults: { lossRate: 0.1, seed: 42 } });
  const { client, samples } = clientFor(t, sim);
  await client.connect();
  await waitFor(() => samples.length >= 1, 3000, 'first sample');
  const before = { sim: sim.stats(), dropped: client.counters().dropped };
  await waitFor(() => samples.length >= 600, 5000, '600 samples');
  const after = { sim: sim.stats(), dropped: client.counters().dropped };
  const { malformed } = client.counters();
  const first = samples[0]!.frameNumber!;
  const last = samples.at(-1)!.frameNumber!;
  // Every frame number in the span was either emitted or counted missing.
  assert.equal(samples.length + client.counters().dropped, last - first + 1);
  // What the client counted matches what the simulator lost or (when the machine is overloaded and
  // the simulator falls more than a burst behind) never sent — up to the frames in flight at either end.
  const lost = after.sim.faults.lost - before.sim.faults.lost;
  const skipped = after.sim.framesSkipped - before.sim.framesSkipped;
  const counted = after.dropped - before.dropped;
  assert.ok(
    Math.abs(counted - (lost + skipped)) <= 5,
    `client counted ${counted}, simulator lost ${lost} + skipped ${skipped}`,
  );
  const sent = after.sim.framesSent - before.sim.framesSent;
  assert.ok(lost / sent > 0.06 && lost / sent < 0.14, `the injector lost ${lost} of ${sent}`);
  assert.equal(malformed, 0);
  assertStrictlyIncreasing(samples.map((s) => s.frameNumber!));
  t.diagnostic(
    `10% loss: the simulator lost ${lost} of ${sent} frames (skipped ${skipped}); the client counted ${counted} dropped`,
  );
});

test('duplicates and reordering: discarded, counted, frame numbers strictly increasing', async (t) => {
  const sim = await startSimulator(t, { rateHz: 250, faults: { duplicateRate: 0.1, reorderRate: 0.1, seed: 7 } });
  const { client, samples } = clientFor(t, sim);
  await client.connect();
  await waitFor(() => samples.length >= 400, 5000, '400 samples');
  assertStrictlyIncreasing(samples.map((s) => s.frameNumber!));
  const frames = samples.map((s) => s.frameNumber!);
  const { dropped, malformed, packets } = client.counters();
  const diag = client.diagnostics();
  assert.ok(diag.duplicates > 10, `duplicates ${diag.duplicates}`);
  assert.ok(diag.lateFrames > 10, `late frames ${diag.lateFrames}`);
  assert.equal(malformed, 0);
  assert.ok(packets > samples.length, 'duplicates reached the client');
  // Each frame is either delivered or dropped once: neither a duplicate nor a late copy counts twice.
  assert.equal(samples.length + dropped, frames.at(-1)! - frames[0]! + 1);
  t.diagnostic(
    `dup+reorder 10% each: ${samples.length} samples, ${dropped} dropped, ${diag.duplicates} duplicates, ${diag.lateFrames} late`,
  );
});

test('garbage and truncated datagrams: counted as malformed, streaming goes on', async (t) => {
  const sim = await startSimulator(t, { rateHz: 250, faults: { garbageRate: 0.05, truncateRate: 0.05, seed: 3 } });
  const { client, samples, downs } = clientFor(t, sim);
  await client.connect();
  await waitFor(() => samples.length >= 400, 5000, '400 samples');
  const { malformed } = client.counters();
  assert.ok(malformed >= 10, `malformed ${malformed}`);
  assertStrictlyIncreasing(samples.map((s) => s.frameNumber!));
  assert.equal(client.status().state, 'streaming');
  assert.deepEqual(downs, []);
  t.diagnostic(`garbage+truncate 5% each: ${malformed} malformed, ${samples.length} samples`);
});

test('setFaults at runtime: a burst of total loss, then recovery', async (t) => {
  const sim = await startSimulator(t, { rateHz: 200 });
  const { client, samples } = clientFor(t, sim);
  await client.connect();
  await waitFor(() => samples.length >= 20, 3000, 'samples');
  sim.setFaults({ lossRate: 1 });
  await sleep(200);
  sim.setFaults({ lossRate: 0 });
  const before = samples.length;
  await waitFor(() => samples.length > before + 20, 3000, 'samples after the burst');
  assert.ok(client.counters().dropped >= 20, `dropped ${client.counters().dropped}`);
});

test('hostile datagrams at the client socket: counted, never thrown, streaming goes on', async (t) => {
  const sim = await startSimulator(t, { rateHz: 120 });
  const { client, samples, downs, endpoint } = await connectWatched(t, sim);
  const raw = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => raw.bind(0, LOOPBACK, resolve));
  t.after(() => raw.close());
  const send = (bytes: Uint8Array) =>
    new Promise<Error | null>((resolve) => raw.send(bytes, endpoint.port, endpoint.address, (e) => resolve(e ?? null)));

  const before = client.counters();
  const unknownBefore = client.diagnostics().unknownMessages;
  const malformed: Uint8Array[] = [
    // Frame whose marker-set count is 2^31 - 1 (a decoder that trusts it allocates gigabytes).
    header(7, le32(1000, 0x7fffffff, 0)),
    // Frame with count 0x80000000 (negative as i32).
    header(7, le32(1000, 0x80000000 >>> 0)),
    // Model definitions: one marker set whose name runs to the end without a NUL.
    header(5, concat(le32(1, 0), new TextEncoder().encode('x'.repeat(300)))),
    // Empty datagram.
    new Uint8Array(0),
    // Header only, but announcing 200 payload bytes.
    Uint8Array.of(7, 0, 200, 0),
    // 3 bytes: shorter than a header.
    Uint8Array.of(1, 2, 3),
    // Echo response of the wrong size.
    header(13, new Uint8Array(5)),
    // The largest IPv4 UDP payload (65,507 bytes) claiming a 65,535-byte frame.
    concat(Uint8Array.of(7, 0, 0xff, 0xff), new Uint8Array(65_503).fill(0xff)),
    // A frame of maximal size filled with 0xff under a correct header.
    header(7, new Uint8Array(65_503).fill(0xff)),
  ];
  for (const d of malformed) assert.equal(await send(d), null);
  // Unknown message id: harmless, counted apart from malformed.
  assert.equal(await send(header(0x7777, new Uint8Array(8))), null);
  // 70 KB does not fit one UDP/IPv4 datagram: the sender's kernel refuses it, nothing reaches us.
  const tooBig = await send(new Uint8Array(70 * 1024));
  assert.match(String(tooBig?.message), /EMSGSIZE/);

  await waitFor(
    () => client.counters().malformed >= before.malformed + malformed.length,
    2000,
    'hostile datagrams counted as malformed',
  );
  await waitFor(() => client.diagnostics().unknownMessages > unknownBefore, 2000, 'unknown id counted');
  assert.equal(client.counters().malformed, before.malformed + malformed.length);
  const count = samples.length;
  await waitFor(() => samples.length > count + 10, 2000, 'streaming after the hostile datagrams');
  assert.equal(client.status().state, 'streaming');
  assert.deepEqual(downs, []);
  assert.match(client.diagnostics().lastDecodeError ?? '', /\S/);
});

test('a forged echo answer (a stamp the client never sent) cannot move the clock', async (t) => {
  const sim = await startSimulator(t);
  const { client, endpoint } = await connectWatched(t, sim);
  await waitFor(() => client.status().clock !== undefined, 2000, 'clock');
  const offsetBefore = client.status().clock!.offsetNs;
  const raw = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => raw.bind(0, LOOPBACK, resolve));
  t.after(() => raw.close());
  const forged = encodeMessage({ type: 'echoResponse', clientStamp: 12345n, serverTicks: 1 }, [4, 1, 0, 0]);
  for (let i = 0; i < 20; i++) raw.send(forged, endpoint.port, endpoint.address);
  await sleep(300);
  assert.ok(Math.abs(client.status().clock!.offsetNs - offsetBefore) < 5e6, 'offset unchanged by forged echoes');
  assert.deepEqual(client.status().state, 'streaming');
});

function header(id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, id, true);
  view.setUint16(2, Math.min(0xffff, payload.length), true);
  out.set(payload, 4);
  return out;
}

function le32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
