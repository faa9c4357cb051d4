/**
 * Properties of the LSL decoders (fast-check, fixed run counts): random and mutated input only ever ends
 * in one of the codecs' own errors (a counted drop for the caller), never another exception; any split of
 * a valid feed into reads gives the same samples.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CHANNEL_FORMATS, parseStreamInfo } from '../../main/protocols/lsl/info';
import {
  decodeFeedResponse,
  decodeResolveReply,
  decodeServiceRequest,
  decodeTcpRequest,
  decodeTimeReply,
  LslMessageError,
} from '../../main/protocols/lsl/messages';
import { matchesQuery, QueryError } from '../../main/protocols/lsl/query';
import {
  encodeSamples100,
  encodeSamples110,
  readArchiveHeader,
  SampleDecoder100,
  SampleDecoder110,
  SampleError,
  testPatternSample,
} from '../../main/protocols/lsl/samples';
import { XmlError } from '../../main/protocols/lsl/xml';
import { fixtureBytes, fixtureText } from '../helpers/lsl-fixture';

const FULL = fixtureText('== TCP LSL:fullinfo reply');
const QUERY = fixtureBytes('== UDP query sent');
const FEED_REQUEST = fixtureBytes('== TCP streamfeed/110 request');
const FEED_RESPONSE = fixtureBytes('== response header');
const OWN_ERRORS = [LslMessageError, XmlError, QueryError, SampleError];

function onlyOwnErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    assert.ok(
      OWN_ERRORS.some((E) => e instanceof E),
      `unexpected ${String(e)}`,
    );
  }
}

function mutate(base: Uint8Array) {
  return fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).chain((edits) =>
    fc.nat(base.length).map((cut) => {
      const b = base.slice(0, Math.max(1, cut || base.length));
      for (const [at, v] of edits) b[at % b.length] = v;
      return b;
    }),
  );
}

const bytes = fc.uint8Array({ maxLength: 512 });

test('messages: random and mutated datagrams and headers', () => {
  fc.assert(
    fc.property(fc.oneof(bytes, mutate(QUERY), mutate(FEED_REQUEST), mutate(FEED_RESPONSE)), (b) => {
      onlyOwnErrors(() => decodeServiceRequest(b));
      onlyOwnErrors(() => decodeResolveReply(b));
      onlyOwnErrors(() => decodeTimeReply(b));
      onlyOwnErrors(() => decodeTcpRequest(b));
      onlyOwnErrors(() => decodeFeedResponse(b, true));
    }),
    { numRuns: 2000, seed: 17 },
  );
});

test('stream info: mutated full info and random text', () => {
  const enc = new TextEncoder();
  fc.assert(
    fc.property(fc.oneof(mutate(enc.encode(FULL)), bytes), (b) => {
      onlyOwnErrors(() => parseStreamInfo(new TextDecoder().decode(b)));
    }),
    { numRuns: 1000, seed: 17 },
  );
});

test('queries: random strings never throw anything but QueryError', () => {
  const info = {
    name: 'info',
    attributes: {},
    text: undefined,
    children: [{ name: 'name', attributes: {}, text: 'A', children: [] }],
  };
  const pieces = fc.constantFrom(
    'name',
    "'A'",
    '=',
    '!=',
    'and',
    'or',
    'not',
    '(',
    ')',
    ',',
    '/',
    '1',
    'contains',
    '<',
    ' ',
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 64 }),
        fc.array(pieces, { maxLength: 24 }).map((a) => a.join(' ')),
      ),
      (q) => {
        onlyOwnErrors(() => matchesQuery(q, info));
      },
    ),
    { numRuns: 2000, seed: 17 },
  );
});

test('sample decoders: random bytes for every format end in SampleError or need more', () => {
  fc.assert(
    fc.property(fc.constantFrom(...CHANNEL_FORMATS), fc.integer({ min: 0, max: 9 }), bytes, (format, channels, b) => {
      for (const dec of [
        new SampleDecoder110({ format, channels, nominalSrate: 100, maxStringBytes: 4096 }),
        new SampleDecoder100({ format, channels, nominalSrate: 100, maxStringBytes: 4096 }),
      ]) {
        dec.push(b);
        onlyOwnErrors(() => {
          for (let i = 0; i < 600 && dec.next(); i++);
        });
      }
      onlyOwnErrors(() => readArchiveHeader(b, 4096));
    }),
    { numRuns: 1000, seed: 17 },
  );
});

test('sample decoders: any split of a valid feed gives the same samples', () => {
  fc.assert(
    fc.property(fc.constantFrom(...CHANNEL_FORMATS), fc.array(fc.nat(), { maxLength: 10 }), (format, cuts) => {
      const samples = [
        testPatternSample(format, 3, 4),
        testPatternSample(format, 3, 2),
        { timestamp: undefined, values: testPatternSample(format, 3, 4).values },
      ];
      for (const [stream, make] of [
        [encodeSamples110(format, 3, samples), () => new SampleDecoder110({ format, channels: 3, nominalSrate: 10 })],
        [
          encodeSamples100(format, 3, samples, true),
          () => new SampleDecoder100({ format, channels: 3, nominalSrate: 10 }),
        ],
      ] as const) {
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const dec = make();
        let last = 0;
        let got = 0;
        for (const p of [...points, stream.length]) {
          dec.push(stream.subarray(last, p));
          last = p;
          while (dec.next()) got++;
        }
        assert.equal(got, 3);
      }
    }),
    { numRuns: 300, seed: 17 },
  );
});
