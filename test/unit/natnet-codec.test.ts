import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_BITSTREAM,
  NatNetDecodeError,
  decodeMessage,
  encodeMessage,
  formatVersion,
  frameFlags,
  parseVersion,
  peekMessageId,
  responseAsFloat32,
  responseAsInt32,
  responseAsString,
  versionAtLeast,
} from '../../main/protocols/natnet/codec';
import { DecodeError } from '../../main/net/byte-reader';
import type {
  DataDescription,
  FrameOfData,
  NatNetMessage,
  RigidBodyData,
  Version4,
} from '../../main/protocols/natnet/types';

const FIXTURES = path.join(__dirname, '../fixtures/natnet');

function fixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES, rel)));
}

/** The bitstream each fixture was produced with (fixtures/README.md). */
function bitstreamOf(rel: string): Version4 {
  if (rel.includes('1.5.0')) return [2, 5, 0, 0];
  if (rel.includes('1.7.2')) return [2, 7, 0, 0];
  if (rel.includes('1.9.0')) return [2, 9, 0, 0];
  if (rel.includes('motive-2.1')) return [3, 0, 0, 0];
  if (rel.includes('/v40/')) return [4, 0, 0, 0];
  if (rel.includes('/v41/')) return [4, 1, 0, 0];
  if (rel.includes('/v42/')) return [4, 2, 0, 0];
  throw new Error(`no bitstream known for fixture ${rel}`);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function listFixtures(): string[] {
  return walk(FIXTURES)
    .filter((p) => p.endsWith('.bin'))
    .map((p) => path.relative(FIXTURES, p).split(path.sep).join('/'))
    .sort();
}

/** README values are decimal renderings of f32s: equal to within f32 precision (~7 significant digits). */
function approx(actual: number | undefined, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what} missing`);
  const tol = Math.max(Math.abs(expected) * 6e-7, 1e-10);
  assert.ok(Math.abs(actual! - expected) <= tol, `${what}: ${actual} is not ${expected} (±${tol})`);
}

/** Synthetic fixtures were written from exact values, so the decoded number is that value rounded to f32. */
function f32(actual: number | undefined, expected: number, what: string): void {
  assert.equal(actual, Math.fround(expected), what);
}

function decodeAs<T extends NatNetMessage['type']>(
  bytes: Uint8Array,
  v: Version4,
  type: T,
): Extract<NatNetMessage, { type: T }> {
  const m = decodeMessage(bytes, v);
  assert.equal(m.type, type);
  return m as Extract<NatNetMessage, { type: T }>;
}

function frameOf(rel: string): FrameOfData {
  return decodeAs(fixture(rel), bitstreamOf(rel), 'frameOfData').frame;
}

function descriptionsOf(rel: string): DataDescription[] {
  return decodeAs(fixture(rel), bitstreamOf(rel), 'modelDef').descriptions;
}

function only<T>(list: readonly T[], what: string): T {
  assert.equal(list.length, 1, `${what}: expected exactly one`);
  return list[0]!;
}

function pick<T extends { type: string }, K extends T['type']>(list: readonly T[], type: K, index = 0) {
  const found = list.filter((d) => d.type === type) as Extract<T, { type: K }>[];
  assert.ok(found.length > index, `no ${type} #${index}`);
  return found[index]!;
}

const TEXT = new TextEncoder();
function datagram(id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, id, true);
  dv.setUint16(2, payload.length, true);
  out.set(payload, 4);
  return out;
}

// ------------------------------------------------------------------------------------------------

test('every fixture decodes with its bitstream and re-encodes to the identical bytes', () => {
  const files = listFixtures();
  assert.equal(files.length, 27, `fixture set changed: ${files.join(', ')}`);
  for (const rel of files) {
    const bytes = fixture(rel);
    const v = bitstreamOf(rel);
    const m = decodeMessage(bytes, v);
    const again = encodeMessage(m, v);
    assert.deepEqual(Buffer.from(again), Buffer.from(bytes), `${rel} (${m.type}) is not byte-exact after a round trip`);
    assert.equal(again.byteOffset, 0);
    assert.equal(again.buffer.byteLength, again.length, 'encoder output owns its whole buffer');
  }
});

test('Motive 2.1 server info: app, versions, clock, port, multicast group; garbage after the name NUL kept', () => {
  const bytes = fixture('motive-2.1-natnet-3.0/serverinfo_packet_v3.bin');
  assert.equal(bytes.length, 283);
  const { server } = decodeAs(bytes, [3, 0, 0, 0], 'serverInfo');
  assert.equal(server.name, 'Motive');
  assert.deepEqual(server.appVersion, [2, 1, 0, 0]);
  assert.deepEqual(server.natnetVersion, [3, 0, 0, 0]);
  assert.deepEqual(server.connectionInfo, {
    clockFrequency: 3312787,
    dataPort: 1511,
    multicast: true,
    multicastGroup: '239.255.42.99',
  });
  assert.equal(server.rawName?.length, 256);
  assert.ok(
    server.rawName!.subarray(7).some((b) => b !== 0),
    'the fixture has garbage after the NUL',
  );
  // Server info layout depends on its length, not on the bitstream passed in.
  assert.deepEqual(decodeMessage(bytes, [2, 5, 0, 0]), decodeMessage(bytes, [4, 2, 0, 0]));
  // A renamed server cannot reuse the raw field: the encoder writes the new name, NUL padded.
  const renamed = encodeMessage({ type: 'serverInfo', server: { ...server, name: 'Sim' } }, [3, 0, 0, 0]);
  const back = decodeAs(renamed, [3, 0, 0, 0], 'serverInfo').server;
  assert.equal(back.name, 'Sim');
  assert.ok(back.rawName!.subarray(3).every((b) => b === 0));
});

test('synthetic 4.x server info: Motive, NatNet 4.x, 10 MHz clock, unicast', () => {
  for (const [dir, minor, app] of [
    ['v40', 0, [3, 0, 0, 0]],
    ['v41', 1, [3, 1, 0, 0]],
    ['v42', 2, [3, 2, 0, 0]],
  ] as const) {
    const { server } = decodeAs(fixture(`synthetic-4.x/${dir}/serverinfo.bin`), [4, minor, 0, 0], 'serverInfo');
    assert.equal(server.name, 'Motive');
    assert.deepEqual(server.natnetVersion, [4, minor, 0, 0]);
    assert.equal(server.appVersion[0], app[0]);
    assert.equal(server.connectionInfo?.clockFrequency, 10_000_000);
    assert.equal(server.connectionInfo?.multicast, false);
    assert.equal(server.connectionInfo?.dataPort, 1511);
  }
});

test('Motive 1.x id-1 packets: 264-byte sender from NatNetLib whose version equals the NatNet version', () => {
  for (const [file, minor] of [
    ['frame-motive-1.5.0-000.bin', 5],
    ['frame-motive-1.7.2-000.bin', 7],
    ['frame-motive-1.9.0-000.bin', 9],
  ] as const) {
    const bytes = fixture(`motive-1.x-natnet-2.x/${file}`);
    assert.equal(bytes.length, 268);
    const { server } = decodeAs(bytes, [2, minor, 0, 0], 'serverInfo');
    assert.equal(server.name, 'NatNetLib');
    assert.deepEqual(server.natnetVersion, [2, minor, 0, 0]);
    assert.deepEqual(server.appVersion, [2, minor, 0, 0]);
    assert.equal(server.connectionInfo, undefined);
  }
});

test('connect and discovery from NatNetLib 3.0 carry the same sender block under ids 0 and 14', () => {
  const connect = fixture('motive-2.1-natnet-3.0/connect_packet_v3.bin');
  const discovery = fixture('motive-2.1-natnet-3.0/discovery_packet_v3.bin');
  assert.equal(peekMessageId(connect), 0);
  assert.equal(peekMessageId(discovery), 14);
  const c = decodeAs(connect, [3, 0, 0, 0], 'connect');
  const d = decodeAs(discovery, [3, 0, 0, 0], 'discovery');
  for (const m of [c, d]) {
    assert.equal(m.sender?.name, 'NatNetLib');
    assert.deepEqual(m.sender?.appVersion, [3, 0, 0, 0]);
    assert.deepEqual(m.sender?.natnetVersion, [3, 0, 0, 0]);
    assert.equal(m.options, undefined);
    assert.equal(m.extra, undefined);
  }
});

test('echo request and response carry the client stamp (bigint) and server ticks', () => {
  const req = decodeAs(fixture('motive-2.1-natnet-3.0/echorequest_packet_v3.bin'), [3, 0, 0, 0], 'echoRequest');
  assert.equal(req.clientStamp, 278554190n);
  const res = decodeAs(fixture('motive-2.1-natnet-3.0/echoresponse_packet_v3.bin'), [3, 0, 0, 0], 'echoResponse');
  assert.equal(res.clientStamp, 278554190n);
  assert.equal(res.serverTicks, 1416498545924);
  // libNatNet puts Unix ns in the stamp, beyond 2^53: it must come back bit-exact.
  const big = 0xfedcba9876543210n;
  const echoed = decodeAs(
    encodeMessage({ type: 'echoRequest', clientStamp: big }, DEFAULT_BITSTREAM),
    [4, 1, 0, 0],
    'echoRequest',
  );
  assert.equal(echoed.clientStamp, big);
  assert.throws(() => decodeMessage(datagram(12, new Uint8Array(7)), DEFAULT_BITSTREAM), NatNetDecodeError);
  assert.throws(() => decodeMessage(datagram(13, new Uint8Array(8)), DEFAULT_BITSTREAM), NatNetDecodeError);
});

test('model definition request: header only, or a 4-byte type mask', () => {
  const m = decodeAs(fixture('motive-2.1-natnet-3.0/requestmodeldef_packet_v3.bin'), [3, 0, 0, 0], 'requestModelDef');
  assert.equal(m.typeMask, undefined);
  const masked = encodeMessage({ type: 'requestModelDef', typeMask: 0xffffffff }, DEFAULT_BITSTREAM);
  assert.equal(masked.length, 8);
  assert.equal(decodeAs(masked, DEFAULT_BITSTREAM, 'requestModelDef').typeMask, 0xffffffff);
  assert.throws(() => decodeMessage(datagram(4, new Uint8Array(2)), DEFAULT_BITSTREAM), NatNetDecodeError);
});

test('Motive 2.1 model definitions: rigid body RaceQuad and two marker sets', () => {
  const list = descriptionsOf('motive-2.1-natnet-3.0/modeldef_packet_v3.bin');
  assert.deepEqual(
    list.map((d) => d.type),
    ['rigidBody', 'markerSet', 'markerSet'],
  );
  const rb = pick(list, 'rigidBody');
  assert.equal(rb.name, 'RaceQuad');
  assert.equal(rb.id, 2);
  assert.equal(rb.parentId, -1);
  assert.equal(rb.rotationOffset, undefined);
  assert.equal(rb.markers.length, 5);
  approx(rb.markers[0]!.x, 0.16115899, 'marker 0 x');
  approx(rb.markers[0]!.y, 0.0350516, 'marker 0 y');
  approx(rb.markers[0]!.z, -0.0321813, 'marker 0 z');
  assert.ok(rb.markers.every((m) => m.activeLabel === 0 && m.name === undefined));
  const sets = list.filter((d) => d.type === 'markerSet');
  assert.equal(sets[0]!.name, 'RaceQuad');
  assert.deepEqual(sets[0]!.markerNames, ['Marker1', 'Marker2', 'Marker3', 'Marker4', 'Marker5']);
  assert.equal(sets[1]!.name, 'all');
  assert.deepEqual(sets[1]!.markerNames, ['RaceQuad_1', 'RaceQuad_2', 'RaceQuad_3', 'RaceQuad_4', 'RaceQuad_5']);
});

test('Motive 2.1 frame 162734: every value of the README', () => {
  const f = frameOf('motive-2.1-natnet-3.0/mocapframe_packet_v3.bin');
  assert.equal(f.frameNumber, 162734);
  assert.equal(f.markerSets.length, 0);
  assert.equal(f.legacyMarkers.length, 5);
  const rb = only(f.rigidBodies, 'rigid bodies');
  assert.equal(rb.id, 2);
  approx(rb.x, 0.1744466, 'x');
  approx(rb.y, 1.4471314, 'y');
  approx(rb.z, -0.734304, 'z');
  approx(rb.qx, -0.05459423, 'qx');
  approx(rb.qy, 0.5099482, 'qy');
  approx(rb.qz, 0.04370357, 'qz');
  approx(rb.qw, -0.8573577, 'qw');
  approx(rb.meanError, 0.0005152203, 'mean error');
  assert.equal(rb.params, 1);
  assert.equal(rb.valid, true);
  assert.equal(rb.markers, undefined, 'no per-body marker arrays in 3.0');
  assert.equal(f.skeletons.length, 0);
  assert.equal(f.labeledMarkers.length, 6);
  for (let i = 0; i < 5; i++) {
    const m = f.labeledMarkers[i]!;
    assert.equal(m.modelId, 2);
    assert.equal(m.markerId, i + 1);
    assert.equal(m.id, (2 << 16) | (i + 1));
    assert.equal(m.params, 10);
    assert.equal(typeof m.residual, 'number');
  }
  const unlabeled = f.labeledMarkers[5]!;
  assert.equal(unlabeled.modelId, 0);
  assert.equal(unlabeled.markerId, 50007);
  assert.equal(unlabeled.params, 18);
  // The unlabeled point-cloud markers are the legacy list's positions.
  approx(f.legacyMarkers[0]!.x, f.labeledMarkers[0]!.x, 'legacy = labeled 1');
  assert.equal(f.forcePlates.length, 0);
  assert.equal(f.devices.length, 0);
  assert.equal(f.timecode, 0);
  assert.equal(f.timecodeSubframe, 0);
  // The timestamp is derived from the hardware frame id (docs/protocols/natnet.md §5): exactly frame / 120.
  assert.ok(Math.abs(f.timestamp! - 162734 / 120) < 1e-9);
  assert.equal(f.cameraMidExposureTicks, 1416497730518);
  assert.equal(f.cameraDataReceivedTicks, 1416497745808);
  assert.equal(f.transmitTicks, 1416497748722);
  assert.equal(f.params, 0);
  assert.equal(f.latency, undefined, 'no latency float from 3.0 on');
  assert.equal(f.precisionTimestampSeconds, undefined);
  assert.deepEqual(frameFlags(f.params), {
    recording: false,
    modelsChanged: false,
    editMode: false,
    bitstreamChanged: false,
  });
});

test('Motive 2.1 occluded frame 269007: FakeTree/all, rigid body 7, 4 labeled markers, one occluded', () => {
  const f = frameOf('motive-2.1-natnet-3.0/mocapframe_packet_occluded_v3.bin');
  assert.equal(f.frameNumber, 269007);
  assert.deepEqual(
    f.markerSets.map((s) => s.name),
    ['FakeTree', 'all'],
  );
  assert.equal(only(f.rigidBodies, 'rigid bodies').id, 7);
  assert.equal(f.labeledMarkers.length, 4);
  const occluded = f.labeledMarkers.filter((m) => m.params === 11);
  assert.equal(occluded.length, 1);
  // 11 = occluded (bit 0) + point-cloud solved (bit 1) + bit 3 (has model)
  assert.equal(occluded[0]!.params! & 0b1011, 0b1011);
  assert.ok(f.labeledMarkers.every((m) => m.modelId === 7));
});

test('NatNet 2.5 frames (Motive 1.5): per-body markers, no timestamp and no params', () => {
  for (const rel of [
    'motive-1.x-natnet-2.x/frame-motive-1.5.0-001.bin',
    'motive-1.x-natnet-2.x/frame-motive-1.5.0-002.bin',
  ]) {
    const f = frameOf(rel);
    assert.deepEqual(
      f.markerSets.map((s) => [s.name, s.markers.length]),
      [
        ['Rigid Body 1', 3],
        ['all', 3],
      ],
    );
    assert.equal(f.legacyMarkers.length, 2);
    const rb = only(f.rigidBodies, 'rigid bodies');
    assert.equal(rb.id, 1);
    assert.equal(rb.params, undefined);
    assert.equal(rb.valid, true, 'no params before 2.6: assumed valid');
    assert.equal(typeof rb.meanError, 'number');
    assert.deepEqual(
      rb.markers?.map((m) => m.id),
      [1, 2, 3],
    );
    f32(rb.markers![0]!.size, 0.024, 'marker size');
    assert.equal(f.labeledMarkers.length, 3);
    assert.ok(f.labeledMarkers.every((m) => m.params === undefined && m.residual === undefined));
    assert.equal(f.timestamp, undefined);
    assert.equal(f.params, undefined);
    assert.equal(typeof f.latency, 'number');
    assert.equal(f.cameraMidExposureTicks, undefined);
  }
  const f = frameOf('motive-1.x-natnet-2.x/frame-motive-1.5.0-001.bin');
  assert.equal(f.frameNumber, 92881);
  approx(f.latency, 775.3009, 'latency');
});

test('NatNet 2.7 frames (Motive 1.7.2): f64 timestamp 3426.775, params present', () => {
  const f = frameOf('motive-1.x-natnet-2.x/frame-motive-1.7.2-001.bin');
  assert.equal(f.frameNumber, 411213);
  assert.equal(f.timestamp, 3426.775);
  // In 2.x the "latency" float is the same timestamp at f32 precision.
  assert.equal(f.latency, Math.fround(3426.775));
  assert.equal(f.params, 0);
  assert.deepEqual(
    f.markerSets.map((s) => s.name),
    ['Rigid Body 1', 'all'],
  );
  assert.equal(f.legacyMarkers.length, 2);
  const rb = only(f.rigidBodies, 'rigid bodies');
  assert.equal(rb.params, 1);
  assert.equal(rb.valid, true);
  assert.equal(rb.markers?.length, 3);
  assert.equal(f.labeledMarkers.length, 3);
  assert.ok(f.labeledMarkers.every((m) => typeof m.params === 'number' && m.residual === undefined));
  const f2 = frameOf('motive-1.x-natnet-2.x/frame-motive-1.7.2-002.bin');
  assert.ok(f2.frameNumber > f.frameNumber);
  assert.equal(typeof f2.timestamp, 'number');
});

test('NatNet 2.9 frames (Motive 1.9): Triangle/all, no unlabeled, force plate list present and empty', () => {
  for (const rel of [
    'motive-1.x-natnet-2.x/frame-motive-1.9.0-001.bin',
    'motive-1.x-natnet-2.x/frame-motive-1.9.0-002.bin',
  ]) {
    const f = frameOf(rel);
    assert.deepEqual(
      f.markerSets.map((s) => s.name),
      ['Triangle', 'all'],
    );
    assert.equal(f.legacyMarkers.length, 0);
    assert.equal(f.rigidBodies.length, 1);
    assert.equal(f.labeledMarkers.length, 3);
    assert.equal(f.forcePlates.length, 0);
    assert.equal(f.devices.length, 0);
    assert.ok(f.labeledMarkers.every((m) => m.modelId === 2 && m.params === 10));
    assert.equal(typeof f.timestamp, 'number');
    assert.equal(f.params, 0);
  }
  const f = frameOf('motive-1.x-natnet-2.x/frame-motive-1.9.0-001.bin');
  assert.equal(f.frameNumber, 11823217);
  assert.equal(f.rigidBodies[0]!.id, 2);
});

function checkSyntheticFrame(f: FrameOfData, minor: number): void {
  assert.equal(f.frameNumber, 1000);
  const set = only(f.markerSets, 'marker sets');
  assert.equal(set.name, 'Wand');
  assert.equal(set.markers.length, 2);
  const legacy = only(f.legacyMarkers, 'legacy markers');
  assert.deepEqual(legacy, { x: 9, y: 9.5, z: 9.75 });
  assert.equal(f.rigidBodies.length, 2);
  const [a, b] = f.rigidBodies as [RigidBodyData, RigidBodyData];
  assert.equal(a.id, 7);
  f32(a.x, 0.4, 'rb 7 x');
  assert.equal(a.qw, 1);
  f32(a.meanError, 0.0002, 'rb 7 error');
  assert.equal(a.valid, true);
  assert.equal(b.id, 8);
  assert.deepEqual([b.x, b.y, b.z], [1, 2, 3]);
  f32(b.qy, 0.7071, 'rb 8 qy');
  assert.equal(b.valid, false);
  const skel = only(f.skeletons, 'skeletons');
  assert.equal(skel.id, 3);
  const bone = only(skel.bones, 'bones');
  assert.equal(bone.id, 0x00030001);
  f32(bone.y, 0.9, 'bone y');
  assert.equal(f.assets.length, 0);
  const lm = only(f.labeledMarkers, 'labeled markers');
  assert.equal(lm.id, 0x00070001);
  assert.equal(lm.modelId, 7);
  assert.equal(lm.markerId, 1);
  assert.equal(lm.params, 0x0a);
  f32(lm.residual, 0.0003, 'residual');
  assert.equal(f.timecode, 0x01020304);
  assert.equal(f.timestamp, 12.5);
  assert.equal(f.cameraMidExposureTicks, 1_000_000);
  assert.equal(f.cameraDataReceivedTicks, 1_020_000);
  assert.equal(f.transmitTicks, 1_030_000);
  if (minor >= 1) {
    assert.equal(f.precisionTimestampSeconds, 1_700_000_000);
    assert.equal(f.precisionTimestampFraction, 123);
  } else {
    assert.equal(f.precisionTimestampSeconds, undefined);
  }
  assert.equal(f.params, 1);
  assert.equal(frameFlags(f.params).recording, true);
}

test('synthetic 4.0 / 4.1 / 4.2 frames: every list and suffix value', () => {
  checkSyntheticFrame(frameOf('synthetic-4.x/v40/frame.bin'), 0);
  checkSyntheticFrame(frameOf('synthetic-4.x/v41/frame.bin'), 1);
  checkSyntheticFrame(frameOf('synthetic-4.x/v42/frame.bin'), 2);
  // 4.1 adds 8 list byte counts (+32), the asset list (+8) and the precision timestamp (+8): 275 → 319.
  assert.equal(fixture('synthetic-4.x/v40/frame.bin').length, 275);
  assert.equal(fixture('synthetic-4.x/v41/frame.bin').length, 319);
});

test('synthetic 4.x model definitions: Wand marker set, Wand rigid body with named markers, Bob skeleton', () => {
  for (const minor of [0, 1, 2]) {
    const list = descriptionsOf(`synthetic-4.x/v4${minor}/modeldef.bin`);
    assert.deepEqual(
      list.map((d) => d.type),
      ['markerSet', 'rigidBody', 'skeleton'],
    );
    const set = pick(list, 'markerSet');
    assert.equal(set.name, 'Wand');
    assert.deepEqual(set.markerNames, ['Wand_1', 'Wand_2']);
    const rb = pick(list, 'rigidBody');
    assert.equal(rb.name, 'Wand');
    assert.equal(rb.id, 7);
    assert.equal(rb.parentId, -1);
    assert.deepEqual(
      rb.markers.map((m) => m.name),
      ['Marker1', 'Marker2'],
    );
    f32(rb.markers[0]!.x, 0.1, 'marker 1 x');
    f32(rb.markers[1]!.x, -0.1, 'marker 2 x');
    const skel = pick(list, 'skeleton');
    assert.equal(skel.name, 'Bob');
    assert.equal(skel.id, 3);
    const hip = only(skel.bones, 'bones');
    assert.equal(hip.name, 'Hip');
    assert.equal(hip.id, 1);
    f32(hip.offset.y, 0.9, 'hip offset y');
    if (minor >= 2) {
      assert.deepEqual(rb.rotationOffset, [0, 0, 0, 1]);
      assert.deepEqual(hip.rotationOffset, [0, 0, 0, 1]);
    } else {
      assert.equal(rb.rotationOffset, undefined);
    }
  }
});

test('frame params bits map to recording / models changed / edit mode / bitstream changed', () => {
  const bytes = fixture('synthetic-4.x/v41/frame.bin');
  // params sit just before the trailing int32 0.
  const paramsAt = bytes.length - 6;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(dv.getInt16(paramsAt, true), 1);
  for (const [value, flags] of [
    [0, [false, false, false, false]],
    [1, [true, false, false, false]],
    [2, [false, true, false, false]],
    [4, [false, false, true, false]],
    [8, [false, false, false, true]],
    [0x0f, [true, true, true, true]],
  ] as const) {
    const copy = bytes.slice();
    new DataView(copy.buffer).setInt16(paramsAt, value, true);
    const f = decodeAs(copy, [4, 1, 0, 0], 'frameOfData').frame;
    assert.equal(f.params, value);
    const got = frameFlags(f.params);
    assert.deepEqual([got.recording, got.modelsChanged, got.editMode, got.bitstreamChanged], flags);
  }
  assert.equal(frameFlags(undefined).recording, false);
});

function sampleFrame(): FrameOfData {
  return {
    frameNumber: 42,
    markerSets: [{ name: 'Body', markers: [{ x: 0.5, y: 0.25, z: -1 }] }],
    legacyMarkers: [{ x: 1, y: 2, z: 3 }],
    rigidBodies: [
      {
        id: 5,
        x: 0.1,
        y: 0.2,
        z: 0.3,
        qx: 0,
        qy: 0,
        qz: 0,
        qw: 1,
        meanError: 0.001,
        params: 1,
        valid: true,
        markers: [{ x: 1, y: 1, z: 1, id: 9, size: 0.02 }],
      },
    ],
    skeletons: [],
    assets: [],
    labeledMarkers: [
      { id: (5 << 16) | 1, modelId: 5, markerId: 1, x: 1, y: 2, z: 3, size: 0.014, params: 2, residual: 0.001 },
    ],
    forcePlates: [],
    devices: [],
    latency: 3.5,
    timecode: 7,
    timecodeSubframe: 1,
    timestamp: 0.1,
    params: 1,
  };
}

test('NatNet 2.6 (f32 timestamp) frames built by the encoder decode back and re-encode identically', () => {
  const v: Version4 = [2, 6, 0, 0];
  const bytes = encodeMessage({ type: 'frameOfData', frame: sampleFrame() }, v);
  // header 4 + frame 4 + sets (4 + 5 + 4 + 12) + legacy (4 + 12) + RB (4 + 32 + 4 + 12 + 4 + 4 + 4 + 2)
  // + skeletons 4 + labeled (4 + 22) + latency 4 + timecode 8 + f32 timestamp 4 + params 2 + eod 4
  assert.equal(bytes.length, 4 + 4 + 25 + 16 + 66 + 4 + 26 + 4 + 8 + 4 + 2 + 4);
  const f = decodeAs(bytes, v, 'frameOfData').frame;
  assert.equal(f.timestamp, Math.fround(0.1), 'the timestamp is an f32 in 2.6');
  assert.equal(f.latency, 3.5);
  assert.equal(f.params, 1);
  assert.equal(f.rigidBodies[0]!.params, 1);
  assert.deepEqual(f.rigidBodies[0]!.markers, [{ x: 1, y: 1, z: 1, id: 9, size: Math.fround(0.02) }]);
  assert.equal(f.labeledMarkers[0]!.params, 2);
  assert.equal(f.labeledMarkers[0]!.residual, undefined);
  assert.deepEqual(encodeMessage({ type: 'frameOfData', frame: f }, v), bytes);
  // The same frame as 2.7 has an f64 timestamp: 4 bytes more, full precision.
  const f27 = decodeAs(
    encodeMessage({ type: 'frameOfData', frame: sampleFrame() }, [2, 7, 0, 0]),
    [2, 7, 0, 0],
    'frameOfData',
  );
  assert.equal(f27.frame.timestamp, 0.1);
});

test('a frame decoded with the wrong bitstream fails cleanly with NatNetDecodeError', () => {
  const cases: [string, Version4][] = [
    ['motive-1.x-natnet-2.x/frame-motive-1.5.0-001.bin', [3, 0, 0, 0]],
    ['motive-1.x-natnet-2.x/frame-motive-1.7.2-001.bin', [3, 0, 0, 0]],
    ['motive-1.x-natnet-2.x/frame-motive-1.9.0-001.bin', [3, 0, 0, 0]],
    ['motive-1.x-natnet-2.x/frame-motive-1.9.0-002.bin', [3, 0, 0, 0]],
    ['motive-1.x-natnet-2.x/frame-motive-1.5.0-001.bin', [2, 7, 0, 0]],
    ['motive-1.x-natnet-2.x/frame-motive-1.7.2-001.bin', [2, 5, 0, 0]],
    ['motive-2.1-natnet-3.0/mocapframe_packet_v3.bin', [2, 9, 0, 0]],
    ['motive-2.1-natnet-3.0/mocapframe_packet_v3.bin', [4, 1, 0, 0]],
    ['synthetic-4.x/v40/frame.bin', [4, 1, 0, 0]],
    ['synthetic-4.x/v41/frame.bin', [4, 0, 0, 0]],
    ['synthetic-4.x/v41/modeldef.bin', [4, 0, 0, 0]],
    ['synthetic-4.x/v42/modeldef.bin', [4, 1, 0, 0]],
    ['synthetic-4.x/v40/modeldef.bin', [3, 0, 0, 0]],
  ];
  for (const [rel, v] of cases) {
    assert.throws(
      () => decodeMessage(fixture(rel), v),
      (e: unknown) => e instanceof NatNetDecodeError && e instanceof DecodeError && e.reason.length > 0,
      `${rel} as ${formatVersion(v)}`,
    );
  }
});

test('header rules: short datagrams are malformed, long ones use nDataBytes, ids are u16', () => {
  const frame = fixture('motive-2.1-natnet-3.0/mocapframe_packet_v3.bin');
  assert.throws(() => decodeMessage(frame.subarray(0, 3), [3, 0, 0, 0]), NatNetDecodeError);
  assert.throws(() => decodeMessage(frame.subarray(0, frame.length - 1), [3, 0, 0, 0]), /announces 332/);
  const padded = new Uint8Array(frame.length + 1);
  padded.set(frame);
  assert.deepEqual(decodeMessage(padded, [3, 0, 0, 0]), decodeMessage(frame, [3, 0, 0, 0]));
  // A stray NUL after a header-only keepalive (the official Python sample sends those).
  assert.deepEqual(decodeMessage(new Uint8Array([10, 0, 0, 0, 0]), DEFAULT_BITSTREAM), { type: 'keepAlive' });
  const unknown = decodeMessage(datagram(0xfffe, new Uint8Array([1, 2, 3])), DEFAULT_BITSTREAM);
  assert.deepEqual(unknown, { type: 'unknown', messageId: 0xfffe, payload: new Uint8Array([1, 2, 3]) });
  assert.equal(peekMessageId(new Uint8Array([0xfe, 0xff, 0, 0])), 0xfffe);
  assert.equal(peekMessageId(new Uint8Array([7, 0])), undefined);
  assert.deepEqual(encodeMessage(unknown, DEFAULT_BITSTREAM), datagram(0xfffe, new Uint8Array([1, 2, 3])));
});

test('connect variants seen in the wild (0, 5, 264, 269, 271, 273 bytes) decode and re-encode exactly', () => {
  const sender = fixture('motive-2.1-natnet-3.0/connect_packet_v3.bin').subarray(4);
  const ping = new Uint8Array(271);
  ping.set(TEXT.encode('Ping'));
  ping.set([0, 4, 2, 0, 0], 264);
  const variants: [number, Uint8Array][] = [
    [0, new Uint8Array(0)],
    [5, TEXT.encode('Ping\0')],
    [264, sender],
    [269, Uint8Array.from([...sender, 0, 4, 1, 0, 0])],
    [271, ping],
    [273, Uint8Array.from([...sender, 1, 0, 0, 0, 0, 0, 0, 0, 0])],
  ];
  for (const [len, payload] of variants) {
    assert.equal(payload.length, len);
    const bytes = datagram(0, payload);
    const m = decodeAs(bytes, DEFAULT_BITSTREAM, 'connect');
    assert.deepEqual(encodeMessage(m, DEFAULT_BITSTREAM), bytes, `connect of ${len} bytes`);
    if (len < 264) {
      assert.equal(m.sender, undefined);
      assert.equal(m.extra?.length ?? 0, len);
    } else {
      assert.ok(m.sender);
    }
  }
  const python = decodeAs(datagram(0, ping), DEFAULT_BITSTREAM, 'connect');
  assert.equal(python.sender?.name, 'Ping');
  assert.deepEqual(python.options, { subscribedDataOnly: false, bitstreamVersion: [4, 2, 0, 0] });
  assert.deepEqual(python.extra, new Uint8Array(2));
  const packetClient = decodeAs(datagram(0, variants[5]![1]), DEFAULT_BITSTREAM, 'connect');
  assert.equal(packetClient.options?.subscribedDataOnly, true);
  assert.equal(packetClient.extra?.length, 4);
  // Keepalives never carry options: past the sender block it is all `extra`.
  const keep = decodeAs(datagram(10, variants[3]![1]), DEFAULT_BITSTREAM, 'keepAlive');
  assert.equal(keep.sender?.name, 'NatNetLib');
  assert.equal(keep.extra?.length, 5);
  assert.throws(
    () =>
      encodeMessage(
        { type: 'connect', options: { subscribedDataOnly: false, bitstreamVersion: [4, 1, 0, 0] } },
        DEFAULT_BITSTREAM,
      ),
    RangeError,
  );
});

test('requests: NUL-terminated, a missing NUL is tolerated; responses as int32, float32 or string', () => {
  const req = encodeMessage({ type: 'request', command: 'FrameRate' }, DEFAULT_BITSTREAM);
  assert.deepEqual(req, datagram(2, TEXT.encode('FrameRate\0')));
  assert.equal(decodeAs(req, DEFAULT_BITSTREAM, 'request').command, 'FrameRate');
  assert.equal(
    decodeAs(datagram(2, TEXT.encode('StartRecording')), DEFAULT_BITSTREAM, 'request').command,
    'StartRecording',
  );
  assert.equal(decodeAs(datagram(2, TEXT.encode('LiveMode\0\0')), DEFAULT_BITSTREAM, 'request').command, 'LiveMode');
  assert.throws(() => encodeMessage({ type: 'request', command: 'a\0b' }, DEFAULT_BITSTREAM), RangeError);
  assert.equal(decodeAs(datagram(8, TEXT.encode('hello\0')), DEFAULT_BITSTREAM, 'messageString').text, 'hello');

  const frameRate = decodeAs(datagram(3, new Uint8Array([0, 0, 0xf0, 0x42])), DEFAULT_BITSTREAM, 'response');
  assert.equal(responseAsFloat32(frameRate.payload), 120);
  assert.equal(responseAsInt32(new Uint8Array([0xff, 0xff, 0xff, 0xff])), -1);
  assert.equal(responseAsInt32(new Uint8Array([1, 0, 0])), undefined);
  assert.equal(responseAsFloat32(new Uint8Array(5)), undefined);
  // A view into a bigger buffer at an odd offset must read the right 4 bytes.
  const backing = new Uint8Array([9, 7, 0, 0, 0, 9]);
  assert.equal(responseAsInt32(backing.subarray(1, 5)), 7);
  assert.equal(responseAsString(TEXT.encode('Bitstream,4.1\0')), 'Bitstream,4.1');
  assert.equal(responseAsString(TEXT.encode('no-nul')), 'no-nul');
  assert.equal(responseAsString(new Uint8Array(0)), undefined);
});

test('versions: parse, format, compare', () => {
  assert.deepEqual(parseVersion('4.1'), [4, 1, 0, 0]);
  assert.deepEqual(parseVersion('4.1.0.0'), [4, 1, 0, 0]);
  assert.deepEqual(parseVersion(' 3.0.1 '), [3, 0, 1, 0]);
  for (const bad of ['', 'abc', '4.x', '1.2.3.4.5', '256.0', '4..1', '-1.0', '4.1a']) {
    assert.throws(() => parseVersion(bad), NatNetDecodeError, bad);
  }
  assert.equal(formatVersion([4, 1, 0, 0]), '4.1');
  assert.equal(formatVersion([2, 1, 0, 0]), '2.1');
  assert.equal(formatVersion([4, 1, 2, 0]), '4.1.2');
  assert.equal(formatVersion([4, 1, 0, 3]), '4.1.0.3');
  assert.equal(versionAtLeast([4, 1, 0, 0], 4, 1), true);
  assert.equal(versionAtLeast([4, 0, 9, 9], 4, 1), false);
  assert.equal(versionAtLeast([5, 0, 0, 0], 4, 2), true);
  assert.equal(versionAtLeast([2, 10, 0, 0], 2, 9), true);
  assert.deepEqual(DEFAULT_BITSTREAM, [4, 1, 0, 0]);
});

test('4.1 byte counts must match the bytes their list used; the end-of-data marker must be 0', () => {
  const bytes = fixture('synthetic-4.x/v41/frame.bin');
  const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  // marker set list: count at 8, byte count at 12 (= 33)
  assert.equal(dv(bytes).getInt32(12, true), 33);
  for (const wrong of [32, 34, -1, 0x7fffffff]) {
    const copy = bytes.slice();
    dv(copy).setInt32(12, wrong, true);
    assert.throws(() => decodeMessage(copy, [4, 1, 0, 0]), NatNetDecodeError, `byte count ${wrong}`);
  }
  const eod = bytes.slice();
  dv(eod).setInt32(eod.length - 4, 1, true);
  assert.throws(() => decodeMessage(eod, [4, 1, 0, 0]), /end-of-data/);
});

test('hostile counts are refused before anything is allocated', () => {
  const bytes = fixture('motive-2.1-natnet-3.0/mocapframe_packet_v3.bin');
  for (const [at, what] of [
    [8, 'marker set'],
    [12, 'legacy marker'],
    [76, 'rigid body'],
    [118, 'skeleton'],
    [122, 'labeled marker'],
    [282, 'force plate'],
    [286, 'device'],
  ] as const) {
    for (const count of [0x7fffffff, -1, -0x80000000, 999, 7]) {
      const copy = bytes.slice();
      new DataView(copy.buffer).setInt32(at, count, true);
      assert.throws(
        () => decodeMessage(copy, [3, 0, 0, 0]),
        (e: unknown) => e instanceof NatNetDecodeError,
        `${what} count ${count}`,
      );
    }
  }
  const copy = bytes.slice();
  new DataView(copy.buffer).setInt32(76, 0x7fffffff, true);
  assert.throws(() => decodeMessage(copy, [3, 0, 0, 0]), /rigid body count 2147483647 exceeds the limit 1000/);
});

test('description sizes (4.1+): unknown types are kept by size, known types must fill their size', () => {
  const v: Version4 = [4, 1, 0, 0];
  const list: DataDescription[] = [
    { type: 'unknown', typeId: 99, body: new Uint8Array([1, 2, 3, 4, 5]) },
    { type: 'markerSet', name: 'M', markerNames: ['a'] },
  ];
  const bytes = encodeMessage({ type: 'modelDef', descriptions: list }, v);
  assert.deepEqual(decodeAs(bytes, v, 'modelDef').descriptions, list);
  // Without sizes (4.0) an unknown type cannot be skipped.
  assert.throws(() => encodeMessage({ type: 'modelDef', descriptions: list }, [4, 0, 0, 0]), RangeError);
  const raw = encodeMessage(
    { type: 'modelDef', descriptions: [{ type: 'unknown', typeId: 99, body: new Uint8Array(4) }] },
    v,
  );
  assert.throws(() => decodeMessage(raw, [4, 0, 0, 0]), /unknown description type 99/);
  // A marker set whose declared size is one byte too large leaves bytes over.
  const set = encodeMessage({ type: 'modelDef', descriptions: [list[1]!] }, v).slice();
  const size = new DataView(set.buffer).getInt32(12, true);
  new DataView(set.buffer).setInt32(12, size - 1, true);
  assert.throws(() => decodeMessage(set, v), NatNetDecodeError);
});

function allDescriptions(): DataDescription[] {
  const rb = (name: string, id: number): Extract<DataDescription, { type: 'rigidBody' }> => ({
    type: 'rigidBody',
    name,
    id,
    parentId: -1,
    offset: { x: 0.5, y: 1, z: -2 },
    rotationOffset: [0, 0, 0.5, 0.75],
    markers: [
      { x: 1, y: 2, z: 3, activeLabel: 4, name: 'm1' },
      { x: -1, y: 0.25, z: 0, activeLabel: 0, name: 'm2' },
    ],
  });
  return [
    { type: 'markerSet', name: 'Set', markerNames: ['a', 'b', 'ü'] },
    rb('Body', 3),
    { type: 'skeleton', name: 'Skel', id: 2, bones: [rb('Hip', 1), { ...rb('Chest', 2), parentId: 1 }] },
    {
      type: 'forcePlate',
      id: 1,
      serial: 'FP-1',
      width: 0.5,
      length: 0.75,
      origin: { x: 0, y: 0.25, z: 0 },
      calibrationMatrix: Array.from({ length: 144 }, (_, i) => i / 4),
      corners: Array.from({ length: 12 }, (_, i) => -i),
      plateType: 1,
      channelDataType: 0,
      channelNames: ['Fx', 'Fy', 'Fz'],
    },
    { type: 'device', id: 4, name: 'NIDAQ', serial: 'S4', deviceType: 2, channelDataType: 1, channelNames: ['ai0'] },
    { type: 'camera', name: 'Prime 13 #1', position: { x: 1, y: 2, z: 3 }, orientation: [0, 0, 0, 1] },
    {
      type: 'asset',
      name: 'Glove',
      assetType: 1,
      id: 9,
      rigidBodies: [rb('Palm', 1)],
      markers: [{ name: 'tip', id: 1, x: 0.5, y: 0.5, z: 0.5, size: 0.25, params: 1 }],
    },
  ];
}

/** What a description list looks like after going through a version that lacks some fields. */
function expectedAt(list: DataDescription[], v: Version4): DataDescription[] {
  const rbAt = (
    d: Extract<DataDescription, { type: 'rigidBody' }>,
  ): Extract<DataDescription, { type: 'rigidBody' }> => {
    const out: Extract<DataDescription, { type: 'rigidBody' }> = { ...d };
    if (!versionAtLeast(v, 4, 2)) delete out.rotationOffset;
    if (!versionAtLeast(v, 3, 0)) out.markers = [];
    else if (!versionAtLeast(v, 4, 0))
      out.markers = d.markers.map(({ x, y, z, activeLabel }) => ({ x, y, z, activeLabel }));
    return out;
  };
  return list.map((d) => {
    if (d.type === 'rigidBody') return rbAt(d);
    if (d.type === 'skeleton') return { ...d, bones: d.bones.map(rbAt) };
    if (d.type === 'asset') return { ...d, rigidBodies: d.rigidBodies.map(rbAt) };
    return d;
  });
}

test('every description type round-trips in every bitstream', () => {
  for (const v of [
    [2, 5, 0, 0],
    [3, 0, 0, 0],
    [4, 0, 0, 0],
    [4, 1, 0, 0],
    [4, 2, 0, 0],
    [4, 3, 0, 0],
  ] as Version4[]) {
    const bytes = encodeMessage({ type: 'modelDef', descriptions: allDescriptions() }, v);
    const back = decodeAs(bytes, v, 'modelDef').descriptions;
    assert.deepEqual(back, expectedAt(allDescriptions(), v), formatVersion(v));
    assert.deepEqual(encodeMessage({ type: 'modelDef', descriptions: back }, v), bytes);
  }
});

test('frames with assets, force plates and devices round-trip (4.1+)', () => {
  const frame: FrameOfData = {
    ...sampleFrame(),
    latency: undefined,
    rigidBodies: [{ id: 5, x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1, meanError: 0.5, params: 0, valid: false }],
    skeletons: [
      {
        id: 1,
        bones: [{ id: 0x10001, x: 0, y: 1, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, meanError: 0, params: 1, valid: true }],
      },
    ],
    assets: [
      {
        id: 3,
        rigidBodies: [{ id: 1, x: 1, y: 1, z: 1, qx: 0, qy: 0, qz: 0, qw: 1, meanError: 0.25, params: 1 }],
        markers: [{ id: 2, x: 0.5, y: 0.5, z: 0.5, size: 0.125, params: 4, residual: 0.0625 }],
      },
    ],
    forcePlates: [{ id: 1, channels: [[1, 2, 3], [4]] }],
    devices: [{ id: 2, channels: [[], [0.5]] }],
    cameraMidExposureTicks: 2 ** 40,
    cameraDataReceivedTicks: 2 ** 40 + 1,
    transmitTicks: 2 ** 52 + 7,
    precisionTimestampSeconds: 0xffffffff,
    precisionTimestampFraction: 1,
    timestamp: 123.456,
  };
  delete frame.latency;
  const v: Version4 = [4, 1, 0, 0];
  const bytes = encodeMessage({ type: 'frameOfData', frame }, v);
  const back = decodeAs(bytes, v, 'frameOfData').frame;
  assert.equal(back.assets.length, 1);
  assert.deepEqual(back.assets[0]!.rigidBodies[0], { ...frame.assets[0]!.rigidBodies[0], valid: true });
  assert.equal(back.assets[0]!.markers[0]!.residual, 0.0625);
  assert.deepEqual(back.forcePlates, frame.forcePlates);
  assert.deepEqual(back.devices, frame.devices);
  assert.equal(back.transmitTicks, 2 ** 52 + 7);
  assert.equal(back.precisionTimestampSeconds, 0xffffffff);
  assert.equal(back.timestamp, 123.456);
  assert.deepEqual(encodeMessage({ type: 'frameOfData', frame: back }, v), bytes);
  // The same frame for a 4.0 client simply has no asset list and no precision timestamp.
  const old = decodeAs(encodeMessage({ type: 'frameOfData', frame }, [4, 0, 0, 0]), [4, 0, 0, 0], 'frameOfData').frame;
  assert.equal(old.assets.length, 0);
  assert.equal(old.precisionTimestampSeconds, undefined);
  assert.deepEqual(old.devices, frame.devices);
});

test('the encoder refuses what the decoder would refuse', () => {
  const f = sampleFrame();
  const tooMany: FrameOfData = { ...f, rigidBodies: Array.from({ length: 1001 }, () => f.rigidBodies[0]!) };
  assert.throws(() => encodeMessage({ type: 'frameOfData', frame: tooMany }, DEFAULT_BITSTREAM), /limit is 1000/);
  const longName: FrameOfData = { ...f, markerSets: [{ name: 'x'.repeat(256), markers: [] }] };
  assert.throws(() => encodeMessage({ type: 'frameOfData', frame: longName }, DEFAULT_BITSTREAM), RangeError);
  const okName: FrameOfData = { ...f, markerSets: [{ name: 'x'.repeat(255), markers: [] }] };
  const bytes = encodeMessage({ type: 'frameOfData', frame: okName }, DEFAULT_BITSTREAM);
  assert.equal(decodeAs(bytes, DEFAULT_BITSTREAM, 'frameOfData').frame.markerSets[0]!.name.length, 255);
  const huge: FrameOfData = {
    ...f,
    labeledMarkers: Array.from({ length: 1000 }, () => f.labeledMarkers[0]!),
    legacyMarkers: Array.from({ length: 1000 }, () => f.legacyMarkers[0]!),
    rigidBodies: Array.from({ length: 1000 }, () => f.rigidBodies[0]!),
  };
  assert.throws(() => encodeMessage({ type: 'frameOfData', frame: huge }, DEFAULT_BITSTREAM), /nDataBytes/);
});

test('empty control messages round-trip; a payload on them is kept as an unknown message, not an error', () => {
  for (const [type, id] of [
    ['disconnect', 9],
    ['disconnectByTimeout', 11],
    ['requestFrameOfData', 6],
  ] as const) {
    const bytes = encodeMessage({ type }, DEFAULT_BITSTREAM);
    assert.deepEqual(bytes, datagram(id, new Uint8Array(0)));
    assert.deepEqual(decodeMessage(bytes, DEFAULT_BITSTREAM), { type });
    const withPayload = datagram(id, new Uint8Array([1, 2]));
    assert.deepEqual(decodeMessage(withPayload, DEFAULT_BITSTREAM), {
      type: 'unknown',
      messageId: id,
      payload: new Uint8Array([1, 2]),
    });
  }
  // Motive answers unknown requests with id 100 and an opaque body: kept byte for byte.
  const opaque = datagram(100, new Uint8Array(264).fill(7));
  const m = decodeAs(opaque, [3, 0, 0, 0], 'unrecognizedRequest');
  assert.equal(m.payload.length, 264);
  assert.deepEqual(encodeMessage(m, [3, 0, 0, 0]), opaque);
});

test('an "all" marker set larger than 200 markers (a busy lab) decodes: it is bounded like labeled markers', () => {
  const markers = Array.from({ length: 300 }, (_, i) => ({ x: i, y: i / 2, z: -i }));
  const frame: FrameOfData = {
    frameNumber: 7,
    markerSets: [{ name: 'all', markers }],
    legacyMarkers: [],
    rigidBodies: [],
    skeletons: [],
    assets: [],
    labeledMarkers: [],
    forcePlates: [],
    devices: [],
    timecode: 0,
    timecodeSubframe: 0,
    timestamp: 1,
    cameraMidExposureTicks: 1,
    cameraDataReceivedTicks: 2,
    transmitTicks: 3,
    precisionTimestampSeconds: 0,
    precisionTimestampFraction: 0,
    params: 0,
  };
  const bytes = encodeMessage({ type: 'frameOfData', frame }, [4, 1, 0, 0]);
  const decoded = decodeMessage(bytes, [4, 1, 0, 0]);
  assert.equal(decoded.type, 'frameOfData');
  if (decoded.type !== 'frameOfData') return;
  assert.equal(decoded.frame.markerSets[0]!.markers.length, 300);
  assert.equal(decoded.frame.markerSets[0]!.markers[299]!.x, 299);
});
