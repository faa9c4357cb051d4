/**
 * Just enough PNG decoding to compare screenshots pixel by pixel: 8-bit RGB/RGBA, not interlaced,
 * which is what Chromium's screenshots are. Keeps the e2e tests free of an image dependency.
 */
import { inflateSync } from 'node:zlib';

export interface Rgba {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, row-major. */
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function decodePng(png: Buffer): Rgba {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let o = 8; o + 8 <= png.length;) {
    const length = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    const body = png.subarray(o + 8, o + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [bitDepth, colourType, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (bitDepth !== 8 || interlace !== 0 || (colourType !== 2 && colourType !== 6)) {
        throw new Error(`unsupported PNG: depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`);
      }
      channels = colourType === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    o += 12 + length;
  }
  if (!width || !height) throw new Error('PNG without IHDR');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null;
    unfilter(filter, line, out, up, channels);
  }
  if (channels === 4) return { width, height, data: pixels };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < pixels.length; i += 3, j += 4) {
    rgba[j] = pixels[i]!;
    rgba[j + 1] = pixels[i + 1]!;
    rgba[j + 2] = pixels[i + 2]!;
    rgba[j + 3] = 255;
  }
  return { width, height, data: rgba };
}

function unfilter(
  filter: number | undefined,
  line: Uint8Array,
  out: Uint8Array,
  up: Uint8Array | null,
  bpp: number,
): void {
  for (let i = 0; i < line.length; i++) {
    const a = i >= bpp ? out[i - bpp]! : 0;
    const b = up ? up[i]! : 0;
    const c = up && i >= bpp ? up[i - bpp]! : 0;
    const x = line[i]!;
    switch (filter) {
      case 0:
        out[i] = x;
        break;
      case 1:
        out[i] = (x + a) & 0xff;
        break;
      case 2:
        out[i] = (x + b) & 0xff;
        break;
      case 3:
        out[i] = (x + ((a + b) >> 1)) & 0xff;
        break;
      case 4:
        out[i] = (x + paeth(a, b, c)) & 0xff;
        break;
      default:
        throw new Error(`bad PNG filter ${String(filter)}`);
    }
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Pixels whose colour differs from `rgb` by more than `tolerance` in some channel. */
export function countUnlike(image: Rgba, rgb: readonly [number, number, number], tolerance: number): number {
  let n = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if (
      Math.abs(image.data[i]! - rgb[0]) > tolerance ||
      Math.abs(image.data[i + 1]! - rgb[1]) > tolerance ||
      Math.abs(image.data[i + 2]! - rgb[2]) > tolerance
    ) {
      n++;
    }
  }
  return n;
}

/** Pixels that differ between two same-sized images by more than `tolerance` in some channel. */
export function countChanged(a: Rgba, b: Rgba, tolerance: number): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('images differ in size');
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (
      Math.abs(a.data[i]! - b.data[i]!) > tolerance ||
      Math.abs(a.data[i + 1]! - b.data[i + 1]!) > tolerance ||
      Math.abs(a.data[i + 2]! - b.data[i + 2]!) > tolerance
    ) {
      n++;
    }
  }
  return n;
}
