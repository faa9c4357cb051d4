/**
 * The app:// handler: answers a Fetch API Request for the built renderer with its security headers and
 * CSP. main/app/main.ts registers it with protocol.handle('app', …); the end-to-end suite's IPC path
 * serves the page through this same function, so both get the same bytes and the same headers.
 */
import { readFile } from 'node:fs/promises';
import { APP_ORIGIN } from './sender-policy';
import { lookupStatic, rendererCsp, securityHeaders } from './static-files';

export type AppRequestHandler = (request: Request) => Promise<Response>;

export function appProtocolHandler(rendererRoot: string): AppRequestHandler {
  return async (request) => {
    const headers = securityHeaders(rendererCsp());
    const url = new URL(request.url);
    if (
      url.protocol !== APP_ORIGIN.protocol ||
      url.host !== APP_ORIGIN.host ||
      (request.method !== 'GET' && request.method !== 'HEAD')
    ) {
      return new Response('Not found', { status: 404, headers });
    }
    const found = await lookupStatic(rendererRoot, url.pathname);
    if (!found.ok) return new Response(found.reason, { status: found.status, headers });
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(found.path));
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': found.contentType } });
  };
}
