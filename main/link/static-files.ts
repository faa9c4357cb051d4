/**
 * Serving the built renderer (dist/renderer) safely, for both the headless HTTP server and the
 * Electron app:// protocol: path confinement, content types and the security headers.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The renderer's Content-Security-Policy. `connectSrc` adds the WebSocket origin in headless mode
 * ('self' covers ws: only in newer CSP implementations). 'unsafe-inline' styles: React's style props.
 * 'self' workers: the headless link's worker (link-worker.js); blob: workers and images: decoders and
 * snapshots created in the page.
 */
export function rendererCsp(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "worker-src 'self' blob:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Headers every renderer response carries, besides Content-Type. COOP same-origin + COEP require-corp
 * make the page cross-origin isolated, which is what gives it SharedArrayBuffer: the headless link's
 * worker stores poses in one (renderer/src/stores/shared-poses.ts). The worker script needs them on
 * its own response too, hence on every response. Everything the page loads is its own origin.
 */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

export type StaticLookup =
  | { ok: true; path: string; size: number; contentType: string }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps a URL path ('/', '/app.js', ...) to a file inside `root`, refusing anything that resolves
 * (lexically or through a symlink) outside it. `urlPath` is the raw, still-encoded pathname.
 */
export async function lookupStatic(root: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed path' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400, reason: 'malformed path' };
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const candidate = resolve(base, relative);
  if (!isInside(base, candidate)) return { ok: false, status: 403, reason: 'outside the renderer root' };
  try {
    const [realBase, realFile] = await Promise.all([realpath(base), realpath(candidate)]);
    if (!isInside(realBase, realFile)) return { ok: false, status: 403, reason: 'outside the renderer root' };
    const info = await stat(realFile);
    if (!info.isFile()) return { ok: false, status: 404, reason: 'not found' };
    return { ok: true, path: realFile, size: info.size, contentType: contentTypeFor(realFile) };
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
}

function isInside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}
