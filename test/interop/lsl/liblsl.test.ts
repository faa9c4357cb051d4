/**
 * Our LSL against the real liblsl, both roles, on loopback: a liblsl inlet resolves our outlet by name,
 * reads its desc, streams every channel format and measures time correction against our timedata
 * service; our resolver finds a liblsl outlet, our inlet reads its full info, streams every format and
 * estimates time correction against it.
 *
 * liblsl is found through one environment variable, SIGHTLINE_LIBLSL: the path of liblsl.so in an
 * install prefix (its headers in the include folder beside its lib folder). The C side is test/interop/lsl/lsl-peer.c, compiled here.
 * liblsl runs with a configuration written here that keeps it on 127.0.0.1 (machine scope, known peer
 * 127.0.0.1, IPv6 off); our side uses LSL's fixed ports so that liblsl finds it, bound to 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHANNEL_FORMATS, channelsDesc, describedChannels, type ChannelFormat } from '../../../main/protocols/lsl/info';
import { fetchFullInfo, LslInlet } from '../../../main/protocols/lsl/inlet';
import { LslOutlet } from '../../../main/protocols/lsl/outlet';
import { resolveStreams, scopeTargets } from '../../../main/protocols/lsl/resolver';
import type { DecodedSample, SampleValues } from '../../../main/protocols/lsl/samples';
import { CPeer } from '../../helpers/enet-echo';
import { buildLiblslPeer, expected } from '../../helpers/liblsl-peer';
import { waitFor } from '../../integration/natnet-helpers';

const LOOPBACK = '127.0.0.1';
const COUNT = 20;
const FORMAT_CODE: Record<ChannelFormat, number> = {
  float32: 1,
  double64: 2,
  string: 3,
  int32: 4,
  int16: 5,
  int8: 6,
  int64: 7,
};

const built = buildLiblslPeer();
const skip = 'skip' in built ? built.skip : undefined;
if (skip) console.log(`liblsl interop skipped: ${skip}`);

/** Values as lsl-peer.c printed them (%.17g, %lld or the string). */
function parsed(format: ChannelFormat, values: string[]): SampleValues {
  if (format === 'string') return values;
  if (format === 'int64') return values.map(BigInt);
  return values.map((v) => Number(v) || 0);
}

test('liblsl inlet ← our outlet: resolve by name, desc, every channel format, time correction', { skip }, async (t) => {
  if (!('binary' in built)) return;
  for (const format of CHANNEL_FORMATS) {
    const outlet = await LslOutlet.create({
      name: `SightlineInterop-${format}`,
      type: 'Interop',
      channelCount: 4,
      channelFormat: format,
      nominalSrate: 100,
      sourceId: `sightline-interop-${format}`,
      bindAddress: LOOPBACK,
      desc: channelsDesc([0, 1, 2, 3].map((k) => ({ label: `ours${k}`, unit: 'au' }))),
    });
    t.after(() => outlet.close());
    const peer = CPeer.start(built.binary, ['inlet', outlet.info.name, String(COUNT)], built.env);
    t.after(() => peer.child.kill());
    const resolved = await peer.line('resolved ', 20_000);
    assert.equal(resolved, `resolved ${outlet.info.uid} ${FORMAT_CODE[format]} 4`);
    await waitFor(() => outlet.consumerCount === 1, 20_000, `${format}: liblsl inlet connected`);
    for (let i = 0; i < COUNT; i++) outlet.pushSample(expected(format, i), 1000 + i * 0.01);
    const tc = await peer.line('tc ', 30_000);
    const labels = peer.lines.filter((l) => l.startsWith('label ')).map((l) => l.slice(6));
    assert.deepEqual(labels, ['ours0', 'ours1', 'ours2', 'ours3'], format);
    const samples = peer.lines.filter((l) => l.startsWith('sample '));
    assert.equal(samples.length, COUNT, format);
    samples.forEach((line, i) => {
      const [, ts, ...values] = line.split(' ');
      assert.equal(Number(ts), 1000 + i * 0.01, `${format} ts ${i}`);
      assert.deepEqual(parsed(format, values), expected(format, i), `${format} sample ${i}`);
    });
    const [, value, ec] = tc.split(' ');
    assert.equal(ec, '0');
    // Same machine, same clock: liblsl's correction against our timedata service is ~0.
    assert.ok(Math.abs(Number(value)) < 0.005, `${format}: time correction ${value}`);
    assert.ok(outlet.stats.timeRequests >= 6);
    peer.child.stdin.end();
    await peer.exited;
    await outlet.close();
  }
});

test(
  'our inlet ← liblsl outlet: resolve by name, full info, every channel format, time correction',
  { skip },
  async (t) => {
    if (!('binary' in built)) return;
    for (const format of CHANNEL_FORMATS) {
      const name = `LiblslInterop-${format}`;
      const peer = CPeer.start(built.binary, ['outlet', format, name, `liblsl-${format}`, String(COUNT)], built.env);
      t.after(() => peer.child.kill());
      const uid = (await peer.line('ready ', 20_000)).slice(6);
      const found = await resolveStreams({
        query: `name='${name}'`,
        targets: scopeTargets('machine', [LOOPBACK]),
        timeoutMs: 10_000,
        minimum: 1,
        bindAddress: LOOPBACK,
      });
      assert.equal(found.length, 1, format);
      const stream = found[0]!;
      assert.equal(stream.info.uid, uid);
      assert.equal(stream.info.channelFormat, format);
      assert.equal(stream.info.sourceId, `liblsl-${format}`);
      const full = await fetchFullInfo(stream.address, stream.info.v4dataPort);
      assert.deepEqual(
        describedChannels(full.desc).map((c) => c.label),
        ['ch0', 'ch1', 'ch2', 'ch3'],
      );
      const samples: DecodedSample[] = [];
      const inlet = new LslInlet({
        stream,
        bindAddress: LOOPBACK,
        onSample: (s) => samples.push(s),
        timeCorrection: { intervalMs: 500, probes: 8, probeIntervalMs: 10, minProbes: 6 },
      });
      t.after(() => inlet.close());
      inlet.start();
      await waitFor(() => samples.length === COUNT, 30_000, `${format}: samples from liblsl`);
      samples.forEach((s, i) => {
        assert.equal(s.timestamp, 1000 + i * 0.01, `${format} ts ${i}`);
        assert.deepEqual(s.values, expected(format, i), `${format} sample ${i}`);
      });
      await waitFor(() => inlet.timeCorrection !== undefined, 10_000, `${format}: time correction`);
      const tc = inlet.timeCorrection!;
      assert.ok(Math.abs(tc.correction) <= tc.uncertainty + 1e-4, `${format}: ${JSON.stringify(tc)}`);
      await inlet.close();
      peer.child.stdin.end();
      await peer.exited;
    }
  },
);
