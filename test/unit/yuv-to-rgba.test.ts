import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scaledSize, yuvToRgba, type YuvImage } from '../../renderer/src/video/yuv-to-rgba';

/** A 4×2 I420 image: black, white, and the limited-range primaries in its chroma blocks. */
function i420(y: number[], u: number[], v: number[], width = 4, height = 2): YuvImage {
  const data = new Uint8Array([...y, ...u, ...v]);
  return {
    format: 'I420',
    width,
    height,
    data,
    layout: [
      { offset: 0, stride: width },
      { offset: y.length, stride: width / 2 },
      { offset: y.length + u.length, stride: width / 2 },
    ],
  };
}

function pixel(out: Uint8ClampedArray, i: number): number[] {
  return [...out.subarray(i * 4, i * 4 + 4)];
}

test('BT.601 limited range: black, white, red and blue come out as such', () => {
  // Chroma blocks: left 2×2 grey (black then white luma), right 2×2 red-ish / blue-ish.
  const image = i420([16, 235, 81, 41, 16, 235, 81, 41], [128, 90], [128, 240]);
  const out = new Uint8ClampedArray(4 * 2 * 4);
  assert.equal(yuvToRgba(image, 1, out), true);
  assert.deepEqual(pixel(out, 0), [0, 0, 0, 255]);
  assert.deepEqual(pixel(out, 1), [255, 255, 255, 255]);
  const red = pixel(out, 2);
  assert.ok(red[0]! > 230 && red[1]! < 30 && red[2]! < 30, `red: ${red.join(',')}`);
  // Saturates instead of wrapping.
  assert.ok(pixel(out, 3).every((c) => c >= 0 && c <= 255));
});

test('half size takes every other pixel and row, with its chroma', () => {
  const image = i420([16, 99, 235, 99, 99, 99, 99, 99], [128, 128], [128, 128]);
  assert.deepEqual(scaledSize(4, 2, 2), { width: 2, height: 1 });
  const out = new Uint8ClampedArray(2 * 1 * 4);
  assert.equal(yuvToRgba(image, 2, out), true);
  assert.deepEqual(pixel(out, 0), [0, 0, 0, 255]);
  assert.deepEqual(pixel(out, 1), [255, 255, 255, 255]);
});

test('NV12 (interleaved chroma) gives the same colours as I420', () => {
  const y = [16, 235, 81, 41, 16, 235, 81, 41];
  const planar = i420(y, [128, 90], [128, 240]);
  const nv12: YuvImage = {
    format: 'NV12',
    width: 4,
    height: 2,
    data: new Uint8Array([...y, 128, 128, 90, 240]),
    layout: [
      { offset: 0, stride: 4 },
      { offset: 8, stride: 4 },
    ],
  };
  const a = new Uint8ClampedArray(32);
  const b = new Uint8ClampedArray(32);
  assert.equal(yuvToRgba(planar, 1, a), true);
  assert.equal(yuvToRgba(nv12, 1, b), true);
  assert.deepEqual([...b], [...a]);
});

test('planes that do not fit the data, or a short output, are refused without reading past the end', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 20 }),
      fc.array(fc.record({ offset: fc.integer({ min: -5, max: 200 }), stride: fc.integer({ min: 0, max: 30 }) }), {
        minLength: 0,
        maxLength: 3,
      }),
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom<'I420' | 'NV12'>('I420', 'NV12'),
      fc.constantFrom<1 | 2>(1, 2),
      (width, height, layout, size, format, step) => {
        // Every byte 200: any pixel read inside the data comes out (255, 128, 255); one read past
        // the end would be undefined − 16 = NaN, stored as 0.
        const data = new Uint8Array(size).fill(200);
        const { width: w, height: h } = scaledSize(width, height, step);
        const out = new Uint8ClampedArray(Math.max(0, w * h * 4));
        if (yuvToRgba({ format, width, height, data, layout }, step, out)) {
          for (let i = 0; i < out.length; i += 4) assert.deepEqual([...out.subarray(i, i + 4)], [255, 128, 255, 255]);
        }
      },
    ),
    { numRuns: 3000 },
  );
  assert.equal(
    yuvToRgba(i420([16, 16, 16, 16, 16, 16, 16, 16], [128, 128], [128, 128]), 1, new Uint8ClampedArray(8)),
    false,
  );
});
