/** The Plots panel's pure parts: channel ids, units and Euler angles; the sample ring and its decimation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alignSeries, columnTimes, PlotBuffer } from '../../renderer/src/plots/plot-buffer';
import { recordedTimeMs } from '../../renderer/src/plots/playback-time';
import {
  channelId,
  channelLabel,
  channelUnit,
  eulerDegrees,
  parseChannel,
  type Channel,
} from '../../renderer/src/plots/plot-channels';

describe('plot channels', () => {
  test('ids round-trip, odd device and input names included; anything else is refused', () => {
    const channels: Channel[] = [
      { kind: 'pose', device: 'demo-motive', body: 1001, quantity: 'yaw' },
      { kind: 'gaze', device: 'eyes', quantity: 'worn' },
      { kind: 'input', device: 'vrpn/lab', input: 'Tracker0@host', type: 'dial', index: 2 },
      { kind: 'device', device: 'playback:demo-motive', quantity: 'offset' },
    ];
    for (const c of channels) assert.deepEqual(parseChannel(channelId(c)), c);
    for (const bad of [
      '',
      'pose/m/1/w',
      'pose/m/x/x',
      'gaze/m',
      'input/m/a/knob/1',
      'device//rate',
      'other/m/rate',
      'pose/%E0/1/x',
    ]) {
      assert.equal(parseChannel(bad), null, bad);
    }
  });

  test('units and labels', () => {
    const names = { device: (id: string) => (id === 'eyes' ? 'Neon' : id), body: () => 'Wand' };
    assert.equal(channelUnit({ kind: 'pose', device: 'm', body: 1, quantity: 'x' }), 'm');
    assert.equal(channelUnit({ kind: 'pose', device: 'm', body: 1, quantity: 'pitch' }), '°');
    assert.equal(channelUnit({ kind: 'pose', device: 'm', body: 1, quantity: 'speed' }), 'm/s');
    assert.equal(channelUnit({ kind: 'device', device: 'm', quantity: 'rate' }), 'Hz');
    assert.equal(channelLabel({ kind: 'gaze', device: 'eyes', quantity: 'x' }, names), 'Neon gaze x');
    assert.equal(channelLabel({ kind: 'pose', device: 'm', body: 1, quantity: 'z' }, names), 'Wand z');
  });

  test('Euler angles of known rotations', () => {
    const h = Math.SQRT1_2;
    const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
    // Y is up: a turn about Y is yaw, about X pitch, about Z roll.
    const yaw90 = eulerDegrees(0, h, 0, h);
    near(yaw90.yaw, 90);
    near(yaw90.roll, 0);
    near(yaw90.pitch, 0);
    near(eulerDegrees(h, 0, 0, h).pitch, 90);
    near(eulerDegrees(0, 0, h, h).roll, 90);
    near(eulerDegrees(0, 0, 0, 1).yaw, 0);
    // Turning past 180° about the vertical wraps the yaw and leaves pitch and roll alone.
    const a = (200 * Math.PI) / 180;
    const turned = eulerDegrees(0, Math.sin(a / 2), 0, Math.cos(a / 2));
    near(turned.yaw, -160);
    near(turned.pitch, 0);
  });
});

describe('playback time', () => {
  test('a replayed sample maps back to its recorded time, at any speed; paused it stays put', () => {
    const clock = { positionNs: 1_000_000_000_000, speed: 2, playing: true, receivedAtMs: 5_000 };
    assert.equal(recordedTimeMs(5_000, clock), 1_000_000);
    assert.equal(recordedTimeMs(5_250, clock), 1_000_500, '250 ms later at 2× is 500 ms of the recording');
    assert.equal(recordedTimeMs(9_000, { ...clock, playing: false }), 1_000_000);
  });
});

describe('plot buffer', () => {
  test('a ring: keeps the newest, refuses time going back, finds ranges and values', () => {
    const b = new PlotBuffer(8);
    for (let i = 0; i < 12; i++) assert.equal(b.push(i * 10, i), true);
    assert.equal(b.length, 8);
    assert.equal(b.push(50, 0), false, 'older than the newest');
    assert.deepEqual(b.range(0, 1000), { t: [40, 50, 60, 70, 80, 90, 100, 110], v: [4, 5, 6, 7, 8, 9, 10, 11] });
    assert.deepEqual(b.range(65, 90).v, [7, 8, 9]);
    assert.equal(b.valueAt(75), 7);
    assert.equal(b.valueAt(10), null);
  });

  test('decimation keeps the extremes of every stride', () => {
    const b = new PlotBuffer(100_000);
    for (let i = 0; i < 60_000; i++) b.push(i, i === 31_234 ? 1000 : i === 45_000 ? -1000 : Math.sin(i / 1000));
    const r = b.range(0, 60_000, 400);
    assert.ok(r.t.length <= 400 && r.t.length > 300, `${r.t.length} points`);
    assert.ok(r.v.includes(1000) && r.v.includes(-1000), 'spikes survive');
    assert.ok(
      r.t.every((t, i) => i === 0 || t > r.t[i - 1]!),
      'times increase',
    );
  });

  test('columns: each column’s minimum and maximum on a grid every series shares', () => {
    const b = new PlotBuffer(1000);
    for (let i = 0; i < 100; i++) b.push(i, i % 10);
    const out = new Array<number | null>(8);
    b.columns(0, 100, 4, out);
    assert.deepEqual(out, [0, 9, 0, 9, 0, 9, 0, 9]);
    const sparse = new PlotBuffer(10);
    sparse.push(10, 5);
    sparse.columns(0, 100, 4, out);
    assert.deepEqual(out, [5, 5, null, null, null, null, null, null]);
    assert.deepEqual(columnTimes(0, 100, 2), [12.5, 37.5, 62.5, 87.5]);
    assert.equal(b.countIn(10, 19), 10);
  });

  test('series on one time axis, with gaps where one has no sample', () => {
    assert.deepEqual(
      alignSeries([
        { t: [1, 3], v: [10, 30] },
        { t: [2, 3], v: [20, 31] },
      ]),
      [
        [1, 2, 3],
        [10, null, 30],
        [null, 20, 31],
      ],
    );
  });
});
