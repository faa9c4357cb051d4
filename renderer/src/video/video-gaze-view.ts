/**
 * Decodes one device's H.264 access units with WebCodecs and draws each frame with its gaze on a 2D
 * canvas. Runs wherever the link delivers: in the link worker on an OffscreenCanvas (headless mode,
 * so software GL on the page's thread cannot delay a frame), or on the page (Electron, fallback).
 * Nothing here touches React: a frame goes from the link to the canvas without a render.
 *
 * The decoder never gets a unit it cannot decode: it starts at an IDR with its SPS, and after any drop
 * (decoder backlog, a unit that arrived too late, a decoder error) waits for the next IDR. Drops are
 * counted. A frame is drawn as soon as it is decoded, with the nearest gaze then known; if a later
 * gaze batch brings a sample closer to the frame's time, the frame is drawn again with it.
 */
import type { GazeSection, VideoAccessUnit } from '../../../preload/api';
import type { DrawnFrame, VideoGazeStats } from '../stores/debug-hooks-contract';
import { drawGazeOverlay, type Context2D } from './draw-gaze';
import { GazeTrack, type GazePoint, type MatchClock } from './gaze-track';

export type { DrawnFrame, VideoGazeStats };
import { describeAccessUnit } from './h264';
import { scaledSize, yuvToRgba, type PlaneLayout, type YuvFormat, type YuvImage } from './yuv-to-rgba';

/** Decoded frames waiting in the decoder beyond this: the page cannot keep up, drop to the next IDR. */
const MAX_DECODE_QUEUE = 4;
/** A unit that reaches us this late (host arrival → here) is useless for a live view. */
const MAX_LATE_MS = 500;
/** Half a gaze period at 200 Hz: a match this close is as good as it gets, no redraw for it. */
const GOOD_MATCH_MS = 2.5;
/** No gaze within this of the frame: draw none rather than a wrong one. */
const MAX_MATCH_MS = 100;
const TRAIL_MS = 150;
const MAX_REDRAWS_PER_FRAME = 6;
/** Figures kept for the Health panel, the e2e test and the bench. */
const TIMING_WINDOW = 600;
const RECENT_FRAMES = 30;

export interface VideoGazeViewOptions {
  handle: number;
  canvas: HTMLCanvasElement | OffscreenCanvas;
  /** Unix ms on main's time line (performance.timeOrigin + performance.now()). */
  now: () => number;
  /** Called after every draw (the worker posts figures from here, throttled). */
  onDrawn?: () => void;
  /**
   * Copy each frame's planes out and convert them here (yuv-to-rgba.ts) instead of drawImage(frame).
   * For the link worker: there, with software compositing, drawImage of a VideoFrame waits for the
   * page's main thread (measured: a 1 s stall of the page stalled the worker's draws, and with them
   * its pose batches, for 1 s); copyTo does not.
   */
  copyPlanes?: boolean;
}

/** Frames wider than this are converted at half size: the panel shows them at ~350–700 px. */
const HALF_SIZE_FROM_WIDTH = 800;

type Picture = { kind: 'frame'; frame: VideoFrame } | { kind: 'pixels'; image: ImageData };

interface Shown {
  picture: Picture;
  /** The video's size: gaze is reported in these pixels, whatever size the picture is. */
  width: number;
  height: number;
  meta: PendingFrame;
  drawn: DrawnFrame;
  match: GazePoint | null;
}

interface Decoded {
  frame: VideoFrame;
  meta: PendingFrame;
  decodedAt: number;
}

interface PendingFrame {
  hostTimeMs: number;
  deviceTimeMs: number | null;
  submittedAt: number;
}

export class VideoGazeView {
  readonly handle: number;
  private readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  private readonly ctx: Context2D | null;
  private readonly now: () => number;
  private readonly onDrawn: (() => void) | undefined;
  private decoder: VideoDecoder | null = null;
  private codec: string | null = null;
  private codedSize = '';
  private waitingForKey = true;
  private status = 'waiting for video';
  private readonly pending = new Map<number, PendingFrame>();
  private readonly gaze = new GazeTrack();
  private current: Shown | null = null;
  private readonly copyPlanes: boolean;
  private converting = false;
  /** The newest frame decoded while another was being converted (older ones are skipped). */
  private queued: Decoded | null = null;
  private planes = new Uint8Array(0);
  private pixels: ImageData | null = null;
  private readonly trail: GazePoint[] = [];
  private closed = false;
  private readonly counts = { received: 0, decoded: 0, drawn: 0, dropped: 0, skippedToKey: 0, decodeErrors: 0 };
  private readonly decodeDraw: number[] = [];
  private readonly decodeOnly: number[] = [];
  private readonly drawOnly: number[] = [];
  private readonly latency: number[] = [];
  private readonly recent: DrawnFrame[] = [];

  constructor(options: VideoGazeViewOptions) {
    this.handle = options.handle;
    this.canvas = options.canvas;
    this.now = options.now;
    this.onDrawn = options.onDrawn;
    this.copyPlanes = options.copyPlanes ?? false;
    this.ctx = options.canvas.getContext('2d', { alpha: false }) as Context2D | null;
    if (typeof VideoDecoder !== 'function') this.status = 'this browser has no WebCodecs VideoDecoder';
    else if (!this.ctx) this.status = 'no 2D canvas';
  }

  pushVideo(au: VideoAccessUnit): void {
    if (this.closed || au.handle !== this.handle || !this.ctx || typeof VideoDecoder !== 'function') return;
    this.counts.received++;
    const late = this.now() - au.hostTimeMs > MAX_LATE_MS;
    if (late || (this.decoder !== null && this.decoder.decodeQueueSize > MAX_DECODE_QUEUE)) {
      this.counts.dropped++;
      this.waitingForKey = true;
      this.status = late ? 'catching up (late video dropped)' : 'catching up (decoder behind)';
      return;
    }
    // Main's key flag is checked against the bytes: only an IDR may start (or restart) the decoder.
    const info = au.key ? describeAccessUnit(au.data) : null;
    const idr = info?.idr ?? false;
    if (this.waitingForKey) {
      const codec = info?.codec ?? (idr ? this.codec : null);
      if (!idr || codec === null) {
        this.counts.skippedToKey++;
        return;
      }
      if (!this.configure(codec, au.width, au.height)) return;
      this.waitingForKey = false;
      this.status = 'decoding';
    } else if (info?.codec) {
      // A stream that changes resolution or profile says so in the SPS of its next IDR.
      if (!this.configure(info.codec, au.width, au.height)) return;
    }
    const decoder = this.decoder!;
    // Chunk timestamps are whole µs; the contract's ptsUs need not be (90 kHz RTP ticks).
    const timestamp = Math.round(au.ptsUs);
    this.pending.set(timestamp, {
      hostTimeMs: au.hostTimeMs,
      deviceTimeMs: au.deviceTimeMs,
      submittedAt: performance.now(),
    });
    if (this.pending.size > 64) this.pending.delete(this.pending.keys().next().value!);
    try {
      decoder.decode(new EncodedVideoChunk({ type: idr ? 'key' : 'delta', timestamp, data: au.data }));
    } catch (error) {
      this.fail(error);
    }
  }

  pushGaze(section: GazeSection): void {
    if (this.closed || section.handle !== this.handle) return;
    this.gaze.addSection(section.samples, section.count);
    const current = this.current;
    if (!current || current.drawn.draws >= MAX_REDRAWS_PER_FRAME) return;
    if (current.match && current.match.errorMs <= GOOD_MATCH_MS) return;
    const { timeMs, clock } = frameTime(current.meta);
    const better = this.gaze.nearest(timeMs, clock, MAX_MATCH_MS);
    if (better && (current.match === null || better.errorMs < current.match.errorMs - 0.5)) this.draw();
  }

  stats(): VideoGazeStats {
    return {
      handle: this.handle,
      status: this.status,
      codec: this.codec,
      width: this.current?.width ?? 0,
      height: this.current?.height ?? 0,
      ...this.counts,
      decodeDrawMs: [...this.decodeDraw],
      decodeMs: [...this.decodeOnly],
      drawMs: [...this.drawOnly],
      latencyMs: [...this.latency],
      recent: this.recent.map((f) => ({ ...f, gaze: f.gaze && { ...f.gaze } })),
      gazeSamples: this.gaze.added,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.current?.picture.kind === 'frame') this.current.picture.frame.close();
    this.current = null;
    this.queued?.frame.close();
    this.queued = null;
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
  }

  private configure(codec: string, width: number, height: number): boolean {
    const size = `${width}x${height}`;
    if (this.decoder && this.decoder.state === 'configured' && codec === this.codec && size === this.codedSize) {
      return true;
    }
    try {
      if (!this.decoder || this.decoder.state === 'closed') {
        this.decoder = new VideoDecoder({ output: (frame) => this.onFrame(frame), error: (e) => this.fail(e) });
      }
      this.decoder.configure({
        codec,
        optimizeForLatency: true,
        ...(width > 0 && height > 0 ? { codedWidth: width, codedHeight: height } : {}),
      });
      this.codec = codec;
      this.codedSize = size;
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  private fail(error: unknown): void {
    this.counts.decodeErrors++;
    this.waitingForKey = true;
    const message = error instanceof Error ? error.message : String(error);
    this.status = `decoder error: ${message}`;
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
    this.pending.clear();
  }

  private onFrame(frame: VideoFrame): void {
    const meta = this.pending.get(frame.timestamp);
    this.pending.delete(frame.timestamp);
    if (this.closed || !meta) {
      frame.close();
      return;
    }
    this.counts.decoded++;
    const decoded: Decoded = { frame, meta, decodedAt: performance.now() };
    if (!this.copyPlanes || !isYuv(frame.format)) {
      this.show({ kind: 'frame', frame }, frame.displayWidth, frame.displayHeight, decoded);
    } else if (this.converting) {
      // Still converting the previous one: only the newest waiting frame is worth drawing.
      this.queued?.frame.close();
      this.queued = decoded;
    } else {
      this.convert(decoded);
    }
  }

  private convert(decoded: Decoded): void {
    const { frame } = decoded;
    this.converting = true;
    const size = frame.allocationSize();
    if (this.planes.length < size) this.planes = new Uint8Array(size);
    const planes = this.planes;
    frame
      .copyTo(planes)
      .then((layout) => {
        const { width, height } = frame.visibleRect ?? { width: frame.codedWidth, height: frame.codedHeight };
        const image: YuvImage = {
          format: frame.format as YuvFormat,
          width,
          height,
          data: planes,
          layout: layout as PlaneLayout[],
        };
        const displayWidth = frame.displayWidth;
        const displayHeight = frame.displayHeight;
        frame.close();
        if (this.closed) return;
        const step = width >= HALF_SIZE_FROM_WIDTH ? 2 : 1;
        const out = scaledSize(width, height, step);
        if (this.pixels?.width !== out.width || this.pixels.height !== out.height) {
          this.pixels = new ImageData(out.width, out.height);
        }
        if (!yuvToRgba(image, step, this.pixels.data)) {
          this.status = 'a decoded frame did not have the layout it announced';
          return;
        }
        this.show({ kind: 'pixels', image: this.pixels }, displayWidth, displayHeight, decoded);
      })
      .catch((error: unknown) => {
        frame.close();
        this.status = `could not read a decoded frame: ${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => {
        this.converting = false;
        const next = this.queued;
        this.queued = null;
        if (next && !this.closed) this.convert(next);
      });
  }

  private show(picture: Picture, width: number, height: number, decoded: Decoded): void {
    if (this.current?.picture.kind === 'frame') this.current.picture.frame.close();
    const { meta } = decoded;
    const { timeMs, clock } = frameTime(meta);
    this.current = {
      picture,
      width,
      height,
      meta,
      match: null,
      drawn: {
        ptsUs: decoded.frame.timestamp,
        frameTimeMs: timeMs,
        clock,
        gaze: null,
        worn: null,
        drawnAtMs: 0,
        draws: 0,
      },
    };
    this.draw();
    const drawnAt = performance.now();
    push(this.decodeOnly, decoded.decodedAt - meta.submittedAt, TIMING_WINDOW);
    push(this.drawOnly, drawnAt - decoded.decodedAt, TIMING_WINDOW);
    push(this.decodeDraw, drawnAt - meta.submittedAt, TIMING_WINDOW);
    push(this.latency, this.current.drawn.drawnAtMs - meta.hostTimeMs, TIMING_WINDOW);
  }

  private draw(): void {
    const current = this.current;
    const ctx = this.ctx;
    if (!current || !ctx) return;
    const { picture, drawn } = current;
    const width = picture.kind === 'frame' ? current.width : picture.image.width;
    const height = picture.kind === 'frame' ? current.height : picture.image.height;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    if (picture.kind === 'frame') ctx.drawImage(picture.frame, 0, 0, width, height);
    else ctx.putImageData(picture.image, 0, 0);
    const match = this.gaze.nearest(drawn.frameTimeMs, drawn.clock, MAX_MATCH_MS);
    const trail = match ? this.gaze.trail(match.timeMs, drawn.clock, TRAIL_MS, this.trail) : this.trail.splice(0);
    drawGazeOverlay(ctx, width, height, { point: match, trail, synced: drawn.clock === 'device' });
    current.match = match;
    // Reported in the video's own pixels, whatever size it is drawn at.
    drawn.gaze = match?.worn
      ? { x: match.x * current.width, y: match.y * current.height, errorMs: match.errorMs }
      : null;
    drawn.worn = match ? match.worn : null;
    drawn.drawnAtMs = this.now();
    drawn.draws++;
    if (drawn.draws === 1) {
      this.counts.drawn++;
      push(this.recent, drawn, RECENT_FRAMES);
    }
    this.onDrawn?.();
  }
}

function isYuv(format: VideoPixelFormat | null): boolean {
  return format === 'I420' || format === 'NV12';
}

/** Matched on the device clock when the frame has device time (synced), else on host arrival time. */
function frameTime(meta: PendingFrame): { timeMs: number; clock: MatchClock } {
  return meta.deviceTimeMs === null
    ? { timeMs: meta.hostTimeMs, clock: 'host' }
    : { timeMs: meta.deviceTimeMs, clock: 'device' };
}

function push<T>(list: T[], value: T, max: number): void {
  list.push(value);
  if (list.length > max) list.shift();
}
