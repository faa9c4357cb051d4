/** A renderer on the headless WebSocket that acks every batch at once, like an idle page would on its next frame. */
import WebSocket from 'ws';
import {
  binaryMessageKind,
  unpackBatch,
  type DeviceSnapshot,
  type LinkEvent,
  type UnpackedBatch,
  type WsServerMessage,
} from '../../preload/api';
import { waitFor } from './fake-source';

export function wsRenderer(url: string) {
  const ws = new WebSocket(url);
  const batches: UnpackedBatch[] = [];
  const messages: WsServerMessage[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const b = data as Buffer;
      const buffer = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      // Video access units share the binary channel (a Pupil phone's scene video); not batches.
      if (binaryMessageKind(buffer) !== 'batch') return;
      const batch = unpackBatch(buffer);
      batches.push(batch);
      ws.send(JSON.stringify({ t: 'ack', seq: batch.seq }));
    } else messages.push(JSON.parse(String(data)) as WsServerMessage);
  });
  /** Every event of one type so far, oldest first. */
  const events = <T extends LinkEvent['type']>(type: T): Extract<LinkEvent, { type: T }>[] =>
    messages.flatMap((m) =>
      m.t === 'event' && m.event.type === type ? [m.event as Extract<LinkEvent, { type: T }>] : [],
    );
  const devices = (): DeviceSnapshot[] => events('devices').at(-1)?.devices ?? [];
  let nextId = 1;
  const rpc = async (method: string, params: unknown) => {
    const id = nextId++;
    ws.send(JSON.stringify({ t: 'rpc', id, method, params }));
    await waitFor(() => messages.some((m) => m.t === 'rpc' && m.id === id), `${method} answer`, 10_000);
    return (messages.find((m) => m.t === 'rpc' && m.id === id) as Extract<WsServerMessage, { t: 'rpc' }>).response;
  };
  return { ws, batches, messages, events, devices, rpc };
}
