// `npm run icons`: renders assets/icon.svg (the one drawing of the app icon) to every file the
// installers need: PNGs for Linux (assets/icons/NxN.png) and the window, icon.ico (Windows, PNG
// entries) and icon.icns (macOS, PNG entries). The outputs are committed so a build needs no renderer.
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = join(root, 'assets');
const svg = readFileSync(join(assets, 'icon.svg'));

export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
// Windows shows up to 256 px from an .ico; larger entries are not allowed by the format.
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// The PNG-based ICNS element types, by edge length.
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

function render(size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
}

export function buildIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const { size, png } of pngs) {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt8(0, 2); // no palette
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.png)]);
}

export function buildIcns(elements) {
  const parts = elements.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

function main() {
  const pngs = new Map(PNG_SIZES.map((size) => [size, render(size)]));
  mkdirSync(join(assets, 'icons'), { recursive: true });
  for (const [size, png] of pngs) writeFileSync(join(assets, 'icons', `${size}x${size}.png`), png);
  writeFileSync(join(assets, 'icon.png'), pngs.get(512));
  writeFileSync(join(assets, 'icon.ico'), buildIco(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  writeFileSync(
    join(assets, 'icon.icns'),
    buildIcns(ICNS_TYPES.map(([type, size]) => ({ type, png: pngs.get(size) }))),
  );
  console.error(`icons: ${PNG_SIZES.length} PNGs, icon.ico and icon.icns written to assets/`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
