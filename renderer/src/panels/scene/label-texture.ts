/**
 * Body names as canvas textures on sprites: drawn with the system UI font, so nothing is fetched
 * (no web fonts, no SDF font files) and the label costs one small texture per body.
 */
import { CanvasTexture, LinearFilter, SRGBColorSpace } from 'three';

/** Rendered at 2× for crisp text on high-DPI screens and when the sprite is scaled up slightly. */
const PIXEL_RATIO = 2;
const FONT_PX = 13;
const PAD_X = 7;
const HEIGHT_PX = 20;
const SWATCH_PX = 3;

export interface LabelTexture {
  texture: CanvasTexture;
  /** CSS pixels, for sizing the sprite on screen. */
  width: number;
  height: number;
}

export function createLabelTexture(text: string, accent: string): LabelTexture {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  const font = `600 ${FONT_PX * PIXEL_RATIO}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
  let width = 60;
  if (ctx) {
    ctx.font = font;
    width = Math.ceil(ctx.measureText(text).width / PIXEL_RATIO) + PAD_X * 2 + SWATCH_PX;
  }
  canvas.width = width * PIXEL_RATIO;
  canvas.height = HEIGHT_PX * PIXEL_RATIO;
  if (ctx) {
    ctx.scale(PIXEL_RATIO, PIXEL_RATIO);
    ctx.fillStyle = 'rgba(13, 17, 23, 0.82)';
    ctx.beginPath();
    ctx.roundRect(0.5, 0.5, width - 1, HEIGHT_PX - 1, 4);
    ctx.fill();
    ctx.fillStyle = accent;
    ctx.fillRect(0.5, 3, SWATCH_PX, HEIGHT_PX - 6);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.font = font;
    ctx.fillStyle = '#e6edf3';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, (PAD_X + SWATCH_PX) * PIXEL_RATIO, (HEIGHT_PX / 2 + 0.5) * PIXEL_RATIO);
  }
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.minFilter = LinearFilter;
  texture.generateMipmaps = false;
  return { texture, width, height: HEIGHT_PX };
}
