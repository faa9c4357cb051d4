/**
 * What the 3D view currently draws at, for the Health panel and the debug hooks. Changes a few
 * times per session at most (the adaptive pixel ratio steps), never per frame.
 */
import { create } from 'zustand';

export interface RenderQualityState {
  /** Short GL renderer name, or null before the 3D view probed it (or when it could not). */
  gl: string | null;
  /** The full unmasked renderer string. */
  glRenderer: string | null;
  software: boolean;
  antialias: boolean;
  dpr: number;
  minDpr: number;
  maxDpr: number;
  maxFps: number | null;
}

export const useRenderQuality = create<RenderQualityState>()(() => ({
  gl: null,
  glRenderer: null,
  software: false,
  antialias: true,
  dpr: 1,
  minDpr: 1,
  maxDpr: 1,
  maxFps: null,
}));
