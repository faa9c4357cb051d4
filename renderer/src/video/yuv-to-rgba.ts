/**
 * Planar YUV (I420, or NV12 with interleaved chroma) to RGBA, optionally at half size, in plain
 * integer arithmetic (BT.601, limited range: what H.264 cameras send). The link worker converts a
 * VideoFrame this way instead of drawImage(frame): in Chromium with software compositing, turning a
 * VideoFrame into pixels inside a worker (drawImage, createImageBitmap, copyTo as RGBA) waits for the
 * page's main thread, which software GL keeps busy; copying the planes out (copyTo) does not.
 * Pure: runs in the worker and in Node's unit tests.
 */

export interface PlaneLayout {
  offset: number;
  stride: number;
}

export type YuvFormat = 'I420' | 'NV12';

export interface YuvImage {
  format: YuvFormat;
  /** Visible size in pixels. */
  width: number;
  height: number;
  data: Uint8Array;
  /** I420: Y, U, V. NV12: Y, UV. */
  layout: readonly PlaneLayout[];
}

/** Output size for a step of 1 (full size) or 2 (every other pixel and row: a quarter of the work). */
export function scaledSize(width: number, height: number, step: 1 | 2): { width: number; height: number } {
  return { width: Math.floor(width / step), height: Math.floor(height / step) };
}

/**
 * Writes RGBA into `out` (scaledSize × 4 bytes, a Uint8ClampedArray so results saturate). Returns
 * false, writing nothing, when the planes do not fit the data (never reads out of bounds).
 */
export function yuvToRgba(image: YuvImage, step: 1 | 2, out: Uint8ClampedArray): boolean {
  const { width: w, height: h } = scaledSize(image.width, image.height, step);
  if (out.length < w * h * 4 || !planesFit(image)) return false;
  const { data, layout } = image;
  const y0 = layout[0]!;
  const u0 = layout[1]!;
  const nv12 = image.format === 'NV12';
  const v0 = nv12 ? u0 : layout[2]!;
  const chromaStep = nv12 ? 2 : 1;
  const vShift = nv12 ? 1 : 0;
  let o = 0;
  for (let row = 0; row < h; row++) {
    const sy = row * step;
    const yRow = y0.offset + sy * y0.stride;
    const uRow = u0.offset + (sy >> 1) * u0.stride;
    const vRow = v0.offset + (sy >> 1) * v0.stride + vShift;
    for (let col = 0; col < w; col++) {
      const sx = col * step;
      const c = 298 * (data[yRow + sx]! - 16) + 128;
      const chroma = (sx >> 1) * chromaStep;
      const d = data[uRow + chroma]! - 128;
      const e = data[vRow + chroma]! - 128;
      out[o] = (c + 409 * e) >> 8;
      out[o + 1] = (c - 100 * d - 208 * e) >> 8;
      out[o + 2] = (c + 516 * d) >> 8;
      out[o + 3] = 255;
      o += 4;
    }
  }
  return true;
}

function planesFit(image: YuvImage): boolean {
  const { width, height, data, layout, format } = image;
  if (width <= 0 || height <= 0) return false;
  const planes = format === 'NV12' ? 2 : 3;
  if (layout.length < planes) return false;
  const chromaWidth = format === 'NV12' ? 2 * Math.ceil(width / 2) : Math.ceil(width / 2);
  for (let p = 0; p < planes; p++) {
    const { offset, stride } = layout[p]!;
    const rows = p === 0 ? height : Math.ceil(height / 2);
    const rowBytes = p === 0 ? width : chromaWidth;
    if (offset < 0 || stride < rowBytes || offset + (rows - 1) * stride + rowBytes > data.length) return false;
  }
  return true;
}
