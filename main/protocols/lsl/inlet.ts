/**
 * An LSL inlet (docs/protocols/lsl.md §4, §5): the data feed from one outlet, its test pattern checked,
 * time correction running beside it and fed into a ClockModel, and recovery when the outlet goes away:
 * the inlet re-resolves by source_id and continues with the new instance.
 */
import type dgram from 'node:dgram';
import net from 'node:net';
import { Backoff } from '../../hub/backoff';
import { closeUdpSocket, openUdpSocket, sendUdpNoWait } from '../../net/udp';
import { ClockModel } from '../../time/clock-model';
import { hostTimeNs } from '../../time/host-clock';
import { MAX_INFO_CHARS, parseStreamInfo, VALUE_SIZE, type StreamInfo } from './info';
import { decodeFeedResponse, decodeTimeReply, encodeFeedRequest110, encodeTimeRequest } from './messages';
import type { ResolvedStream } from './resolver';
import {
  isTestPattern,
  readArchiveHeader,
  SampleDecoder100,
  SampleDecoder110,
  SampleError,
  type DecodedSample,
} from './samples';
import { estimateCorrection, lslLocalClock, probeAsRoundTrip, type TimeCorrection, type TimeProbe } from './time';

export type InletState = 'connecting' | 'streaming' | 'recovering' | 'closed';

export interface InletOptions {
  stream: ResolvedStream;
  /** Finds the stream again after a loss (normally: resolve by source_id); absent = no recovery. */
  recover?: () => Promise<ResolvedStream | undefined>;
  /** Samples the outlet may buffer for us (liblsl asks for 360 s × rate). */
  maxBufferLength?: number;
  /** 0: the outlet sends as it pushes. */
  maxChunkLength?: number;
  /** false turns time correction off. */
  timeCorrection?: false | { intervalMs?: number; probes?: number; probeIntervalMs?: number; minProbes?: number };
  /** Local address for the time-correction socket (loopback in tests). */
  bindAddress?: string;
  clock?: () => number;
  onSample: (sample: DecodedSample) => void;
  onState?: (state: InletState, reason?: string) => void;
  onTimeCorrection?: (estimate: TimeCorrection) => void;
}

export interface InletStats {
  samples: number;
  connections: number;
  /** Connections that ended with bad data (bad header, failed test pattern, undecodable sample). */
  badFeeds: number;
  lastError: string | undefined;
  /** Time-correction replies that were late, garbled or from another wave. */
  badTimeReplies: number;
}

const DEFAULT_TIME = { intervalMs: 2000, probes: 8, probeIntervalMs: 64, minProbes: 6 };

export class LslInlet {
  readonly stats: InletStats = { samples: 0, connections: 0, badFeeds: 0, lastError: undefined, badTimeReplies: 0 };
  /** Outlet clock (ns) → host Unix ns, from the time-correction probes. */
  readonly clockModel = new ClockModel();
  private stream: ResolvedStream;
  private socket: net.Socket | undefined;
  private timeSocket: dgram.Socket | undefined;
  private timeTimer: NodeJS.Timeout | undefined;
  private probeTimers: NodeJS.Timeout[] = [];
  private recoverTimer: NodeJS.Timeout | undefined;
  private correction: TimeCorrection | undefined;
  private state: InletState = 'connecting';
  private closed = false;
  private readonly backoff = new Backoff();
  private readonly clock: () => number;
  /** host Unix ns − LSL local clock ns: both are monotonic, so this is fixed for the process. */
  private readonly hostOffsetNs: number;
  private waveId = 0;

  constructor(private readonly options: InletOptions) {
    this.stream = options.stream;
    this.clock = options.clock ?? lslLocalClock;
    this.hostOffsetNs = hostTimeNs() - this.clock() * 1e9;
  }

  get info(): StreamInfo {
    return this.stream.info;
  }

  get currentState(): InletState {
    return this.state;
  }

  /** liblsl's `time_correction()`: add to an outlet timestamp to get our LSL clock. */
  get timeCorrection(): TimeCorrection | undefined {
    return this.correction;
  }

  /** An outlet timestamp (s) in host Unix ns: through the clock model, else the last correction. */
  toHostNs(outletSeconds: number): number | undefined {
    const viaModel = this.clockModel.toHostNs(outletSeconds * 1e9);
    if (viaModel !== undefined) return viaModel;
    if (!this.correction) return undefined;
    return (outletSeconds + this.correction.correction) * 1e9 + this.hostOffsetNs;
  }

  start(): void {
    this.connect();
    if (this.options.timeCorrection !== false) void this.startTimeCorrection();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.setState('closed');
    this.socket?.destroy();
    clearInterval(this.timeTimer);
    clearTimeout(this.recoverTimer);
    for (const t of this.probeTimers) clearTimeout(t);
    if (this.timeSocket) await closeUdpSocket(this.timeSocket);
  }

  private setState(state: InletState, reason?: string): void {
    if (this.state === state && reason === undefined) return;
    this.state = state;
    this.options.onState?.(state, reason);
  }

  private connect(): void {
    if (this.closed) return;
    const { info, address } = this.stream;
    const socket = net.connect({ host: address, port: info.v4dataPort });
    this.socket = socket;
    socket.setNoDelay(true);
    let ended: string | undefined;
    const fail = (reason: string, bad: boolean) => {
      if (ended !== undefined) return;
      ended = reason;
      if (bad) this.stats.badFeeds++;
      this.stats.lastError = reason;
      socket.destroy();
    };
    socket.on('connect', () => {
      this.stats.connections++;
      socket.write(
        encodeFeedRequest110({
          uid: info.uid,
          valueSize: VALUE_SIZE[info.channelFormat],
          maxBufferLength: this.options.maxBufferLength ?? Math.max(1000, Math.ceil(360 * info.nominalSrate)),
          maxChunkLength: this.options.maxChunkLength ?? 0,
        }),
      );
    });
    let header: Buffer | undefined = Buffer.alloc(0);
    let decoder: SampleDecoder110 | SampleDecoder100 | undefined;
    let patternsSeen = 0;
    let pendingArchiveHeader = false;
    const feed = (chunk: Buffer) => {
      if (!decoder) return;
      decoder.push(chunk);
      for (;;) {
        const s = decoder.next();
        if (!s) return;
        if (patternsSeen < 2) {
          if (!isTestPattern(s, info.channelFormat, info.channelCount, patternsSeen === 0 ? 4 : 2))
            throw new SampleError('test pattern does not match');
          if (++patternsSeen === 2) {
            this.backoff.reset();
            this.setState('streaming');
          }
          continue;
        }
        this.stats.samples++;
        this.options.onSample(s);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        if (header) {
          header = Buffer.concat([header, chunk]);
          if (pendingArchiveHeader) {
            const a = readArchiveHeader(header, MAX_INFO_CHARS);
            if (!a) return;
            const rest = header.subarray(a.consumed);
            header = undefined;
            feed(rest);
            return;
          }
          const r = decodeFeedResponse(header);
          if (!r) return;
          if (r.response.status === 404) return fail('outlet answered 404 (another instance)', false);
          if (r.response.status !== 200)
            return fail(`outlet answered ${r.response.status} ${r.response.message}`, true);
          const opts = {
            format: info.channelFormat,
            channels: info.channelCount,
            nominalSrate: info.nominalSrate,
            littleEndian: r.response.byteOrder === 1234,
            suppressSubnormals: r.response.suppressSubnormals,
          };
          const rest = header.subarray(r.consumed);
          if (r.response.dataProtocolVersion >= 110) {
            decoder = new SampleDecoder110(opts);
            header = undefined;
            feed(rest);
          } else {
            decoder = new SampleDecoder100(opts);
            pendingArchiveHeader = true;
            header = Buffer.from(rest);
            socket.emit('data', Buffer.alloc(0));
          }
          return;
        }
        feed(chunk);
      } catch (e) {
        // Nothing may escape a socket handler: bad bytes (or a failing consumer) end this feed, counted.
        fail(e instanceof Error ? e.message : String(e), true);
      }
    });
    socket.on('error', (e) => fail(e.message, false));
    socket.on('close', () => {
      if (this.socket !== socket || this.closed) return;
      this.socket = undefined;
      this.onLost(ended ?? 'outlet closed the connection');
    });
  }

  private onLost(reason: string): void {
    if (!this.options.recover) {
      this.setState('closed', reason);
      return;
    }
    this.setState('recovering', reason);
    const delay = this.backoff.nextDelayMs(Date.now());
    this.recoverTimer = setTimeout(() => {
      void this.options.recover!().then(
        (found) => {
          if (this.closed) return;
          if (found) {
            if (found.info.uid !== this.stream.info.uid) this.clockModel.reset();
            this.stream = found;
          }
          this.setState('connecting');
          this.connect();
        },
        () => this.onLost(reason),
      );
    }, delay);
  }

  private async startTimeCorrection(): Promise<void> {
    const o = { ...DEFAULT_TIME, ...(this.options.timeCorrection || {}) };
    const socket = await openUdpSocket({ address: this.options.bindAddress });
    if (this.closed) {
      await closeUdpSocket(socket);
      return;
    }
    this.timeSocket = socket;
    let wave: { id: number; probes: Map<number, TimeProbe>; sent: Map<string, number> } | undefined;
    socket.on('message', (msg: Buffer) => {
      const t3 = this.clock();
      try {
        const r = decodeTimeReply(msg);
        if (!wave || r.waveId !== wave.id) {
          this.stats.badTimeReplies++;
          return;
        }
        wave.probes.set(r.t0, { t0: r.t0, t1: r.t1, t2: r.t2, t3 });
      } catch {
        this.stats.badTimeReplies++;
      }
    });
    const runWave = () => {
      const id = ++this.waveId;
      const current = { id, probes: new Map<number, TimeProbe>(), sent: new Map<string, number>() };
      wave = current;
      for (let i = 0; i < o.probes; i++) {
        const t = setTimeout(() => {
          const { address, info } = this.stream;
          sendUdpNoWait(socket, encodeTimeRequest(id, this.clock()), info.v4servicePort, address);
        }, i * o.probeIntervalMs);
        this.probeTimers.push(t);
      }
      // Evaluate the wave once its last probe had time to come back.
      const t = setTimeout(
        () => {
          this.probeTimers = [];
          const probes = [...current.probes.values()];
          const estimate = estimateCorrection(probes, o.minProbes);
          if (!estimate) return;
          for (const p of probes) {
            const rt = probeAsRoundTrip(p);
            this.clockModel.addRoundTrip(
              rt.hostSendNs + this.hostOffsetNs,
              rt.deviceNs,
              rt.hostReceiveNs + this.hostOffsetNs,
            );
          }
          this.correction = estimate;
          this.options.onTimeCorrection?.(estimate);
        },
        o.probes * o.probeIntervalMs + 250,
      );
      this.probeTimers.push(t);
    };
    runWave();
    this.timeTimer = setInterval(runWave, o.intervalMs);
  }
}

/** Asks an outlet for its full info (with `desc`) over a short TCP connection. */
export function fetchFullInfo(address: string, port: number, timeoutMs = 5000): Promise<StreamInfo> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => socket.destroy(new Error('full info timed out')), timeoutMs);
    socket.on('connect', () => socket.write('LSL:fullinfo\r\n'));
    socket.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_INFO_CHARS) socket.destroy(new Error(`full info longer than ${MAX_INFO_CHARS} bytes`));
      else chunks.push(c);
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(parseStreamInfo(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
