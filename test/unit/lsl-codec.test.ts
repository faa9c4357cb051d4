/**
 * LSL codecs against liblsl 1.17.7's own bytes (test/fixtures/lsl, see test/fixtures/README.md): resolver
 * query and reply, short and full info re-written byte for byte, feed request and response, the test
 * pattern and live samples of the 1.10 feed, the start of a 1.00 feed, a time-correction exchange; then
 * every channel format through both feeds and both byte orders.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fullInfoXml,
  infoTree,
  parseStreamInfo,
  shortInfoXml,
  channelsDesc,
  describedChannels,
  formatLslDouble,
  CHANNEL_FORMATS,
  type ChannelFormat,
  type StreamInfo,
} from '../../main/protocols/lsl/info';
import {
  decodeFeedResponse,
  decodeResolveReply,
  decodeServiceRequest,
  decodeTcpRequest,
  decodeTimeReply,
  encodeFeedRequest110,
  encodeFeedResponse,
  encodeResolveQuery,
  encodeResolveReply,
  encodeTimeReply,
  negotiateFeed,
  type FeedRequest,
} from '../../main/protocols/lsl/messages';
import { matchesQuery, QueryError } from '../../main/protocols/lsl/query';
import {
  encodeArchiveHeader,
  encodeSamples100,
  encodeSamples110,
  isTestPattern,
  readArchiveHeader,
  SampleDecoder100,
  SampleDecoder110,
  testPatternSample,
  testPatternValues,
  type Sample,
  type SampleValues,
} from '../../main/protocols/lsl/samples';
import { estimateCorrection, probeAsRoundTrip } from '../../main/protocols/lsl/time';
import { parseXml, XmlError } from '../../main/protocols/lsl/xml';
import { fixtureBytes, fixtureLine, fixtureSample, fixtureText, hexBytes, toHex } from '../helpers/lsl-fixture';

const QUERY = fixtureBytes('== UDP query sent');
const REPLY = fixtureBytes('== UDP reply');
const FULL = fixtureText('== TCP LSL:fullinfo reply');
const FEED_REQUEST = fixtureBytes('== TCP streamfeed/110 request');
const FEED_RESPONSE = fixtureBytes('== response header');
const UID = '2e280ca1-4d06-4d2d-959f-7d121acfc2d5';

function shortInfo(): { xml: string; info: StreamInfo } {
  const { queryId, xml } = decodeResolveReply(REPLY);
  assert.equal(queryId, '424242');
  return { xml, info: parseStreamInfo(xml) };
}

test('resolver query: decoded from and re-encoded to liblsl bytes', () => {
  const req = decodeServiceRequest(QUERY);
  assert.deepEqual(req, {
    kind: 'shortinfo',
    query: { query: "session_id='default' and name='TestStream'", returnPort: 58379, queryId: '424242' },
  });
  assert.equal(toHex(encodeResolveQuery(req.kind === 'shortinfo' ? req.query : assert.fail())), toHex(QUERY));
});

test('short info: fields read, XML re-written byte for byte, reply re-encoded', () => {
  const { xml, info } = shortInfo();
  assert.equal(info.name, 'TestStream');
  assert.equal(info.type, 'Mocap');
  assert.equal(info.channelCount, 7);
  assert.equal(info.channelFormat, 'float32');
  assert.equal(info.sourceId, 'peer-outlet-uid-1');
  assert.equal(info.nominalSrate, 100);
  assert.equal(info.version, 110);
  assert.equal(info.createdAt, 29255.523907373);
  assert.equal(info.uid, UID);
  assert.equal(info.sessionId, 'default');
  assert.equal(info.hostname, 'vm');
  assert.equal(info.v4address, '');
  assert.equal(info.v4dataPort, 16572);
  assert.equal(info.v4servicePort, 16572);
  assert.equal(info.v6dataPort, 0);
  assert.equal(shortInfoXml(info), xml);
  assert.equal(toHex(encodeResolveReply('424242', shortInfoXml(info))), toHex(REPLY));
});

test('full info: desc channels read, whole document re-written byte for byte', () => {
  const info = parseStreamInfo(FULL);
  assert.deepEqual(
    describedChannels(info.desc),
    Array.from({ length: 7 }, (_, k) => ({ label: `C${k}`, unit: 'mm' })),
  );
  assert.equal(fullInfoXml(info), FULL);
  // The same desc built by our helper writes the same document.
  const rebuilt = {
    ...info,
    desc: channelsDesc(Array.from({ length: 7 }, (_, k) => ({ label: `C${k}`, unit: 'mm' }))),
  };
  assert.equal(fullInfoXml(rebuilt), FULL);
  assert.equal(shortInfoXml(info), shortInfo().xml);
});

test('liblsl number formatting (%#.16g)', () => {
  assert.equal(formatLslDouble(100), '100.0000000000000');
  assert.equal(formatLslDouble(1.1), '1.100000000000000');
  assert.equal(formatLslDouble(0), '0.000000000000000');
  assert.equal(formatLslDouble(500), '500.0000000000000');
  assert.equal(formatLslDouble(1e-5), '1.000000000000000e-05');
  assert.equal(formatLslDouble(1e20), '1.000000000000000e+20');
});

test('queries on name, type, source_id, hostname, with and/or/not and functions', () => {
  const tree = infoTree(parseStreamInfo(FULL));
  const yes = [
    "session_id='default' and name='TestStream'",
    "type='Mocap'",
    "source_id='peer-outlet-uid-1'",
    "hostname='vm'",
    'name=\'nope\' or type="Mocap"',
    "not(name='nope')",
    "starts-with(name, 'Test')",
    "contains(source_id, 'outlet')",
    'channel_count>=7 and nominal_srate>99.5',
    "desc/channels/channel/label='C6'",
    '',
  ];
  for (const q of yes) assert.equal(matchesQuery(q, tree), true, q);
  const no = [
    "name='TestStreamX'",
    "type='EEG' and name='TestStream'",
    'channel_count<7',
    "desc/channels/channel/label='C7'",
    "hostname!='vm'",
  ];
  for (const q of no) assert.equal(matchesQuery(q, tree), false, q);
  for (const bad of ["name='x", 'name==', 'evaluate(1)', "name='a' and", '(((', "name='a')"])
    assert.throws(() => matchesQuery(bad, tree), QueryError, bad);
  assert.throws(() => matchesQuery('('.repeat(100) + '1' + ')'.repeat(100), tree), QueryError);
});

test('feed request 1.10: our inlet writes liblsl bytes; our outlet reads them', () => {
  assert.equal(
    toHex(encodeFeedRequest110({ uid: UID, valueSize: 4, maxBufferLength: 360, maxChunkLength: 0 })),
    toHex(FEED_REQUEST),
  );
  const r = decodeTcpRequest(FEED_REQUEST);
  assert.ok(r && r.request.kind === 'streamfeed');
  assert.equal(r.consumed, FEED_REQUEST.length);
  assert.deepEqual(r.request.feed, {
    protocol: 110,
    uid: UID,
    byteOrder: 1234,
    endianPerformance: 0,
    hasIeee754Floats: true,
    supportsSubnormals: true,
    valueSize: 4,
    dataProtocolVersion: 110,
    maxBufferLength: 360,
    maxChunkLength: 0,
  });
  // Incomplete: asks for more.
  assert.equal(decodeTcpRequest(FEED_REQUEST.subarray(0, FEED_REQUEST.length - 1)), undefined);
});

test('feed response: our outlet writes liblsl bytes; our inlet reads them', () => {
  const enc = encodeFeedResponse({ uid: UID, byteOrder: 1234, suppressSubnormals: false, dataProtocolVersion: 110 });
  assert.equal(toHex(enc), toHex(FEED_RESPONSE));
  const r = decodeFeedResponse(FEED_RESPONSE);
  assert.ok(r);
  assert.equal(r.consumed, FEED_RESPONSE.length);
  assert.deepEqual(r.response, {
    protocol: 110,
    status: 200,
    message: 'OK',
    uid: UID,
    byteOrder: 1234,
    suppressSubnormals: false,
    dataProtocolVersion: 110,
  });
  const notFound = decodeFeedResponse(new TextEncoder().encode('LSL/110 404 Not found'), true);
  assert.equal(notFound?.response.status, 404);
});

test('negotiation: 404 for another uid, 505 for a newer major version, 1.00 for another value size', () => {
  const base: FeedRequest =
    decodeTcpRequest(FEED_REQUEST)!.request.kind === 'streamfeed'
      ? (decodeTcpRequest(FEED_REQUEST)!.request as { feed: FeedRequest }).feed
      : assert.fail();
  const info = { uid: UID, valueSize: 4, isString: false, isFloat: true };
  assert.equal(negotiateFeed(base, info).status, 200);
  assert.equal(negotiateFeed(base, info).dataProtocolVersion, 110);
  assert.equal(negotiateFeed({ ...base, uid: 'other' }, info).status, 404);
  assert.equal(negotiateFeed({ ...base, protocol: 210 }, info).status, 505);
  assert.equal(negotiateFeed({ ...base, valueSize: 8 }, info).dataProtocolVersion, 100);
  assert.equal(negotiateFeed({ ...base, supportsSubnormals: false }, info).suppressSubnormals, true);
});

test('1.10 samples: test pattern and live samples as liblsl sent them', () => {
  for (let i = 0; i < 5; i++) {
    const s = fixtureSample(i);
    assert.equal(s.tag, 2);
    const enc = encodeSamples110('float32', 7, [{ timestamp: s.ts, values: s.values }]);
    assert.equal(enc.length, 1 + 8 + 7 * 4);
    assert.equal(toHex(enc).slice(0, s.hexPrefix.length), s.hexPrefix, `sample ${i}`);
    const dec = new SampleDecoder110({ format: 'float32', channels: 7, nominalSrate: 100 });
    dec.push(enc);
    assert.deepEqual(dec.next(), { timestamp: s.ts, deduced: false, values: s.values });
  }
  assert.deepEqual(fixtureSample(0).values, testPatternValues('float32', 7, 4));
  assert.deepEqual(fixtureSample(1).values, testPatternValues('float32', 7, 2));
  const first = testPatternSample('float32', 7, 4);
  assert.ok(isTestPattern({ timestamp: first.timestamp, values: first.values }, 'float32', 7, 4));
  assert.ok(!isTestPattern({ timestamp: first.timestamp, values: first.values }, 'float32', 7, 2));
});

test('1.00 feed: archive header with the short info, then the first test-pattern sample as liblsl wrote them', () => {
  const line = fixtureLine('== TCP LSL:streamfeed (v1.00) first bytes');
  const leading = /bytes: ([0-9a-f]+)/.exec(line)![1]!;
  const { xml } = shortInfo();
  const header = encodeArchiveHeader(xml);
  assert.equal(toHex(header).slice(0, leading.length), leading);
  const after = fixtureLine('== TCP LSL:streamfeed (v1.00) bytes right after');
  const afterHex = /XML: ([0-9a-f ]+?) \.\.\./.exec(after)![1]!.replace(/ /g, '');
  const first = encodeSamples100('float32', 7, [testPatternSample('float32', 7, 4)], true);
  assert.equal(toHex(first).slice(0, afterHex.length), afterHex);
  // And our decoder reads what it wrote, header first.
  const second = encodeSamples100('float32', 7, [testPatternSample('float32', 7, 2)], false);
  const all = new Uint8Array([...header, ...first, ...second]);
  const h = readArchiveHeader(all, 1 << 20)!;
  assert.equal(h.shortInfo, xml);
  const dec = new SampleDecoder100({ format: 'float32', channels: 7, nominalSrate: 100 });
  dec.push(all.subarray(h.consumed));
  assert.deepEqual(dec.next()?.values, testPatternValues('float32', 7, 4));
  assert.deepEqual(dec.next()?.values, testPatternValues('float32', 7, 2));
  assert.equal(dec.next(), undefined);
});

test('time correction: request read, reply written as liblsl writes it, estimate from probes', () => {
  const req = decodeServiceRequest(fixtureBytes('== UDP timedata', 'port 16572 '));
  assert.deepEqual(req, { kind: 'timedata', waveId: 77, t0: 123.5, t0Text: '123.5' });
  const replyText = / -> '([^']*)'/.exec(fixtureLine('== UDP timedata'))![1]!;
  assert.equal(new TextDecoder().decode(encodeTimeReply(77, '123.5', 29257.325977817, 29257.326128263)), replyText);
  assert.deepEqual(decodeTimeReply(new TextEncoder().encode(replyText)), {
    waveId: 77,
    t0: 123.5,
    t1: 29257.325977817,
    t2: 29257.326128263,
  });
  // Remote clock 100 s ahead; the fastest probe (rtt 1 ms) wins.
  const probes = [0.004, 0.001, 0.003, 0.002, 0.005, 0.006].map((rtt, i) => ({
    t0: i,
    t1: i + 100 + rtt / 2,
    t2: i + 100 + rtt / 2,
    t3: i + rtt,
  }));
  const est = estimateCorrection(probes)!;
  assert.ok(Math.abs(est.correction + 100) < 1e-9);
  assert.ok(Math.abs(est.uncertainty - 0.001) < 1e-9);
  assert.equal(estimateCorrection(probes.slice(0, 5)), undefined);
  const rt = probeAsRoundTrip({ t0: 1, t1: 101.0005, t2: 101.0007, t3: 1.0012 });
  assert.ok(Math.abs(rt.hostReceiveNs - rt.hostSendNs - 1e6) < 1);
  assert.ok(Math.abs((rt.hostSendNs + rt.hostReceiveNs) / 2 - rt.deviceNs + 100e9) < 1);
});

function values(format: ChannelFormat, n: number, seed: number): SampleValues {
  switch (format) {
    case 'string':
      return Array.from({ length: n }, (_, k) => (k === 1 ? 'x'.repeat(300 + seed) : `m${seed}-${k} ü`));
    case 'int64':
      return Array.from({ length: n }, (_, k) => (k % 2 ? -9007199254740993n : 1n) * BigInt(seed * 10 + k + 1));
    case 'float32':
      return Array.from({ length: n }, (_, k) => Math.fround((seed + k) * 0.37 * (k % 2 ? -1 : 1)));
    case 'double64':
      return Array.from({ length: n }, (_, k) => (seed + k) * 0.1 * (k % 2 ? -1 : 1));
    case 'int32':
      return Array.from({ length: n }, (_, k) => (k % 2 ? -1 : 1) * (2147483000 + seed + k));
    case 'int16':
      return Array.from({ length: n }, (_, k) => (k % 2 ? -1 : 1) * (32000 + seed + k));
    case 'int8':
      return Array.from({ length: n }, (_, k) => (k % 2 ? -1 : 1) * (120 + ((seed + k) % 8)));
  }
}

test('every channel format: test pattern and values through 1.10 (both byte orders) and 1.00', () => {
  for (const format of CHANNEL_FORMATS) {
    const samples: Sample[] = [
      testPatternSample(format, 5, 4),
      testPatternSample(format, 5, 2),
      { timestamp: 10.5, values: values(format, 5, 1) },
      { timestamp: undefined, values: values(format, 5, 2) },
      { timestamp: 11.25, values: values(format, 5, 3) },
    ];
    for (const [name, bytes, dec] of [
      ['1.10 LE', encodeSamples110(format, 5, samples), new SampleDecoder110({ format, channels: 5, nominalSrate: 4 })],
      [
        '1.10 BE',
        encodeSamples110(format, 5, samples, false),
        new SampleDecoder110({ format, channels: 5, nominalSrate: 4, littleEndian: false }),
      ],
      [
        '1.00',
        encodeSamples100(format, 5, samples, true),
        new SampleDecoder100({ format, channels: 5, nominalSrate: 4 }),
      ],
    ] as const) {
      // One byte at a time: a decoder never returns a partial sample.
      const got = [];
      for (const b of bytes) {
        dec.push(Uint8Array.of(b));
        for (let s = dec.next(); s; s = dec.next()) got.push(s);
      }
      assert.equal(got.length, samples.length, `${format} ${name}`);
      assert.ok(isTestPattern(got[0]!, format, 5, 4), `${format} ${name} pattern`);
      assert.ok(isTestPattern(got[1]!, format, 5, 2), `${format} ${name} pattern`);
      assert.deepEqual(got[2]!.values, samples[2]!.values, `${format} ${name}`);
      // Deduced: previous + 1/rate.
      assert.deepEqual(got[3], { timestamp: 10.75, deduced: true, values: samples[3]!.values });
      assert.equal(got[4]!.timestamp, 11.25);
    }
  }
  // Known test-pattern values per format (first sample, offset 4).
  assert.deepEqual(testPatternValues('int8', 3, 4), [5, -6, 7]);
  assert.deepEqual(testPatternValues('int16', 2, 4), [261, -262]);
  assert.deepEqual(testPatternValues('int32', 2, 2), [65539, -65540]);
  assert.deepEqual(testPatternValues('double64', 2, 4), [16777221, -16777222]);
  assert.deepEqual(testPatternValues('int64', 2, 4), [2147483653n, -2147483654n]);
  assert.deepEqual(testPatternValues('string', 3, 4), ['10', '-11', '12']);
});

test('irregular rate: a deduced timestamp repeats the previous one', () => {
  const dec = new SampleDecoder110({ format: 'string', channels: 1, nominalSrate: 0 });
  dec.push(
    encodeSamples110('string', 1, [
      { timestamp: 5, values: ['a'] },
      { timestamp: undefined, values: ['b'] },
    ]),
  );
  assert.equal(dec.next()?.timestamp, 5);
  assert.deepEqual(dec.next(), { timestamp: 5, deduced: true, values: ['b'] });
});

test('bounds: oversized strings, bad tags and widths are clear errors, not allocations', () => {
  const dec = new SampleDecoder110({ format: 'string', channels: 1, nominalSrate: 0, maxStringBytes: 1000 });
  dec.push(hexBytes('01 08 ffffffffffffff7f'));
  assert.throws(() => dec.next(), /exceeds 1000/);
  const dec4 = new SampleDecoder110({ format: 'string', channels: 1, nominalSrate: 0, maxStringBytes: 1000 });
  dec4.push(hexBytes('01 04 e9030000'));
  assert.throws(() => dec4.next(), /exceeds 1000/);
  const bad = new SampleDecoder110({ format: 'float32', channels: 1, nominalSrate: 0 });
  bad.push(hexBytes('07 00000000'));
  assert.throws(() => bad.next(), /bad sample tag 7/);
  const width = new SampleDecoder110({ format: 'string', channels: 1, nominalSrate: 0 });
  width.push(hexBytes('01 03 000000'));
  assert.throws(() => width.next(), /width 3/);
  assert.throws(() => readArchiveHeader(hexBytes('7f0109 04 ffffff7f'), 1 << 20), /exceeds/);
  assert.throws(() => parseXml('<a>' + '<b>'.repeat(40) + '</b>'.repeat(40) + '</a>'), XmlError);
  assert.throws(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><info/>'), XmlError);
  assert.throws(() => parseStreamInfo(FULL.replace('<channel_count>7', '<channel_count>99999999')), XmlError);
  assert.throws(() => parseStreamInfo(FULL.replace('float32', 'float128')), /unknown channel format/);
});
