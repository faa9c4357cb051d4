import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceRef } from '../../main/hub/hub';
import type { Sample } from '../../main/hub/source';
import { SamplePacker, unpackSamples, type PackedBatch } from '../../main/recording/handoff-codec';
import { mapSample, type MappingContext, type MessageOut } from '../../main/recording/sample-mapping';

const T0 = 1.7e18;
const device: DeviceRef = { id: 'dev', handle: 1, kind: 'natnet', label: 'Dev', simulated: true };

/** One of every kind, with and without each optional field, and values that are not round in float32. */
function samples(): Sample[] {
  return [
    {
      kind: 'poses',
      hostTimeNs: T0 + 1e6,
      deviceTimeNs: T0 + 0.5e6,
      deviceClockNs: 12_345_000,
      frameNumber: 2 ** 40 + 7,
      recording: false,
      bodies: [
        { id: 1, x: 0.1, y: -2.000000001, z: 3e-9, qx: 0, qy: Math.SQRT1_2, qz: 0, qw: Math.SQRT1_2, valid: true },
        { id: 2 ** 33, x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, valid: false },
      ],
      // A view into a larger buffer at an odd offset, as a decoder's subarray would be.
      markers: new Float32Array(new Float32Array([9, 0.5, 0.25, 1, Math.PI, -0, 7]).buffer, 4, 6),
      raw: { frameNumber: 7, packed: { ids: new Int32Array([1, 2]) } },
    },
    { kind: 'poses', hostTimeNs: T0 + 1.5e6, recording: true, bodies: [] },
    { kind: 'gaze', hostTimeNs: T0 + 2e6, deviceTimeNs: T0 + 1.5e6, x: 0.123456789, y: 0.5, worn: true },
    { kind: 'gaze', hostTimeNs: T0 + 2.5e6, x: 0, y: 1, worn: false },
    {
      kind: 'video',
      hostTimeNs: T0 + 3e6,
      deviceTimeNs: T0 + 2.5e6,
      deviceClockNs: 99,
      key: true,
      ptsUs: 90_000,
      data: new Uint8Array([0, 0, 0, 1, 0x67, 1, 2, 3]),
      width: 1088,
      height: 1080,
      codec: 'h264',
    },
    { kind: 'video', hostTimeNs: T0 + 3.5e6, key: false, ptsUs: 123_456, data: new Uint8Array(0) },
    { kind: 'event', hostTimeNs: T0 + 5e6, name: 'button0', value: true },
    { kind: 'event', hostTimeNs: T0 + 5e6, name: 'b', value: false },
    {
      kind: 'event',
      hostTimeNs: T0 + 5e6,
      name: 'dial',
      value: -0.25,
      control: { device: 'Dial0', kind: 'dial', index: 3 },
    },
    { kind: 'event', hostTimeNs: T0 + 5e6, name: 'Überschrift ✓', value: 'text ✓' },
    { kind: 'event', hostTimeNs: T0 + 5e6, name: 'bare', control: { device: 'Pad', kind: 'button', index: 0 } },
    { kind: 'analog', hostTimeNs: T0 + 6e6, channels: [0.1, -0.2, 1e300], device: 'Analog0' },
    { kind: 'analog', hostTimeNs: T0 + 6.5e6, deviceTimeNs: T0, channels: [] },
  ];
}

function roundTrip(list: Sample[], packer = new SamplePacker()): { batch: PackedBatch; out: [number, Sample][] } {
  list.forEach((s, i) => packer.add(i % 3, s, s.kind === 'poses' ? s.raw : undefined));
  const batch = packer.take();
  // As the worker receives it: the buffer moved, the extras cloned.
  const received = structuredClone(batch, { transfer: [batch.buffer] });
  const out: [number, Sample][] = [];
  unpackSamples(received, (index, sample) => out.push([index, sample]));
  return { batch: received, out };
}

test('every sample kind comes out of the hand-off with the same fields and values, device index and order', () => {
  const list = samples();
  const { batch, out } = roundTrip(list);
  assert.equal(batch.count, list.length);
  assert.equal(out.length, list.length);
  out.forEach(([index, sample], i) => {
    assert.equal(index, i % 3);
    const want: Record<string, unknown> = { ...list[i]! };
    // Markers travel as their own float32 values, whatever buffer they were a view of.
    if (want.markers) want.markers = Float32Array.from(want.markers as Float32Array);
    const got: Record<string, unknown> = { ...sample };
    if (got.markers) got.markers = Float32Array.from(got.markers as Float32Array);
    assert.deepEqual(got, want, `sample ${i} (${list[i]!.kind})`);
  });
  assert.ok(Object.is((out[0]![1] as { markers: Float32Array }).markers[4], -0), '-0 kept bit for bit');
});

test('the worker maps an unpacked sample to the same messages as the sample itself', () => {
  const capture = (list: Sample[]): unknown[] => {
    const messages: unknown[] = [];
    const out: MessageOut = {
      write: (topic, schema, message) =>
        messages.push([topic, schema.name, schema.encoding === 'protobuf' ? [...schema.encode(message)] : message]),
    };
    const context: MappingContext = {
      bodyName: (_d, id) => `body_${id}`,
      showFrame: () => true,
      videoSize: () => ({ width: 1600, height: 1200 }),
    };
    for (const s of list) mapSample(device, s, out, context);
    return messages;
  };
  const list = samples();
  const unpacked = roundTrip(list).out.map(([, s]) => s);
  assert.deepEqual(capture(unpacked), capture(list));
});

test('a malformed sample throws and leaves the batch as it was; batches grow past their first buffer', () => {
  const packer = new SamplePacker();
  const good = samples()[2]!;
  packer.add(0, good);
  const before = packer.length;
  assert.throws(() => packer.add(0, { kind: 'poses', hostTimeNs: T0, bodies: null } as unknown as Sample));
  assert.throws(() => packer.add(0, { kind: 'nonsense', hostTimeNs: T0 } as unknown as Sample), /unknown sample kind/);
  assert.throws(() =>
    packer.add(
      0,
      {
        kind: 'poses',
        hostTimeNs: T0,
        bodies: [{ id: 1 }, null],
        raw: { x: 1 },
      } as unknown as Sample,
      { x: 1 },
    ),
  );
  assert.equal(packer.length, before);
  assert.equal(packer.samples, 1);
  // ~1 MiB of video after the good sample: the packer's buffer grows and keeps what it held.
  const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
  packer.add(1, { kind: 'video', hostTimeNs: T0, key: false, ptsUs: 1, data: big });
  const batch = packer.take();
  assert.equal(batch.extras.length, 0, 'the failed sample left no raw behind');
  const out: Sample[] = [];
  unpackSamples(batch, (_i, s) => out.push(s));
  assert.deepEqual(out[0], good);
  assert.deepEqual((out[1] as { data: Uint8Array }).data, big);
  assert.equal(packer.length, 0, 'take() starts a new batch');
});

test('a buffer the worker gives back is filled again by a later batch', () => {
  const packer = new SamplePacker();
  packer.add(0, samples()[2]!);
  const first = packer.take();
  packer.recycle(first.buffer);
  packer.take();
  packer.add(0, samples()[3]!);
  const third = packer.take();
  assert.equal(third.buffer, first.buffer, 'the recycled buffer is reused');
  const out: Sample[] = [];
  unpackSamples(third, (_i, s) => out.push(s));
  assert.deepEqual(out, [samples()[3]]);
});
