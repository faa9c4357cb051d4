/**
 * main/app/ipc.ts in plain Node, with the e2e suite's ipcMain stand-in and hand-made webContents: one
 * router owns the channels, each message goes to the transport of the webContents that sent it, and
 * anything the sender policy refuses is counted and never reaches a link.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IpcRouter, REFUSED_SENDER, type IpcEventLike, type WebContentsLike } from '../../main/app/ipc';
import type { FrameLike } from '../../main/link/sender-policy';
import { IpcChannels } from '../../preload/api';
import { StandInIpcMain } from '../e2e/ipc/main-stand-in';

function contents(
  id: number,
  url = 'app://sightline/index.html',
): WebContentsLike & { sent: unknown[][]; gone: boolean } {
  const mainFrame: FrameLike = { url, parent: null, processId: id, routingId: 1 };
  const wc = {
    id,
    mainFrame,
    sent: [] as unknown[][],
    gone: false,
    isDestroyed: () => wc.gone,
    isCrashed: () => false,
    send: (channel: string, ...args: unknown[]) => void wc.sent.push([channel, ...args]),
  };
  return wc;
}

const from = (wc: WebContentsLike, frame: Partial<FrameLike> | null = {}): IpcEventLike => ({
  sender: { id: wc.id },
  senderFrame: frame === null ? null : { ...wc.mainFrame, ...frame },
});

test('one router serves several windows: calls and acks reach the transport of the window that sent them', async () => {
  const ipcMain = new StandInIpcMain();
  const router = new IpcRouter(ipcMain);
  const [a, b] = [contents(1), contents(2)];
  const ta = router.attach(a);
  const tb = router.attach(b);
  const seen: string[] = [];
  ta.onRpc(async (method) => (seen.push(`a:${String(method)}`), { ok: true, value: null }));
  tb.onRpc(async (method) => (seen.push(`b:${String(method)}`), { ok: true, value: null }));
  ta.onAck((seq) => seen.push(`a ack ${seq}`));
  tb.onAck((seq) => seen.push(`b ack ${seq}`));
  await ipcMain.invoke(from(b), IpcChannels.rpc, ['getSession', {}]);
  await ipcMain.invoke(from(a), IpcChannels.rpc, ['listDevices', {}]);
  ipcMain.emit(from(a), IpcChannels.ack, [3]);
  ipcMain.emit(from(b), IpcChannels.ack, [4]);
  assert.deepEqual(seen, ['b:getSession', 'a:listDevices', 'a ack 3', 'b ack 4']);
  ta.sendEvent({ type: 'notice', notice: { level: 'info', message: 'x', atMs: 0 } } as never);
  assert.equal(a.sent.length, 1);
  assert.equal(b.sent.length, 0);
  assert.equal(router.rejected, 0);
  // ipcMain allows one handler per channel: a second router on it would be a bug, and says so.
  assert.throws(() => new IpcRouter(ipcMain), /second handler/);
  router.dispose();
  assert.equal(ipcMain.listenerCount(IpcChannels.rpc), 0);
  assert.equal(ipcMain.listenerCount(IpcChannels.ack), 0);
});

test('refused and counted: unknown senders, subframes, other pages, gone frames, closed windows', async () => {
  const ipcMain = new StandInIpcMain();
  const router = new IpcRouter(ipcMain);
  const wc = contents(1);
  const transport = router.attach(wc);
  let reached = 0;
  transport.onRpc(async () => (reached++, { ok: true, value: null }));
  transport.onAck(() => reached++);
  const stranger = contents(9);
  const refused: IpcEventLike[] = [
    from(stranger),
    from(wc, { parent: wc.mainFrame, routingId: 2 }),
    from(wc, { url: 'https://example.invalid/' }),
    from(wc, { url: 'app://elsewhere/index.html' }),
    from(wc, { routingId: 5 }),
    from(wc, null),
  ];
  for (const event of refused) {
    assert.deepEqual(await ipcMain.invoke(event, IpcChannels.rpc, ['getSession', {}]), {
      ok: true,
      value: { ok: false, error: REFUSED_SENDER },
    });
    ipcMain.emit(event, IpcChannels.ack, [1]);
  }
  assert.equal(reached, 0);
  assert.equal(router.rejected, refused.length * 2);
  // Acks that are not sequence numbers never reach the link, even from the app's own page.
  for (const bad of [-1, 1.5, 'x', null, {}, Number.MAX_SAFE_INTEGER + 2])
    ipcMain.emit(from(wc), IpcChannels.ack, [bad]);
  assert.equal(reached, 0);
  // A closed window: its transport stops sending and its page is no longer trusted.
  wc.gone = true;
  transport.sendBatch(new Float64Array(4));
  assert.equal(wc.sent.length, 0);
  await ipcMain.invoke(from(wc), IpcChannels.rpc, ['getSession', {}]);
  assert.equal(reached, 0);
  // Disposed: a new webContents with the same id is not served by the old transport.
  transport.dispose();
  const again = contents(1);
  assert.deepEqual(await ipcMain.invoke(from(again), IpcChannels.rpc, ['getSession', {}]), {
    ok: true,
    value: { ok: false, error: REFUSED_SENDER },
  });
});
