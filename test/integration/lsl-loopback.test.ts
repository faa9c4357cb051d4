/**
 * Our LSL inlet against our LSL outlet over real loopback sockets: resolving by name, type, source_id and
 * hostname; every channel format; full info; the 1.00 feed; 404; time correction (also against a skewed
 * outlet clock); and faults: garbage requests and datagrams, a bad test pattern, a truncated feed, an
 * outlet restart with the same source_id, a consumer that never reads.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { CHANNEL_FORMATS, channelsDesc, describedChannels } from '../../main/protocols/lsl/info';
import { fetchFullInfo } from '../../main/protocols/lsl/inlet';
import {
  readArchiveHeader,
  SampleDecoder100,
  testPatternValues,
  type DecodedSample,
  type SampleValues,
} from '../../main/protocols/lsl/samples';
import type { LslOutlet } from '../../main/protocols/lsl/outlet';
import { waitFor } from '../integration/natnet-helpers';
import { LOOPBACK, openInlet, resolveOn, startOutlet, targetsOf } from '../helpers/lsl-loopback';

function valuesFor(format: (typeof CHANNEL_FORMATS)[number], i: number): SampleValues {
  if (format === 'string') return [`marker ${i}`, '', 'x'.repeat(i % 3 ? 5 : 400), 'ü'];
  if (format === 'int64') return [BigInt(i), -BigInt(i) * 4294967296n, 9007199254740993n, -1n];
  return [i, -i || 0, i % 100, 1];
}

test('resolve by name, type, source_id and hostname; no answer to a query that does not match', async (t) => {
  const a = await startOutlet(t, { name: 'Alpha', type: 'EEG', sourceId: 'src-a' });
  const b = await startOutlet(t, {
    name: 'Beta',
    type: 'Markers',
    sourceId: 'src-b',
    channelFormat: 'string',
    channelCount: 1,
    nominalSrate: 0,
  });
  const targets = () => targetsOf([a, b]);
  const byName = await resolveOn(targets, "name='Alpha'");
  assert.deepEqual(
    byName.map((s) => s.info.uid),
    [a.info.uid],
  );
  assert.equal(byName[0]!.address, LOOPBACK);
  assert.equal(byName[0]!.info.v4dataPort, a.dataPort);
  assert.deepEqual(
    (await resolveOn(targets, "type='Markers'")).map((s) => s.info.name),
    ['Beta'],
  );
  assert.deepEqual(
    (await resolveOn(targets, "source_id='src-b'")).map((s) => s.info.name),
    ['Beta'],
  );
  const both = await resolveOn(targets, "hostname='testhost'", 3000, 2);
  assert.deepEqual(both.map((s) => s.info.name).sort(), ['Alpha', 'Beta']);
  // Duplicates (responder and service port both answer) are merged by uid.
  assert.equal(both.length, 2);
  assert.deepEqual(await resolveOn(targets, "name='Gamma'", 400), []);
});

test('every channel format streams intact, with sent and deduced timestamps', async (t) => {
  for (const format of CHANNEL_FORMATS) {
    const outlet = await startOutlet(t, { channelFormat: format, sourceId: `fmt-${format}` });
    const [stream] = await resolveOn(() => targetsOf([outlet]), `source_id='fmt-${format}'`);
    const r = openInlet(t, stream!, undefined, { timeCorrection: false });
    await waitFor(() => outlet.consumerCount === 1 && r.inlet.currentState === 'streaming', 5000, `${format} feed`);
    for (let i = 0; i < 20; i++) {
      if (i % 2) outlet.pushChunk([{ timestamp: undefined, values: valuesFor(format, i) }]);
      else outlet.pushSample(valuesFor(format, i), 1000 + i / 100);
    }
    outlet.pushChunk([
      { timestamp: 2000, values: valuesFor(format, 20) },
      { timestamp: undefined, values: valuesFor(format, 21) },
    ]);
    await waitFor(() => r.samples.length === 22, 5000, `${format} samples`);
    for (let i = 0; i < 20; i++) {
      const expected = valuesFor(format, i);
      assert.deepEqual(
        r.samples[i]!.values,
        format === 'float32' ? (expected as number[]).map(Math.fround) : expected,
        `${format} ${i}`,
      );
      assert.ok(Math.abs(r.samples[i]!.timestamp - (1000 + i / 100)) < 1e-9, `${format} ts ${i}`);
      assert.equal(r.samples[i]!.deduced, i % 2 === 1);
    }
    assert.equal(r.samples[21]!.timestamp, 2000.01);
    await r.inlet.close();
    await outlet.close();
  }
});

test('irregular rate: markers keep their own timestamps', async (t) => {
  const outlet = await startOutlet(t, {
    channelFormat: 'string',
    channelCount: 1,
    nominalSrate: 0,
    sourceId: 'markers',
  });
  const [stream] = await resolveOn(() => targetsOf([outlet]), "source_id='markers'");
  const r = openInlet(t, stream!, undefined, { timeCorrection: false });
  await waitFor(() => r.inlet.currentState === 'streaming', 5000, 'feed');
  outlet.pushSample(['start'], 10.25);
  outlet.pushSample(['stop'], 12.5);
  await waitFor(() => r.samples.length === 2, 5000, 'markers');
  assert.deepEqual(
    r.samples.map((s) => [s.values[0], s.timestamp]),
    [
      ['start', 10.25],
      ['stop', 12.5],
    ],
  );
});

test('full info carries desc; a 1.00 feed and a 404 as liblsl serves them', async (t) => {
  const desc = channelsDesc([
    { label: 'Fz', unit: 'microvolts', type: 'EEG' },
    { label: 'Cz', unit: 'microvolts', type: 'EEG' },
  ]);
  const outlet = await startOutlet(t, { channelCount: 2, desc, sourceId: 'full' });
  const full = await fetchFullInfo(LOOPBACK, outlet.dataPort);
  assert.deepEqual(describedChannels(full.desc), [
    { label: 'Fz', unit: 'microvolts', type: 'EEG' },
    { label: 'Cz', unit: 'microvolts', type: 'EEG' },
  ]);
  assert.equal(full.uid, outlet.info.uid);

  const raw = net.connect({ host: LOOPBACK, port: outlet.dataPort });
  t.after(() => raw.destroy());
  let got = Buffer.alloc(0);
  raw.on('data', (c: Buffer) => (got = Buffer.concat([got, c])));
  raw.write('LSL:streamfeed\r\n100 0\r\n');
  await waitFor(() => outlet.consumerCount === 1, 5000, '1.00 consumer');
  outlet.pushSample([1.5, -2.5], 77.25);
  const dec = new SampleDecoder100({ format: 'float32', channels: 2, nominalSrate: 100 });
  const samples: DecodedSample[] = [];
  let shortInfo = '';
  let fed = 0;
  await waitFor(
    () => {
      if (fed === 0) {
        const h = readArchiveHeader(got, 1 << 20);
        if (!h) return false;
        shortInfo = h.shortInfo;
        fed = h.consumed;
      }
      if (got.length > fed) {
        dec.push(got.subarray(fed));
        fed = got.length;
      }
      for (let s = dec.next(); s; s = dec.next()) samples.push(s);
      return samples.length >= 3;
    },
    5000,
    '1.00 samples',
  );
  assert.match(shortInfo, /<uid>[0-9a-f-]{36}<\/uid>/);
  assert.deepEqual(samples[0]!.values, testPatternValues('float32', 2, 4));
  assert.deepEqual(samples[1]!.values, testPatternValues('float32', 2, 2));
  assert.deepEqual(samples[2], { timestamp: 77.25, deduced: false, values: [1.5, -2.5] });

  const wrong = net.connect({ host: LOOPBACK, port: outlet.dataPort });
  let answer = '';
  wrong.on('data', (c: Buffer) => (answer += c.toString()));
  wrong.write('LSL:streamfeed/110 not-this-uid\r\nValue-Size: 4\r\n\r\n');
  await new Promise((r) => wrong.on('close', r));
  assert.equal(answer, 'LSL/110 404 Not found');
});

test('time correction: near zero against our own clock; −100 s against an outlet 100 s ahead', async (t) => {
  const same = await startOutlet(t, { sourceId: 'tc-same' });
  const skewed = await startOutlet(t, {
    sourceId: 'tc-skew',
    clock: () => Number(process.hrtime.bigint()) / 1e9 + 100,
  });
  const targets = () => targetsOf([same, skewed]);
  const fast = { intervalMs: 300, probes: 8, probeIntervalMs: 5, minProbes: 6 };
  const a = openInlet(t, (await resolveOn(targets, "source_id='tc-same'"))[0]!, undefined, {
    timeCorrection: fast,
  });
  const b = openInlet(t, (await resolveOn(targets, "source_id='tc-skew'"))[0]!, undefined, {
    timeCorrection: fast,
  });
  await waitFor(
    () => a.inlet.timeCorrection !== undefined && b.inlet.timeCorrection !== undefined,
    10_000,
    'estimates',
  );
  const ca = a.inlet.timeCorrection!;
  const cb = b.inlet.timeCorrection!;
  assert.ok(Math.abs(ca.correction) <= ca.uncertainty + 1e-4, `same clock: ${JSON.stringify(ca)}`);
  assert.ok(Math.abs(cb.correction + 100) <= cb.uncertainty + 1e-4, `skewed: ${JSON.stringify(cb)}`);
  assert.ok(cb.uncertainty < 0.5);
  // An outlet timestamp maps to host time: the skewed outlet's "now" is our now.
  const hostNow = (performance.timeOrigin + performance.now()) * 1e6;
  const mapped = b.inlet.toHostNs(Number(process.hrtime.bigint()) / 1e9 + 100)!;
  assert.ok(Math.abs(mapped - hostNow) < 50e6, `mapped ${(mapped - hostNow) / 1e6} ms off`);
});

test('faults: garbage requests and datagrams are counted; the outlet keeps serving', async (t) => {
  const outlet = await startOutlet(t, { sourceId: 'garbage' });
  const udp = dgram.createSocket('udp4');
  t.after(() => udp.close());
  for (const junk of [
    'LSL:nonsense\r\n',
    'LSL:shortinfo\r\nname=\r\nnot-a-port x\r\n',
    '\x00\xff\x10',
    'LSL:timedata\r\nabc\r\n',
  ])
    udp.send(Buffer.from(junk, 'latin1'), outlet.info.v4servicePort, LOOPBACK);
  const tcp = net.connect({ host: LOOPBACK, port: outlet.dataPort });
  tcp.on('error', () => {});
  tcp.write('GET / HTTP/1.1\r\n\r\n');
  await waitFor(() => outlet.stats.badRequests >= 4, 5000, 'counted bad requests');
  const [stream] = await resolveOn(() => targetsOf([outlet]), "name='Test'");
  const r = openInlet(t, stream!, undefined, { timeCorrection: false });
  await waitFor(() => r.inlet.currentState === 'streaming', 5000, 'feed after garbage');
  outlet.pushSample([1, 2, 3, 4]);
  await waitFor(() => r.samples.length === 1, 5000, 'sample');
});

/** A fake outlet that answers the feed request with `reply(uid)` and then behaves as `after` says. */
async function fakeOutlet(
  t: import('node:test').TestContext,
  body: (uid: string) => Buffer,
  closeAfter: boolean,
): Promise<number> {
  const server = net.createServer((s) => {
    let req = '';
    s.on('data', (c: Buffer) => {
      req += c.toString();
      if (!req.includes('\r\n\r\n')) return;
      const uid = /streamfeed\/110 (\S+)/.exec(req)![1]!;
      s.write(body(uid));
      if (closeAfter) s.end();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, LOOPBACK, r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

test('faults: a wrong test pattern and a truncated feed end the connection as counted bad feeds', async (t) => {
  const outlet = await startOutlet(t, { sourceId: 'proto' });
  const [stream] = await resolveOn(() => targetsOf([outlet]), "source_id='proto'");
  const header = (uid: string) =>
    `LSL/110 200 OK\r\nUID: ${uid}\r\nByte-Order: 1234\r\nSuppress-Subnormals: 0\r\nData-Protocol-Version: 110\r\n\r\n`;
  const wrongPattern = await fakeOutlet(
    t,
    (uid) => Buffer.concat([Buffer.from(header(uid)), Buffer.from('02' + '00'.repeat(8 + 16), 'hex')]),
    false,
  );
  const states: string[] = [];
  const r = openInlet(t, { ...stream!, info: { ...stream!.info, v4dataPort: wrongPattern } }, undefined, {
    timeCorrection: false,
    onState: (s, reason) => states.push(`${s}:${reason ?? ''}`),
  });
  await waitFor(() => r.inlet.stats.badFeeds === 1, 5000, 'bad test pattern');
  assert.match(r.inlet.stats.lastError ?? '', /test pattern/);
  await waitFor(() => states.some((s) => s.startsWith('closed')), 5000, 'closed');

  const garbageTag = await fakeOutlet(
    t,
    (uid) => Buffer.concat([Buffer.from(header(uid)), Buffer.from('09', 'hex')]),
    false,
  );
  const g = openInlet(t, { ...stream!, info: { ...stream!.info, v4dataPort: garbageTag } }, undefined, {
    timeCorrection: false,
  });
  await waitFor(() => g.inlet.stats.badFeeds === 1, 5000, 'bad tag');
  assert.match(g.inlet.stats.lastError ?? '', /bad sample tag 9/);

  const truncated = await fakeOutlet(t, (uid) => Buffer.concat([Buffer.from(header(uid).slice(0, 30))]), true);
  const tr = openInlet(t, { ...stream!, info: { ...stream!.info, v4dataPort: truncated } }, undefined, {
    timeCorrection: false,
  });
  await waitFor(() => tr.inlet.currentState === 'closed', 5000, 'truncated header ends the feed');
  assert.equal(tr.samples.length, 0);
});

test('outlet restart with the same source_id: the inlet re-resolves and continues on the new instance', async (t) => {
  let outlet: LslOutlet = await startOutlet(t, { sourceId: 'restart-me' });
  const targets = () => targetsOf([outlet]);
  const [stream] = await resolveOn(targets, "source_id='restart-me'");
  const r = openInlet(t, stream!, targets, { timeCorrection: false });
  await waitFor(() => r.inlet.currentState === 'streaming', 5000, 'first feed');
  outlet.pushSample([1, 1, 1, 1], 1);
  await waitFor(() => r.samples.length === 1, 5000, 'first sample');
  const firstUid = outlet.info.uid;
  await outlet.close();
  await waitFor(() => r.states.includes('recovering'), 5000, 'recovering');
  outlet = await startOutlet(t, { sourceId: 'restart-me' });
  assert.notEqual(outlet.info.uid, firstUid);
  await waitFor(
    () => r.inlet.info.uid === outlet.info.uid && r.inlet.currentState === 'streaming',
    15_000,
    'recovered',
  );
  outlet.pushSample([2, 2, 2, 2], 2);
  await waitFor(() => r.samples.length === 2, 5000, 'sample after restart');
  assert.deepEqual(r.samples[1]!.values, [2, 2, 2, 2]);
  assert.ok(r.inlet.stats.connections >= 2);
});

test('slow consumer: a reader that never reads costs counted drops, not memory; others keep up', async (t) => {
  const outlet = await startOutlet(t, { channelCount: 64, sourceId: 'slow', maxQueuedBytes: 256 * 1024 });
  const [stream] = await resolveOn(() => targetsOf([outlet]), "source_id='slow'");
  const stuck = net.connect({ host: LOOPBACK, port: outlet.dataPort });
  t.after(() => stuck.destroy());
  stuck.on('connect', () => {
    stuck.write(`LSL:streamfeed/110 ${outlet.info.uid}\r\nValue-Size: 4\r\nMax-Buffer-Length: 1000\r\n\r\n`);
    stuck.pause();
  });
  const r = openInlet(t, stream!, undefined, { timeCorrection: false });
  await waitFor(() => outlet.consumerCount === 2 && r.inlet.currentState === 'streaming', 5000, 'two consumers');
  const values = Array.from({ length: 64 }, (_, k) => k);
  const total = 20_000;
  for (let i = 0; i < total; i++) {
    outlet.pushSample(values, i);
    // Let the healthy inlet read between bursts, as a real acquisition loop would.
    if (i % 500 === 499) await new Promise((res) => setImmediate(res));
  }
  await waitFor(
    () => r.samples.length + 0 >= total - outlet.stats.samplesDropped && outlet.stats.samplesDropped > 0,
    20_000,
    'drops counted',
  );
  assert.ok(outlet.stats.samplesDropped > 0);
  // Only the stuck reader lost samples: the healthy one got them all, in order.
  await waitFor(() => r.samples.length === total, 20_000, 'healthy inlet complete');
  assert.equal(r.samples[total - 1]!.timestamp, total - 1);
});

test('a consumer that throws ends its feed as a counted bad feed; nothing escapes the socket handler', async (t) => {
  const outlet = await startOutlet(t, { sourceId: 'throwing' });
  const [stream] = await resolveOn(() => targetsOf([outlet]), "source_id='throwing'");
  const r = openInlet(t, stream!, undefined, {
    timeCorrection: false,
    onSample: () => {
      throw new Error('consumer bug');
    },
  });
  await waitFor(() => r.inlet.currentState === 'streaming', 5000, 'feed');
  outlet.pushSample([1, 2, 3, 4]);
  await waitFor(() => r.inlet.stats.badFeeds === 1, 5000, 'counted');
  assert.equal(r.inlet.stats.lastError, 'consumer bug');
  // A datagram the responder cannot use is counted too.
  const udp = dgram.createSocket('udp4');
  t.after(() => udp.close());
  udp.send(Buffer.from('LSL:shortinfo\r\n\r\n0 x\r\n'), outlet.responderPort!, LOOPBACK);
  await waitFor(() => outlet.stats.badRequests >= 1, 5000, 'bad request counted');
});
