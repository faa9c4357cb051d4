/**
 * How well the 3D view may draw on this machine: pure policy, no DOM (unit-tested in Node).
 *
 * Lab PCs without GPU drivers (and our CI) get WebGL from a software rasterizer (SwiftShader,
 * llvmpipe). There every pixel costs CPU that the link, the Hub and the OS need too: no MSAA, a lower
 * and adaptive pixel ratio, and a frame-rate cap. With a GPU the view keeps MSAA and up to 2× pixels,
 * and adapts only if frames actually get slow.
 */

export interface GlInfo {
  /** The unmasked renderer string, e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...))". */
  renderer: string;
  /** Short name for the Health panel. */
  label: string;
  software: boolean;
}

const SOFTWARE_RENDERERS: readonly { pattern: RegExp; label: string }[] = [
  { pattern: /swiftshader/i, label: 'SwiftShader' },
  { pattern: /llvmpipe/i, label: 'llvmpipe' },
  { pattern: /lavapipe/i, label: 'lavapipe' },
  { pattern: /softpipe/i, label: 'softpipe' },
  { pattern: /microsoft basic render/i, label: 'Microsoft Basic Render' },
  { pattern: /software/i, label: 'software renderer' },
];

export function classifyRenderer(renderer: string): GlInfo {
  for (const { pattern, label } of SOFTWARE_RENDERERS) {
    if (pattern.test(renderer)) return { renderer, label, software: true };
  }
  return { renderer, label: shortRendererName(renderer), software: false };
}

/** "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x2504) Direct3D11 vs_5_0 ps_5_0, D3D11)" → "NVIDIA GeForce RTX 3060". */
function shortRendererName(renderer: string): string {
  const angle = /^ANGLE \([^,]*,\s*([^,]+?)(?:\s*\(0x[0-9a-f]+\))?(?:\s+Direct3D.*|\s+OpenGL.*)?(?:,|\)$)/i.exec(
    renderer,
  );
  const name = (angle?.[1] ?? renderer).trim();
  return name.length > 48 ? `${name.slice(0, 47)}…` : name || 'unknown GPU';
}

export interface QualityProfile {
  /** MSAA: a context creation attribute, so decided before the canvas exists. */
  antialias: boolean;
  minDpr: number;
  maxDpr: number;
  /** Frames drawn per second at most; null: every display frame that has something new. */
  maxFps: number | null;
}

/**
 * Software GL: MSAA off (it multiplies the fill cost), dpr 0.5–1, at most 30 frames a second (poses
 * still arrive at up to ~83 Hz; the view shows the newest at each frame). Otherwise MSAA on and
 * dpr 1–2 within what the display has (rendering above its own ratio is wasted).
 * `glInfo` null: WebGL could not even be probed; the canvas will report why.
 */
export function qualityProfile(glInfo: GlInfo | null, devicePixelRatio: number): QualityProfile {
  const displayRatio = Number.isFinite(devicePixelRatio) && devicePixelRatio > 0 ? devicePixelRatio : 1;
  if (glInfo?.software) return { antialias: false, minDpr: 0.5, maxDpr: Math.min(1, displayRatio), maxFps: 30 };
  return { antialias: true, minDpr: 1, maxDpr: Math.min(2, Math.max(1, displayRatio)), maxFps: null };
}

export interface AdaptiveDprOptions {
  minDpr: number;
  maxDpr: number;
  /** Step between levels. */
  step?: number;
  /** A frame slower than this missed its display frame (60 Hz: 16.7 ms, plus slack). */
  slowFrameMs?: number;
  /** A frame at most this long left room to spare. */
  fastFrameMs?: number;
  /** Drop a level after this long of mostly slow frames. */
  dropAfterMs?: number;
  /** Raise a level after this long of (nearly) only fast frames. */
  raiseAfterMs?: number;
  /** Longest wait before trying a higher level again, after raises that did not hold. */
  maxRaiseAfterMs?: number;
}

/**
 * Picks the pixel ratio from measured frame times: steps down when frames are mostly slow for a
 * second, steps up again after a few seconds of headroom. A raise that has to be taken back within
 * a few seconds doubles the wait before the next one, so a machine on the edge does not flicker
 * between two levels every few seconds.
 */
export class AdaptiveDpr {
  private readonly levels: number[];
  private level: number;
  private readonly slowFrameMs: number;
  private readonly fastFrameMs: number;
  private readonly dropAfterMs: number;
  private readonly baseRaiseAfterMs: number;
  private readonly maxRaiseAfterMs: number;
  private raiseAfterMs: number;
  private windowStart: number | null = null;
  private frames = 0;
  private slow = 0;
  private fastSince: number | null = null;
  private lastRaiseAt = -Infinity;

  constructor(options: AdaptiveDprOptions) {
    const step = options.step ?? 0.25;
    const levels: number[] = [];
    for (let dpr = options.maxDpr; dpr > options.minDpr + 1e-9; dpr -= step) levels.push(round(dpr));
    levels.push(round(options.minDpr));
    this.levels = levels.reverse();
    this.level = this.levels.length - 1;
    this.slowFrameMs = options.slowFrameMs ?? 22;
    this.fastFrameMs = options.fastFrameMs ?? 18;
    this.dropAfterMs = options.dropAfterMs ?? 1000;
    this.baseRaiseAfterMs = options.raiseAfterMs ?? 3000;
    this.maxRaiseAfterMs = options.maxRaiseAfterMs ?? 48_000;
    this.raiseAfterMs = this.baseRaiseAfterMs;
  }

  get dpr(): number {
    return this.levels[this.level]!;
  }

  /**
   * One frame's time (ms from the display frame it was drawn in to the next one) at time `now` (ms).
   * Returns the new pixel ratio when it changes, else null.
   */
  sample(frameMs: number, now: number): number | null {
    if (!Number.isFinite(frameMs) || frameMs < 0) return null;
    // A frame that took far longer than any draw (tab in the background, a debugger) says nothing.
    if (frameMs > 1000) return null;
    this.windowStart ??= now;
    this.frames++;
    if (frameMs > this.slowFrameMs) this.slow++;
    if (frameMs <= this.fastFrameMs) this.fastSince ??= now;
    else if (frameMs > this.slowFrameMs) this.fastSince = null;

    if (now - this.windowStart >= this.dropAfterMs) {
      const mostlySlow = this.slow * 2 > this.frames;
      this.windowStart = now;
      this.frames = 0;
      this.slow = 0;
      if (mostlySlow && this.level > 0) {
        // Slow again right after a raise: that level does not hold here, wait longer next time.
        // Slow long after one: the load changed, the usual wait applies again.
        const raiseFailed = now - this.lastRaiseAt < this.raiseAfterMs + this.dropAfterMs * 2;
        this.raiseAfterMs = raiseFailed ? Math.min(this.maxRaiseAfterMs, this.raiseAfterMs * 2) : this.baseRaiseAfterMs;
        return this.change(this.level - 1, now);
      }
    }
    if (this.fastSince !== null && now - this.fastSince >= this.raiseAfterMs && this.level < this.levels.length - 1) {
      this.lastRaiseAt = now;
      return this.change(this.level + 1, now);
    }
    return null;
  }

  private change(level: number, now: number): number {
    this.level = level;
    // Start both judgements afresh at the new level (a resize's own frame is not representative).
    this.windowStart = now;
    this.frames = 0;
    this.slow = 0;
    this.fastSince = null;
    return this.dpr;
  }
}

function round(dpr: number): number {
  return Math.round(dpr * 1000) / 1000;
}
