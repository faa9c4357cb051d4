/**
 * liblsl 1.17.7's own data feeds, every channel format, both protocols (test/fixtures/lsl/*.feed110.bin
 * and *.feed100.bin, see test/fixtures/README.md): our decoders read the response, the test pattern and
 * the 20 known samples, and our encoders write the very same bytes back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CHANNEL_FORMATS, parseStreamInfo, shortInfoXml } from '../../main/protocols/lsl/info';
import { decodeFeedResponse } from '../../main/protocols/lsl/messages';
import {
  encodeArchiveHeader,
  encodeSamples100,
  encodeSamples110,
  isTestPattern,
  readArchiveHeader,
  SampleDecoder100,
  SampleDecoder110,
  type DecodedSample,
  type Sample,
} from '../../main/protocols/lsl/samples';
import { expected } from '../helpers/liblsl-peer';
import { toHex } from '../helpers/lsl-fixture';

const DIR = join(__dirname, '..', 'fixtures', 'lsl');

function drain(dec: SampleDecoder110 | SampleDecoder100): DecodedSample[] {
  const out: DecodedSample[] = [];
  for (let s = dec.next(); s; s = dec.next()) out.push(s);
  return out;
}

function checkSamples(format: (typeof CHANNEL_FORMATS)[number], got: DecodedSample[]): Sample[] {
  assert.equal(got.length, 22, format);
  assert.ok(isTestPattern(got[0]!, format, 4, 4), `${format} first test pattern`);
  assert.ok(isTestPattern(got[1]!, format, 4, 2), `${format} second test pattern`);
  got.slice(2).forEach((s, i) => {
    assert.equal(s.timestamp, 1000 + i * 0.01, `${format} ts ${i}`);
    assert.equal(s.deduced, false);
    assert.deepEqual(s.values, expected(format, i), `${format} sample ${i}`);
  });
  return got.map((s) => ({ timestamp: s.timestamp, values: s.values }));
}

for (const format of CHANNEL_FORMATS) {
  test(`liblsl ${format} feed, protocol 1.10: decoded, and re-encoded byte for byte`, () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, `liblsl-1.17.7-${format}.feed110.bin`)));
    const r = decodeFeedResponse(bytes)!;
    assert.equal(r.response.status, 200);
    assert.equal(r.response.byteOrder, 1234);
    assert.equal(r.response.dataProtocolVersion, 110);
    assert.match(r.response.uid, /^[0-9a-f-]{36}$/);
    const body = bytes.subarray(r.consumed);
    const dec = new SampleDecoder110({ format, channels: 4, nominalSrate: 100 });
    dec.push(body);
    const samples = checkSamples(format, drain(dec));
    assert.equal(toHex(encodeSamples110(format, 4, samples)), toHex(body));
  });

  test(`liblsl ${format} feed, protocol 1.00: decoded, and re-encoded byte for byte`, () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, `liblsl-1.17.7-${format}.feed100.bin`)));
    const h = readArchiveHeader(bytes, 1 << 20)!;
    const info = parseStreamInfo(h.shortInfo);
    assert.equal(info.channelFormat, format);
    assert.equal(info.name, `Capture-${format}-100`);
    assert.equal(shortInfoXml(info), h.shortInfo);
    assert.equal(toHex(encodeArchiveHeader(h.shortInfo)), toHex(bytes.subarray(0, h.consumed)));
    const body = bytes.subarray(h.consumed);
    const dec = new SampleDecoder100({ format, channels: 4, nominalSrate: 100 });
    dec.push(body);
    const samples = checkSamples(format, drain(dec));
    assert.equal(toHex(encodeSamples100(format, 4, samples, true)), toHex(body));
  });
}
