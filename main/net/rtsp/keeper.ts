/**
 * Keeps one RTSP stream alive: starts an RtspSession, and whenever it fails to start or goes down
 * (connection lost, RTCP BYE, no RTP for 10 s) starts a fresh one after a backoff delay. Each
 * session's RTP deliveries are forwarded with a generation number so consumers can reset their
 * per-stream state (depacketiser, clock) when a new session begins.
 */
import { EventEmitter } from 'node:events';
import { Backoff } from '../../hub/backoff';
import {
  emptyRtspStats,
  type RtpDelivery,
  RtspSession,
  type RtspSessionOptions,
  type RtspSessionStats,
} from './client';
import type { SdpMedia } from './sdp';

export interface RtspKeeperEvents {
  /** A session is about to play (RTP may follow at once): set up for this medium. */
  ready: [SdpMedia, RtspSession];
  /** The session's PLAY was accepted. */
  playing: [SdpMedia, RtspSession];
  rtp: [RtpDelivery, RtspSession];
  /** Why the stream stopped or could not start; a restart is scheduled. */
  problem: [string];
}

export class RtspKeeper extends EventEmitter<RtspKeeperEvents> {
  private session: RtspSession | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 5000 });
  private stopped = true;
  restarts = 0;
  /** Stats of sessions that ended, so totals stay monotonic across restarts. */
  private readonly past: RtspSessionStats = emptyRtspStats();

  constructor(private readonly options: RtspSessionOptions) {
    super();
  }

  get current(): RtspSession | undefined {
    return this.session;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.retire();
  }

  totals(): RtspSessionStats {
    const now = this.session?.stats ?? emptyRtspStats();
    const out = { ...this.past };
    for (const k of Object.keys(out) as (keyof RtspSessionStats)[]) out[k] += now[k];
    return out;
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    const session = new RtspSession(this.options);
    this.session = session;
    session.on('ready', (media) => this.emit('ready', media, session));
    session.on('rtp', (d) => this.emit('rtp', d, session));
    session.on('down', (reason) => {
      if (this.session !== session) return;
      this.emit('problem', reason);
      this.schedule();
    });
    try {
      const media = await session.start();
      if (this.session !== session || this.stopped) return;
      this.backoff.markUp(Date.now());
      this.emit('playing', media, session);
    } catch (e) {
      if (this.session !== session || this.stopped) return;
      this.emit('problem', (e as Error).message);
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    void this.retire();
    clearTimeout(this.timer);
    this.restarts++;
    this.timer = setTimeout(() => void this.run(), this.backoff.nextDelayMs(Date.now()));
    this.timer.unref?.();
  }

  private async retire(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    for (const k of Object.keys(this.past) as (keyof RtspSessionStats)[]) this.past[k] += s.stats[k];
    s.removeAllListeners('rtp');
    await s.close();
  }
}
