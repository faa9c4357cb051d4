/**
 * The Companion simulator's RTSP side (protocol notes, docs/protocols/pupil.md §2): the sensor is chosen by
 * `?camera=` on DESCRIBE; world = H.264 scene video at 30 fps from the demo clip (single NAL units
 * and FU-A, as the phone sends), gaze at 200 Hz, IMU at 110 Hz (Neon), eye events once a second
 * (Neon: a keep-alive, a fixation, a blink, in turn).
 * A sender report goes out at once and then every second (faults can hold it back).
 *
 * Each stream runs on the phone's steady clock: sample j of a 200 Hz stream is at
 * start + j × 5 ms, its RTP timestamp is exact, and its wall time is what gazeAt() is evaluated at,
 * so a test knows where the gaze is for any phone time.
 */
import { EventEmitter } from 'node:events';
import { encodeBye, encodeRtp, encodeSenderReport, parseRtcp, type RtcpReportBlock } from '../../net/rtsp/rtp';
import { unixNsToNtp } from '../../net/rtsp/ntp';
import { packetizeH264 } from '../../net/rtsp/h264-rtp';
import type { RtspDescription, RtspRefusal, RtspServerHandlers, RtspServerSession } from '../../net/rtsp/server';
import { hostTimeNs } from '../../time/host-clock';
import { gazeAt } from './gaze-path';
import { encodeEyeEvent, encodeGaze, encodeImu, type GazePayloadLength } from './payloads';
import type { PhoneClock } from './phone-clock';
import type { SceneClip } from './scene-clip';
import { PacketFate, type PupilFaults } from './simulator-faults';

export const PayloadTypes = { video: 96, gaze: 99, imu: 100, eyeEvents: 101 } as const;
export const GAZE_ENCODING = 'com.pupillabs.gaze1';
export const IMU_ENCODING = 'com.pupillabs.imu1';
export const EYE_EVENTS_ENCODING = 'com.pupillabs.eye_events1';
const CLOCK_RATE = 90_000;

export type Camera = 'world' | 'gaze' | 'imu' | 'eye_events';

export interface StreamContext {
  clip: SceneClip;
  clock: PhoneClock;
  neon: boolean;
  host: string;
  faults(): PupilFaults;
  random(): number;
  worn(): boolean;
  gazeLength(): GazePayloadLength;
  /** Sensors the phone has at the moment (a disconnected one refuses DESCRIBE). */
  sensorConnected(camera: Camera): boolean;
}

/** What the simulator sent, for tests and the benchmark (ground truth). */
export interface SimulatorStreamEvents {
  gaze: [{ wallNs: number; x: number; y: number; worn: boolean }];
  frame: [{ wallNs: number; index: number; bytes: number; lastPacketHostNs: number; key: boolean }];
  receiverReport: [RtcpReportBlock[]];
  rtcpGarbage: [];
}

interface Streamer {
  camera: Camera;
  timer: NodeJS.Timeout;
  ssrc: number;
  sequence: number;
  rtpBase: number;
  steadyStartNs: number;
  hostStartNs: number;
  next: number;
  packets: number;
  octets: number;
  lastSrHostNs: number;
}

const PERIOD_NS: Record<Camera, number> = {
  world: 1e9 / 30,
  gaze: 1e9 / 200,
  imu: 1e9 / 110,
  eye_events: 1e9,
};

export class CompanionStreams extends EventEmitter<SimulatorStreamEvents> implements RtspServerHandlers {
  private readonly fates = new WeakMap<RtspServerSession, PacketFate>();

  constructor(private readonly ctx: StreamContext) {
    super();
  }

  describe(url: URL): RtspDescription | RtspRefusal {
    const camera = (url.searchParams.get('camera') ?? '') as Camera;
    const sdp = this.sdp(camera);
    if (!sdp) return { status: 404, reason: 'Not Found' };
    if (!this.ctx.sensorConnected(camera)) return { status: 503, reason: 'Service Unavailable' };
    return { sdp, controls: ['trackID=0'] };
  }

  canPlay(): RtspRefusal | undefined {
    return this.ctx.faults().playError ? { status: 500, reason: 'Internal Server Error' } : undefined;
  }

  play(session: RtspServerSession): void {
    const camera = (session.describeUrl?.searchParams.get('camera') ?? 'world') as Camera;
    const hostStartNs = hostTimeNs();
    const s: Streamer = {
      camera,
      timer: setInterval(() => this.tick(session, s), camera === 'world' ? 8 : 4),
      ssrc: (this.ctx.random() * 0xffffffff) >>> 0,
      sequence: Math.floor(this.ctx.random() * 0x10000),
      rtpBase: (this.ctx.faults().rtpTimestampStart ?? this.ctx.random() * 0xffffffff) >>> 0,
      steadyStartNs: this.ctx.clock.steadyNs(hostStartNs),
      hostStartNs,
      next: 0,
      packets: 0,
      octets: 0,
      lastSrHostNs: -Infinity,
    };
    session.state = s;
    this.fates.set(
      session,
      new PacketFate(
        () => this.ctx.faults(),
        () => this.ctx.random(),
      ),
    );
    this.tick(session, s);
  }

  stop(session: RtspServerSession): void {
    const s = session.state as Streamer | undefined;
    if (s) clearInterval(s.timer);
    session.state = undefined;
  }

  rtcp(_session: RtspServerSession, data: Uint8Array): void {
    try {
      for (const p of parseRtcp(data)) if (p.type === 'rr') this.emit('receiverReport', p.reports);
    } catch {
      this.emit('rtcpGarbage');
    }
  }

  /** RTCP BYE on every stream of the session (the phone stopping it; Live555 clients react to it). */
  bye(session: RtspServerSession): void {
    const s = session.state as Streamer | undefined;
    if (s) session.sendRtcp(encodeBye(s.ssrc));
  }

  private sdp(camera: Camera): string | undefined {
    const head = [
      'v=0',
      `o=- ${Date.now()} 1 IN IP4 ${this.ctx.host}`,
      's=Pupil Companion',
      'c=IN IP4 0.0.0.0',
      't=0 0',
      'a=control:*',
    ];
    let media: string[];
    if (camera === 'world') {
      const { clip } = this.ctx;
      const sprop = `${Buffer.from(clip.sps).toString('base64')},${Buffer.from(clip.pps).toString('base64')}`;
      const profile = clip.info.codec.slice(5);
      media = [
        `m=video 0 RTP/AVP ${PayloadTypes.video}`,
        `a=rtpmap:${PayloadTypes.video} H264/${CLOCK_RATE}`,
        `a=fmtp:${PayloadTypes.video} packetization-mode=1;profile-level-id=${profile};sprop-parameter-sets=${sprop}`,
        `a=framerate:${clip.fps}`,
        `a=x-dimensions:${clip.info.width},${clip.info.height}`,
      ];
    } else if (camera === 'gaze') {
      media = [
        `m=application 0 RTP/AVP ${PayloadTypes.gaze}`,
        `a=rtpmap:${PayloadTypes.gaze} ${GAZE_ENCODING}/${CLOCK_RATE}`,
      ];
    } else if (camera === 'imu' && this.ctx.neon) {
      media = [
        `m=application 0 RTP/AVP ${PayloadTypes.imu}`,
        `a=rtpmap:${PayloadTypes.imu} ${IMU_ENCODING}/${CLOCK_RATE}`,
      ];
    } else if (camera === 'eye_events' && this.ctx.neon) {
      media = [
        `m=application 0 RTP/AVP ${PayloadTypes.eyeEvents}`,
        `a=rtpmap:${PayloadTypes.eyeEvents} ${EYE_EVENTS_ENCODING}/${CLOCK_RATE}`,
      ];
    } else {
      return undefined;
    }
    return [...head, ...media, 'a=control:trackID=0', ''].join('\r\n');
  }

  private rtpTs(s: Streamer, steadyNs: number): number {
    return (s.rtpBase + Math.round(((steadyNs - s.steadyStartNs) * CLOCK_RATE) / 1e9)) >>> 0;
  }

  private tick(session: RtspServerSession, s: Streamer): void {
    if (!session.playing) return;
    const hostNow = hostTimeNs();
    const steadyNow = this.ctx.clock.steadyNs(hostNow);
    const faults = this.ctx.faults();
    const srHeld = (faults.noSenderReportS ?? 0) * 1e9 > hostNow - s.hostStartNs;
    if (!srHeld && hostNow - s.lastSrHostNs >= 1e9) {
      const ntp = unixNsToNtp(this.ctx.clock.wallNs(hostNow));
      session.sendRtcp(
        encodeSenderReport({
          ssrc: s.ssrc,
          ntpSeconds: ntp.seconds,
          ntpFraction: ntp.fraction,
          rtpTimestamp: this.rtpTs(s, steadyNow),
          packetCount: s.packets,
          octetCount: s.octets,
        }),
      );
      s.lastSrHostNs = hostNow;
    }
    const period = PERIOD_NS[s.camera];
    // After a long stall (a paused process) skip ahead rather than burst a second of samples.
    const due = Math.floor((steadyNow - s.steadyStartNs) / period);
    if (due - s.next > 1e9 / period) s.next = due - 1;
    const fate = this.fates.get(session)!;
    const stepNs = this.ctx.clock.stepTotalNs;
    for (; s.next <= due; s.next++) {
      const steadyNs = s.steadyStartNs + s.next * period;
      const wallNs = steadyNs + stepNs;
      const ts = this.rtpTs(s, steadyNs);
      const send = (payload: Uint8Array, marker: boolean, pt: number) => {
        const packet = encodeRtp(
          { marker, payloadType: pt, sequence: s.sequence, timestamp: ts, ssrc: s.ssrc },
          payload,
        );
        s.sequence = (s.sequence + 1) & 0xffff;
        s.packets++;
        s.octets += payload.length;
        fate.pass(
          packet,
          (p) => session.sendRtp(p),
          (p) => session.sendRtpCorrupted(p),
        );
      };
      if (s.camera === 'gaze') {
        const p = gazeAt(wallNs);
        const worn = this.ctx.worn();
        const { width, height } = this.ctx.clip.info;
        send(encodeGaze({ x: p.x * width, y: p.y * height, worn }, this.ctx.gazeLength()), true, PayloadTypes.gaze);
        this.emit('gaze', { wallNs, x: p.x, y: p.y, worn });
      } else if (s.camera === 'world') {
        const units = this.ctx.clip.units;
        const nals = units[s.next % units.length]!;
        const payloads = packetizeH264(nals);
        payloads.forEach((p, i) => send(p, i === payloads.length - 1, PayloadTypes.video));
        const bytes = payloads.reduce((n, p) => n + p.length, 0);
        const key = nals.some((n) => (n[0]! & 0x1f) === 5);
        this.emit('frame', { wallNs, index: s.next, bytes, lastPacketHostNs: hostTimeNs(), key });
      } else if (s.camera === 'imu') {
        const t = wallNs / 1e9;
        send(
          encodeImu({
            timestampNs: wallNs,
            accelG: [0.02 * Math.sin(t), -1, 0.01],
            gyroDegPerS: [5 * Math.sin(t), 3 * Math.cos(t), 0],
            quaternion: [Math.cos(t / 10), 0, 0, Math.sin(t / 10)],
          }),
          true,
          PayloadTypes.imu,
        );
      } else {
        // A keep-alive (so clients' 10 s RTP watchdog stays quiet), then a fixation, then a blink.
        const kind = s.next % 3;
        const p = gazeAt(wallNs);
        const { width, height } = this.ctx.clip.info;
        const at: [number, number] = [p.x * width, p.y * height];
        const event =
          kind === 1
            ? {
                type: 'fixation' as const,
                startNs: wallNs - 300e6,
                endNs: wallNs,
                start: at,
                end: at,
                mean: at,
                amplitudePx: 3,
                amplitudeDeg: 0.2,
                meanVelocity: 10,
                maxVelocity: 20,
              }
            : kind === 2
              ? { type: 'blink' as const, startNs: wallNs - 150e6, endNs: wallNs }
              : null;
        send(encodeEyeEvent(event), true, PayloadTypes.eyeEvents);
      }
    }
  }
}
