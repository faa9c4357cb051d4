/**
 * The status WebSocket (`ws://phone:8080/api/status`, docs/protocols/pupil.md §1.6): one component per text
 * message, a burst of the whole state on connect. Reconnects with backoff when it drops (the phone
 * never pings); bad or unknown components are counted and dropped.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { Backoff } from '../../hub/backoff';
import { parseComponent, type StatusComponent } from './status';

export interface StatusSocketEvents {
  component: [StatusComponent];
  open: [];
  close: [string];
}

const MAX_MESSAGE_BYTES = 256 * 1024;

export class StatusSocket extends EventEmitter<StatusSocketEvents> {
  private ws: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff();
  private closed = false;
  reconnects = 0;
  bad = 0;
  unknown = 0;

  constructor(private readonly url: string) {
    super();
  }

  start(): void {
    this.closed = false;
    this.open();
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.terminate();
    this.ws = undefined;
  }

  private open(): void {
    const ws = new WebSocket(this.url, { maxPayload: MAX_MESSAGE_BYTES, handshakeTimeout: 3000 });
    this.ws = ws;
    ws.on('open', () => {
      this.backoff.markUp(Date.now());
      this.emit('open');
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.bad++;
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(data.toString());
      } catch {
        this.bad++;
        return;
      }
      const c = parseComponent(value);
      if ('error' in c) {
        if (c.unknownModel) this.unknown++;
        else this.bad++;
        return;
      }
      try {
        this.emit('component', c);
      } catch {
        this.bad++;
      }
    });
    ws.on('error', () => {
      // 'close' follows and schedules the reconnect.
    });
    ws.on('close', () => {
      if (this.ws !== ws || this.closed) return;
      this.emit('close', 'status WebSocket closed');
      const delay = this.backoff.nextDelayMs(Date.now());
      this.reconnects++;
      this.timer = setTimeout(() => this.open(), delay);
      this.timer.unref?.();
    });
  }
}
