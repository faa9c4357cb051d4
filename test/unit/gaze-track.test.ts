import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GAZE_STRIDE } from '../../preload/api';
import { GazeTrack } from '../../renderer/src/video/gaze-track';

/** A gaze section as the batch carries it: 200 Hz from t0, device clock 40 ms behind arrival. */
function section(t0: number, count: number, options: { unsynced?: boolean; wornEvery?: number } = {}): Float64Array {
  const out = new Float64Array(count * GAZE_STRIDE);
  for (let i = 0; i < count; i++) {
    const t = t0 + i * 5;
    out.set(
      [t + 40, options.unsynced ? NaN : t, (t % 1000) / 1000, 0.5, i % (options.wornEvery ?? 1) === 0 ? 1 : 0],
      i * 5,
    );
  }
  return out;
}

test('a frame is matched to the nearest sample on the device clock, within half a gaze period', () => {
  const track = new GazeTrack();
  track.addSection(section(10_000, 40), 40);
  const p = track.nearest(10_052, 'device', 100)!;
  assert.equal(p.timeMs, 10_050);
  assert.equal(p.errorMs, 2);
  assert.ok(Math.abs(p.x - 0.05) < 1e-6, 'positions are kept as float32');
  assert.equal(track.nearest(10_053, 'device', 100)!.timeMs, 10_055);
  // On arrival times the same samples are 40 ms later.
  assert.equal(track.nearest(10_092, 'host', 100)!.timeMs, 10_090);
});

test('no sample near the frame: no gaze rather than a wrong one', () => {
  const track = new GazeTrack();
  assert.equal(track.nearest(0, 'device', 100), null);
  track.addSection(section(10_000, 10), 10);
  assert.equal(track.nearest(20_000, 'device', 100), null);
  assert.equal(track.nearest(9_000, 'device', 100), null);
});

test('before the clock is synced there is nothing to match on the device clock; arrival times still work', () => {
  const track = new GazeTrack();
  track.addSection(section(10_000, 10, { unsynced: true }), 10);
  assert.equal(track.nearest(10_010, 'device', 100), null);
  assert.equal(track.newestTime('device'), null);
  assert.equal(track.nearest(10_050, 'host', 100)!.timeMs, 10_050);
});

test('the trail is the last samples up to the matched one, oldest first, with their worn flags', () => {
  const track = new GazeTrack();
  track.addSection(section(10_000, 100, { wornEvery: 2 }), 100);
  const trail = track.trail(10_200, 'device', 30);
  assert.deepEqual(
    trail.map((p) => p.timeMs),
    [10_175, 10_180, 10_185, 10_190, 10_195, 10_200],
  );
  assert.deepEqual(
    trail.map((p) => p.worn),
    [false, true, false, true, false, true],
  );
});

test('the ring keeps the newest samples; non-finite positions are skipped', () => {
  const track = new GazeTrack(16);
  track.addSection(section(10_000, 40), 40);
  assert.equal(track.size, 16);
  assert.equal(track.added, 40);
  assert.equal(track.newestTime('device'), 10_195);
  assert.equal(track.nearest(10_000, 'device', 10), null, 'overwritten');
  const bad = section(20_000, 2);
  bad[2] = NaN;
  track.addSection(bad, 2);
  assert.equal(track.added, 41);
});
