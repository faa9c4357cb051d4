// RTSP messages and the interleaved TCP stream: parsing, resynchronising on garbage, splits; SDP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  interleavedFrame,
  parseSessionHeader,
  parseTransport,
  type RtspStreamItem,
  RtspStreamParser,
  serializeRequest,
  serializeResponse,
} from '../../main/net/rtsp/rtsp-message';
import { controlUrl, parseSessionDescription } from '../../main/net/rtsp/sdp';
import { selectGaze, selectWorld } from '../../main/protocols/pupil/client';

const sdp = [
  'v=0',
  'o=- 1 1 IN IP4 192.168.1.60',
  's=Companion',
  't=0 0',
  'a=control:*',
  'm=audio 0 RTP/AVP 97',
  'a=rtpmap:97 MPEG4-GENERIC/8000',
  'a=fmtp:97 streamtype=5;config=1588',
  'a=control:trackID=1',
  'm=video 0 RTP/AVP 96',
  'a=rtpmap:96 H264/90000',
  'a=fmtp:96 packetization-mode=1;profile-level-id=42C028;sprop-parameter-sets=Z0LAKA==,aM4=',
  'a=control:trackID=0',
  'm=application 0 RTP/AVP 99',
  'a=rtpmap:99 com.pupillabs.gaze1/90000',
  'a=control:trackID=2',
  '',
].join('\r\n');

test('SDP: media chosen by type and encoding, not position (audio listed first)', () => {
  const d = parseSessionDescription(sdp);
  assert.deepEqual(
    d.media.map((m) => [m.type, m.encoding, m.payloadType, m.clockRate]),
    [
      ['audio', 'MPEG4-GENERIC', 97, 8000],
      ['video', 'H264', 96, 90000],
      ['application', 'COM.PUPILLABS.GAZE1', 99, 90000],
    ],
  );
  assert.equal(selectWorld(d)?.control, 'trackID=0');
  assert.equal(selectWorld(d)?.fmtp.get('sprop-parameter-sets'), 'Z0LAKA==,aM4=');
  assert.equal(selectGaze(d)?.payloadType, 99);
  assert.equal(selectGaze(parseSessionDescription(sdp.replace(/m=application[^]*$/, ''))), undefined);
  assert.equal(controlUrl('rtsp://h:8086/', 'trackID=0'), 'rtsp://h:8086/trackID=0');
  assert.equal(controlUrl('rtsp://h:8086/s', 'trackID=0'), 'rtsp://h:8086/s/trackID=0');
  assert.equal(controlUrl('rtsp://h:8086/', 'rtsp://x/y'), 'rtsp://x/y');
  assert.equal(controlUrl('rtsp://h:8086/', '*'), 'rtsp://h:8086/');
});

test('Transport and Session headers', () => {
  assert.deepEqual(parseTransport('RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;source=10.0.0.2'), {
    tcp: false,
    interleaved: undefined,
    clientPort: [5000, 5001],
    serverPort: [6970, 6971],
    source: '10.0.0.2',
  });
  assert.equal(parseTransport('RTP/AVP/TCP;unicast;interleaved=2-3').interleaved?.[1], 3);
  assert.equal(parseTransport('RTP/AVP/TCP;unicast').interleaved, undefined, 'Companion 2.9.31 omits it');
  assert.deepEqual(parseSessionHeader('A1B2C3;timeout=60'), { id: 'A1B2C3', timeoutS: 60 });
  assert.deepEqual(parseSessionHeader('xyz'), { id: 'xyz', timeoutS: 60 });
});

const rtp = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
const stream = new Uint8Array([
  ...serializeResponse(200, 'OK', { CSeq: 4, Session: '12345678' }),
  ...interleavedFrame(0, rtp(1200)),
  ...interleavedFrame(1, rtp(28)),
  ...serializeResponse(200, 'OK', { CSeq: 5, 'Content-Type': 'application/sdp' }, new TextEncoder().encode('v=0\r\n')),
  ...interleavedFrame(0, rtp(13)),
  ...serializeRequest('GET_PARAMETER', 'rtsp://h/', { CSeq: 1 }),
]);

function summary(items: RtspStreamItem[]): string[] {
  return items.map((i) =>
    i.kind === 'interleaved'
      ? `$${i.channel}:${i.data.length}:${i.data[5]}`
      : i.kind === 'response'
        ? `R${i.status}:${i.headers.get('cseq')}:${i.body.length}`
        : `Q${i.method}`,
  );
}

test('interleaved stream: responses, RTP/RTCP frames and server requests come apart', () => {
  const p = new RtspStreamParser();
  assert.deepEqual(summary(p.push(stream)), [
    'R200:4:0',
    '$0:1200:35',
    '$1:28:35',
    'R200:5:5',
    '$0:13:35',
    'QGET_PARAMETER',
  ]);
  assert.equal(p.garbageBytes, 0);
  assert.equal(p.buffered, 0);
});

test('the phone writing a 400 into the middle of a frame: the parser resynchronises and goes on', () => {
  const frame = interleavedFrame(0, rtp(1272));
  const bad = serializeResponse(400, 'Bad Request', { CSeq: 0 });
  // The interleaved header promises 1272 bytes; the 400 is injected after 100 of them.
  const corrupted = new Uint8Array([
    ...frame.subarray(0, 104),
    ...bad,
    ...frame.subarray(104),
    ...interleavedFrame(0, rtp(50)),
    ...interleavedFrame(0, rtp(60)),
  ]);
  const p = new RtspStreamParser();
  const items = summary(p.push(corrupted));
  // The first frame is swallowed wrong (its length covers the 400), then garbage is skipped, and the
  // later frames come out intact.
  assert.ok(items.includes('$0:60:35'), items.join(' '));
  assert.ok(p.garbageBytes > 0);
});

test('property: any split of the TCP stream decodes the same', () => {
  const whole = summary(new RtspStreamParser().push(stream));
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const p = new RtspStreamParser();
      const got: RtspStreamItem[] = [];
      let from = 0;
      for (const c of [...points, stream.length]) {
        got.push(...p.push(stream.subarray(from, c)));
        from = c;
      }
      assert.deepEqual(summary(got), whole);
    }),
    { numRuns: 500 },
  );
});

test('property: random and mutated bytes never throw out of the parser, and its buffer stays bounded', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.tuple(fc.nat(stream.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, v]) => {
            const m = stream.slice();
            m[at] = v;
            return m;
          }),
          fc.constant(new TextEncoder().encode('RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n')),
        ),
        { maxLength: 20 },
      ),
      (chunks) => {
        const p = new RtspStreamParser();
        for (const c of chunks) p.push(c);
        assert.ok(p.buffered <= 64 * 1024 + 300);
      },
    ),
    { numRuns: 300 },
  );
});
