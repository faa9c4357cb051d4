/**
 * Which WebGL implementation this page gets, asked once before the 3D view's canvas is created
 * (MSAA cannot be switched off on a live context). A throwaway context on a detached canvas is
 * enough; it is released at once so it does not count against the browser's context limit.
 */
import { classifyRenderer, type GlInfo } from './render-quality';

let probed: GlInfo | null | undefined;

export function probeGl(): GlInfo | null {
  if (probed !== undefined) return probed;
  probed = null;
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (!gl) return probed;
    // The unmasked name says "SwiftShader"/"llvmpipe"; the plain RENDERER may just say "WebKit WebGL".
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    probed = classifyRenderer(typeof name === 'string' && name ? name : 'unknown');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    // No verdict: treat as a GPU and let the adaptive pixel ratio cope.
  }
  return probed;
}
