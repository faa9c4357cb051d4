/**
 * Sightline as an LSL outlet: device samples republished per device and kind, read back by our inlet
 * over loopback. Pose streams carry the XDF MoCap desc, timestamps are the device time on LSL's clock,
 * a change of bodies replaces the outlet, events become markers, gaze is x y worn; `record --lsl`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceRef } from '../../main/hub/hub';
import type { PosesSample } from '../../main/hub/source';
import { describedChannels } from '../../main/protocols/lsl/info';
import { fetchFullInfo } from '../../main/protocols/lsl/inlet';
import { LslPublisher } from '../../main/protocols/lsl/publisher';
import { lslLocalClock } from '../../main/protocols/lsl/time';
import { hostTimeNs } from '../../main/time/host-clock';
import { LOOPBACK, openInlet, resolveOn } from '../helpers/lsl-loopback';
import { scopeTargets } from '../../main/protocols/lsl/resolver';
import { runCli } from '../../main/cli/index';
import { captureIo } from '../helpers/cli-capture';
import { tempDir } from '../helpers/recording';
import { waitFor } from './natnet-helpers';

const motive: DeviceRef = { id: 'motive-1', handle: 1, kind: 'natnet', label: 'Motive', simulated: true };
const pupil: DeviceRef = { id: 'neon', handle: 2, kind: 'pupil', label: 'Neon', simulated: true };

function poses(ids: number[], deviceTimeNs: number): PosesSample {
  return {
    kind: 'poses',
    hostTimeNs: hostTimeNs(),
    deviceTimeNs,
    bodies: ids.map((id) => ({ id, x: id, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1, valid: true })),
  };
}

test('poses, gaze and events become MoCap, Gaze and Markers streams stamped with device time on the LSL clock', async (t) => {
  const publisher = new LslPublisher({
    outlet: { bindAddress: LOOPBACK, responderPort: null, dataPort: 0 },
    bodyName: (_device, id) => (id === 1 ? 'Wand' : undefined),
  });
  t.after(() => publisher.close());
  const now = hostTimeNs();
  // The first sample of each stream creates its outlet; later ones are published.
  publisher.sink(motive, poses([1, 2], now));
  publisher.sink(pupil, { kind: 'gaze', hostTimeNs: now, deviceTimeNs: now, x: 0.25, y: 0.75, worn: true });
  publisher.sink(pupil, { kind: 'event', hostTimeNs: now, name: 'recording.begin' });
  await waitFor(() => publisher.streams().length === 3, 5000, 'three outlets');
  // The samples that opened the outlets waited for them instead of being dropped.
  assert.equal(publisher.stats.dropped, 0);
  assert.equal(publisher.stats.published, 3);
  const targets = () => publisher.streams().map((s) => ({ address: LOOPBACK, port: s.dataPort }));

  const [mocap] = await resolveOn(targets, "type='MoCap'");
  assert.equal(mocap!.info.name, 'Motive MoCap');
  assert.equal(mocap!.info.sourceId, 'sightline:motive-1:MoCap');
  assert.equal(mocap!.info.channelCount, 14);
  const full = await fetchFullInfo(LOOPBACK, mocap!.info.v4dataPort);
  const channels = describedChannels(full.desc);
  assert.deepEqual(
    channels.slice(0, 7).map((c) => c.label),
    ['Wand_X', 'Wand_Y', 'Wand_Z', 'Wand_A', 'Wand_B', 'Wand_C', 'Wand_D'],
  );
  assert.deepEqual(
    channels.slice(0, 7).map((c) => c.type),
    ['PositionX', 'PositionY', 'PositionZ', 'OrientationA', 'OrientationB', 'OrientationC', 'OrientationD'],
  );
  assert.deepEqual(
    channels.slice(0, 7).map((c) => c.unit),
    ['meters', 'meters', 'meters', 'quaternion', 'quaternion', 'quaternion', 'quaternion'],
  );
  assert.equal(channels[7]!.label, 'body2_X');

  const m = openInlet(t, mocap!, undefined, { timeCorrection: false });
  const g = openInlet(t, (await resolveOn(targets, "type='Gaze'"))[0]!, undefined, { timeCorrection: false });
  const e = openInlet(t, (await resolveOn(targets, "type='Markers'"))[0]!, undefined, { timeCorrection: false });
  await waitFor(() => [m, g, e].every((r) => r.inlet.currentState === 'streaming'), 5000, 'feeds');
  const deviceNs = hostTimeNs() - 5e6;
  const expectedLsl = lslLocalClock() - (hostTimeNs() - deviceNs) / 1e9;
  publisher.sink(motive, poses([1, 2], deviceNs));
  publisher.sink(pupil, { kind: 'gaze', hostTimeNs: now, deviceTimeNs: deviceNs, x: 0.25, y: 0.75, worn: true });
  publisher.sink(pupil, { kind: 'event', hostTimeNs: now, name: 'blink', value: 'left' });
  await waitFor(() => m.samples.length === 1 && g.samples.length === 1 && e.samples.length === 1, 5000, 'samples');
  assert.deepEqual(m.samples[0]!.values, [1, 2, 3, 0, 0, 0, 1, 2, 2, 3, 0, 0, 0, 1]);
  assert.ok(Math.abs(m.samples[0]!.timestamp - expectedLsl) < 1e-3, `${m.samples[0]!.timestamp - expectedLsl} s`);
  assert.deepEqual(g.samples[0]!.values, [0.25, 0.75, 1]);
  assert.deepEqual(e.samples[0]!.values, ['blink=left']);

  // Another set of bodies: a new outlet with the same source_id replaces the old one.
  const oldUid = mocap!.info.uid;
  publisher.sink(motive, poses([1, 2, 3], deviceNs));
  await waitFor(() => publisher.streams().some((s) => s.type === 'MoCap' && s.uid !== oldUid), 5000, 'replaced outlet');
  const [replaced] = await resolveOn(targets, "source_id='sightline:motive-1:MoCap'");
  assert.equal(replaced!.info.channelCount, 21);
});

test('record --demo --lsl: the devices and recording.start/stop markers on LSL (loopback, LSL ports)', async (t) => {
  const out = tempDir('cli-record-lsl');
  const rec = captureIo();
  const running = runCli(['record', '--out', out, '--demo', '--duration', '4', '--name', 'lsl take', '--lsl'], rec.io);
  // Demo mode binds the outlets to 127.0.0.1 on LSL's own ports; ask them as a known peer would.
  const targets = () => scopeTargets('machine', [LOOPBACK]);
  const [markers] = await resolveOn(targets, "source_id='sightline:sightline:Markers'", 10_000);
  assert.ok(markers, 'the Sightline marker stream');
  const r = openInlet(t, markers, undefined, { timeCorrection: false });
  const mocap = await resolveOn(targets, "type='MoCap' and starts-with(source_id, 'sightline:demo-')", 10_000);
  assert.ok(mocap.length >= 1, 'a demo device publishes poses');
  assert.equal(await running, 0, rec.err());
  await waitFor(() => r.samples.some((s) => s.values[0] === 'recording.stop=lsl take'), 5000, 'the stop marker');
});

test('new outlet options (a changed LSL scope): each stream reopens with them, same source_id, new uid', async (t) => {
  const publisher = new LslPublisher({ outlet: { bindAddress: LOOPBACK, responderPort: null, dataPort: 0 } });
  t.after(() => publisher.close());
  publisher.sink(pupil, { kind: 'event', hostTimeNs: hostTimeNs(), name: 'before' });
  await waitFor(() => publisher.streams().length === 1, 5000, 'the markers outlet');
  const [before] = publisher.streams();
  // What a scope change hands over: the scope's groups (none for machine) on the same loopback ports.
  publisher.setOutletOptions({ bindAddress: LOOPBACK, responderPort: null, dataPort: 0, multicastGroups: [] });
  assert.equal(publisher.streams().length, 0, 'the old outlet is gone');
  publisher.sink(pupil, { kind: 'event', hostTimeNs: hostTimeNs(), name: 'after' });
  await waitFor(() => publisher.streams().length === 1, 5000, 'the outlet again');
  const [again] = publisher.streams();
  assert.equal(again!.sourceId, before!.sourceId);
  assert.notEqual(again!.uid, before!.uid);
  const [found] = await resolveOn(() => [{ address: LOOPBACK, port: again!.dataPort }], "type='Markers'");
  assert.equal(found!.info.uid, again!.uid);
});
