/**
 * An HTTP server on loopback standing in for the app:// scheme: each request is handed, as
 * app://sightline/<path>, to the very handler main.ts registers with protocol.handle
 * (main/link/app-protocol.ts), and its answer (status, headers, CSP, body) is sent back unchanged.
 * A page from here is a secure context (loopback), as app:// is declared secure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appProtocolHandler } from '../../../main/link/app-protocol';
import { APP_ORIGIN } from '../../../main/link/sender-policy';

export interface AppServer {
  /** The page's URL (index.html). */
  url: string;
  origin: string;
  /** A page URL from this server, as the app sees it: app://sightline/… ; other URLs unchanged. */
  toAppUrl(url: string): string;
  close(): Promise<void>;
}

export async function startAppServer(rendererRoot: string): Promise<AppServer> {
  const serve = appProtocolHandler(rendererRoot);
  const server: Server = createServer((req, res) => {
    const request = new Request(`${APP_ORIGIN.protocol}//${APP_ORIGIN.host}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
    });
    serve(request)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/index.html`,
    origin,
    toAppUrl(url) {
      try {
        const parsed = new URL(url);
        if (parsed.origin !== origin) return url;
        return `${APP_ORIGIN.protocol}//${APP_ORIGIN.host}${parsed.pathname}${parsed.search}${parsed.hash}`;
      } catch {
        return url;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
