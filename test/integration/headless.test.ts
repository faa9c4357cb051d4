/**
 * Headless mode in-process on loopback (port 0): static files with their security headers, and the
 * link over a real WebSocket client, with a scripted source (the server, not a protocol, is under test).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startHeadless, type HeadlessServer } from '../../main/headless';
import { unpackBatch, type UnpackedBatch, type WsServerMessage } from '../../preload/api';
import { FakeSource, waitFor } from '../helpers/fake-source';

let dir: string;
let root: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-headless-'));
  root = join(dir, 'renderer');
  mkdirSync(root);
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><title>Sightline</title><script type="module" src="app.js"></script>',
  );
  writeFileSync(join(root, 'app.js'), 'console.log(1);');
  writeFileSync(join(root, 'styles.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw request: the path is sent exactly as given (no URL normalisation), so traversal attempts reach the server. */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** A renderer over a real WebSocket: collects events, RPC answers and unpacked batches. */
class Client {
  readonly ws: WebSocket;
  readonly messages: WsServerMessage[] = [];
  readonly batches: UnpackedBatch[] = [];
  closeCode: number | null = null;
  opened: Promise<void>;

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const b = data as Buffer;
        this.batches.push(unpackBatch(new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))));
      } else this.messages.push(JSON.parse(String(data)) as WsServerMessage);
    });
    this.ws.on('close', (code) => (this.closeCode = code));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  events<T extends string>(type: T) {
    return this.messages.flatMap((m) => (m.t === 'event' && m.event.type === type ? [m.event] : []));
  }

  async rpc(id: number, method: string, params: unknown) {
    this.ws.send(JSON.stringify({ t: 'rpc', id, method, params }));
    await waitFor(() => this.messages.some((m) => m.t === 'rpc' && m.id === id), `rpc answer ${id}`);
    const m = this.messages.find((x) => x.t === 'rpc' && x.id === id);
    return (m as Extract<WsServerMessage, { t: 'rpc' }>).response;
  }

  async closed(): Promise<number> {
    await waitFor(() => this.closeCode !== null, 'the socket to close');
    return this.closeCode!;
  }
}

describe('headless server on loopback', () => {
  let server: HeadlessServer;
  let source: FakeSource;
  let linkUrl: string;

  before(async () => {
    source = new FakeSource({ id: 'motive', label: 'Motive', recording: true });
    server = await startHeadless({ staticRoot: root, sources: [{ source }], log: () => {} });
    linkUrl = `ws://127.0.0.1:${server.port}/link`;
    await waitFor(() => server.hub.get('motive')?.health.state === 'connected', 'the fake device to connect');
    source.emit('catalog', { bodies: [{ id: 1, name: 'Head' }] });
  });
  after(async () => {
    await server.close();
  });

  test('prints a loopback URL with the OS-picked port and no token', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
    assert.ok(server.port > 0);
    assert.equal(server.token, null);
  });

  test('serves the renderer with content types and a strict CSP', async () => {
    const index = await get(server.port, '/');
    assert.equal(index.status, 200);
    assert.match(String(index.headers['content-type']), /^text\/html/);
    const csp = String(index.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    }
    assert.ok(csp.includes(`ws://127.0.0.1:${server.port}`), csp);
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    const js = await get(server.port, '/app.js');
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    const css = await get(server.port, '/styles.css');
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.equal((await get(server.port, '/missing.js')).status, 404);
    assert.equal((await get(server.port, '/', {}, 'POST')).status, 405);
    assert.equal((await get(server.port, '/link')).status, 426);
  });

  test('refuses paths outside the renderer root, however spelled', async () => {
    for (const path of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/../package.json',
      '/..\\secret.txt',
      '/%00',
    ]) {
      const r = await get(server.port, path);
      assert.ok(r.status >= 400 && r.status < 500, `${path} → ${r.status}`);
      assert.ok(!r.body.includes('TOP SECRET'), path);
    }
  });

  test('a page on another host name (DNS rebinding) is refused', async () => {
    const r = await get(server.port, '/', { Host: `evil.example:${server.port}` });
    assert.equal(r.status, 403);
    const c = new Client(linkUrl, { headers: { Origin: 'http://evil.example' } });
    await assert.rejects(c.opened, /403/);
    const d = new Client(linkUrl, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
    await d.opened;
    d.ws.close();
  });

  test('a renderer gets devices, the catalog and batches that unpack; acks pace them', async () => {
    const c = new Client(linkUrl);
    await c.opened;
    await waitFor(() => c.events('devices').length > 0 && c.events('catalog').length > 0, 'the replay');
    const devices = c.events('devices')[0]!;
    assert.equal(devices.type === 'devices' && devices.devices[0]!.id, 'motive');
    assert.deepEqual(c.events('catalog')[0], { type: 'catalog', handle: 1, bodies: [{ id: 1, name: 'Head' }] });

    source.emitPoses(3);
    await waitFor(() => c.batches.length >= 1, 'a batch');
    const first = c.batches.at(-1)!;
    assert.equal(first.poses[0]!.handle, 1);
    assert.equal(first.poses[0]!.bodies.length, 3);
    for (let i = 0; i < 5; i++) source.emitPoses(3);
    const frame = source.emitPoses(3).frameNumber;
    c.ws.send(JSON.stringify({ t: 'ack', seq: first.seq }));
    await waitFor(() => c.batches.at(-1)!.poses[0]!.frameNumber === frame, 'the newest frame after the ack');
    c.ws.close();
    await c.closed();
  });

  test('RPC round trip; unknown method answered as an error; recording through the Hub', async () => {
    const c = new Client(linkUrl);
    await c.opened;
    const list = await c.rpc(1, 'listDevices', {});
    assert.equal(list.ok, true);
    const unknown = await c.rpc(2, 'eval', { code: '1' });
    assert.equal(unknown.ok, false);
    assert.match((unknown as { error: string }).error, /unknown method/);
    const rec = await c.rpc(3, 'startRecording', { deviceId: 'motive', takeName: 'Take 1' });
    assert.deepEqual(rec, { ok: true, value: null });
    assert.deepEqual(source.recordingCalls.at(-1), 'start:Take 1');
    assert.equal(c.ws.readyState, WebSocket.OPEN, 'a bad call does not cost the connection');
    c.ws.close();
  });

  test('invalid JSON, schema violations, binary and oversized messages close the socket and are counted', async () => {
    const before = server.stats().policyViolations;
    const cases: [string, (ws: WebSocket) => void, number][] = [
      ['invalid JSON', (ws) => ws.send('{not json'), 1008],
      ['not a link message', (ws) => ws.send(JSON.stringify({ t: 'exec', cmd: 'ls' })), 1008],
      ['binary', (ws) => ws.send(Buffer.from([1, 2, 3])), 1008],
      [
        'oversized',
        (ws) => ws.send(JSON.stringify({ t: 'rpc', id: 1, method: 'listDevices', params: { x: 'x'.repeat(100_000) } })),
        1009,
      ],
    ];
    for (const [name, send, code] of cases) {
      const c = new Client(linkUrl);
      await c.opened;
      send(c.ws);
      assert.equal(await c.closed(), code, name);
    }
    await waitFor(() => server.stats().policyViolations >= before + cases.length, 'the violations to be counted');
  });

  test('only /link upgrades', async () => {
    const c = new Client(`ws://127.0.0.1:${server.port}/other`);
    await assert.rejects(c.opened, /404/);
  });
});

describe('headless server with a token', () => {
  test('HTTP and the WebSocket need the token; the page then works from its cookie', async () => {
    const server = await startHeadless({ staticRoot: root, sources: [], requireToken: true, log: () => {} });
    try {
      assert.ok(server.token && server.token.length >= 32);
      assert.equal(server.url, `http://127.0.0.1:${server.port}/?token=${server.token}`);
      assert.equal((await get(server.port, '/')).status, 401);
      assert.equal((await get(server.port, '/?token=wrong')).status, 401);
      const page = await get(server.port, `/?token=${server.token}`);
      assert.equal(page.status, 200);
      const cookie = String(page.headers['set-cookie']);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      const asset = await get(server.port, '/app.js', { Cookie: cookie.split(';')[0]! });
      assert.equal(asset.status, 200);

      const link = `ws://127.0.0.1:${server.port}/link`;
      await assert.rejects(new Client(link).opened, /401/);
      await assert.rejects(new Client(`${link}?token=nope`).opened, /401/);
      const ok = new Client(`${link}?token=${server.token}`);
      await ok.opened;
      await waitFor(() => ok.events('devices').length > 0, 'the devices event');
      // Closing the server closes its renderers with "going away".
      await server.close();
      assert.equal(await ok.closed(), 1001);
    } finally {
      await server.close();
    }
  });

  test('a non-loopback bind always requires a token', async () => {
    // Binding 0.0.0.0 would leave loopback; the rule itself is what is checked here.
    const { isLoopbackHost } = await import('../../main/headless');
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('::1'), true);
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('0.0.0.0'), false);
    assert.equal(isLoopbackHost('192.168.1.5'), false);
  });
});
