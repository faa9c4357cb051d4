/**
 * The 3D view's quality policy (renderer/src/panels/scene/render-quality.ts): which GL renderers are
 * software, what each gets, and how the adaptive pixel ratio follows measured frame times.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptiveDpr, classifyRenderer, qualityProfile } from '../../renderer/src/panels/scene/render-quality';

test('software rasterizers are recognised from the unmasked renderer string', () => {
  const swiftshader = classifyRenderer(
    'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
  );
  assert.deepEqual([swiftshader.software, swiftshader.label], [true, 'SwiftShader']);
  assert.equal(classifyRenderer('llvmpipe (LLVM 15.0.6, 256 bits)').label, 'llvmpipe');
  assert.equal(classifyRenderer('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11)').software, true);

  const nvidia = classifyRenderer(
    'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002504) Direct3D11 vs_5_0 ps_5_0, D3D11)',
  );
  assert.deepEqual([nvidia.software, nvidia.label], [false, 'NVIDIA GeForce RTX 3060']);
  const intel = classifyRenderer('Mesa Intel(R) UHD Graphics 620 (KBL GT2)');
  assert.deepEqual([intel.software, intel.label], [false, 'Mesa Intel(R) UHD Graphics 620 (KBL GT2)']);
});

test('software GL: no MSAA, dpr 0.5–1, capped; a GPU keeps MSAA and up to the display ratio, at most 2', () => {
  const software = classifyRenderer('SwiftShader');
  assert.deepEqual(qualityProfile(software, 1), { antialias: false, minDpr: 0.5, maxDpr: 1, maxFps: 30 });
  assert.deepEqual(qualityProfile(software, 2), { antialias: false, minDpr: 0.5, maxDpr: 1, maxFps: 30 });
  const gpu = classifyRenderer('NVIDIA GeForce RTX 3060');
  assert.deepEqual(qualityProfile(gpu, 2), { antialias: true, minDpr: 1, maxDpr: 2, maxFps: null });
  assert.deepEqual(qualityProfile(gpu, 3), { antialias: true, minDpr: 1, maxDpr: 2, maxFps: null });
  assert.equal(qualityProfile(gpu, 1).maxDpr, 1);
  assert.equal(qualityProfile(gpu, 1.5).maxDpr, 1.5);
  // Not even probed: treated as a GPU (the canvas reports real failures itself).
  assert.equal(qualityProfile(null, 1).antialias, true);
  assert.equal(qualityProfile(gpu, NaN).maxDpr, 1);
});

/** Feeds frames of `ms` each, back to back, for `forMs`; returns the dpr after each change. */
function run(dpr: AdaptiveDpr, clock: { now: number }, ms: number, forMs: number): number[] {
  const changes: number[] = [];
  for (const end = clock.now + forMs; clock.now < end;) {
    clock.now += ms;
    const next = dpr.sample(ms, clock.now);
    if (next !== null) changes.push(next);
  }
  return changes;
}

test('adaptive dpr: steps down after a second of slow frames, to the floor and no further', () => {
  const clock = { now: 0 };
  const dpr = new AdaptiveDpr({ minDpr: 0.5, maxDpr: 1 });
  assert.equal(dpr.dpr, 1, 'starts at the top');
  assert.deepEqual(run(dpr, clock, 16.7, 5_000), [], 'fast frames at the top: nothing to do');
  assert.deepEqual(run(dpr, clock, 33, 900), [], 'not yet a second');
  assert.deepEqual(run(dpr, clock, 33, 200), [0.75]);
  assert.deepEqual(run(dpr, clock, 33, 1_100), [0.5]);
  assert.deepEqual(run(dpr, clock, 50, 5_000), [], 'already at the floor');
});

test('adaptive dpr: a few slow frames among fast ones are not a reason to drop', () => {
  const clock = { now: 0 };
  const dpr = new AdaptiveDpr({ minDpr: 0.5, maxDpr: 1 });
  const changes: number[] = [];
  for (let i = 0; i < 600; i++) {
    const ms = i % 4 === 0 ? 40 : 16.7;
    clock.now += ms;
    const next = dpr.sample(ms, clock.now);
    if (next !== null) changes.push(next);
  }
  assert.deepEqual(changes, []);
});

test('adaptive dpr: steps up after a few seconds of headroom; a raise that does not hold waits longer next time', () => {
  const clock = { now: 0 };
  const dpr = new AdaptiveDpr({ minDpr: 1, maxDpr: 2, raiseAfterMs: 3_000 });
  assert.deepEqual(run(dpr, clock, 40, 3_100), [1.75, 1.5, 1.25]);
  assert.deepEqual(run(dpr, clock, 16.7, 2_900), [], 'headroom, but not for long enough');
  assert.deepEqual(run(dpr, clock, 16.7, 200), [1.5]);
  // 1.5 is too much after all: dropped again within a second, and the next raise waits 6 s, not 3 s.
  assert.deepEqual(run(dpr, clock, 40, 1_100), [1.25]);
  assert.deepEqual(run(dpr, clock, 16.7, 5_500), []);
  assert.deepEqual(run(dpr, clock, 16.7, 600), [1.5]);
});

test('adaptive dpr: nonsense and stalls (a hidden tab) are ignored', () => {
  const clock = { now: 0 };
  const dpr = new AdaptiveDpr({ minDpr: 0.5, maxDpr: 1 });
  for (const ms of [NaN, -5, Infinity, 5_000]) assert.equal(dpr.sample(ms, (clock.now += 100)), null);
  assert.equal(dpr.dpr, 1);
});
