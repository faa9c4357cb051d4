/**
 * The one contract every device kind implements (NatNet, Pupil Companion, VRPN, Teleport, and a
 * recording played back). The Hub and the UI know only this.
 *
 * A Source owns its sockets. It never throws out of a socket handler: bad input is counted
 * (`malformed`), gaps are counted (`dropped`), and losing the peer is reported with a `down` event
 * so that the Hub can close it and connect again with backoff.
 */
import type { EventEmitter } from 'node:events';
import type { BodyName, BodyPose, DeviceAnswer, DeviceState, PoseTransform } from '../../preload/api';

export type { BodyName, BodyPose, DeviceAnswer, DeviceState, PoseTransform };

/** A registered kind (main/protocols/registry.ts) or 'playback' (a recording played back). */
export type DeviceKind = string;

/**
 * idle: created, not started. connecting: waiting for the peer's first answer.
 * connected: the peer answered, no samples yet. streaming: samples arriving.
 * stale: connected but no sample for longer than the source's stale threshold.
 * reconnecting: the Hub is waiting to try again (see health.lastError and nextRetryMs).
 * closed: closed on request.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'streaming' | 'stale' | 'reconnecting' | 'closed';

/** Raw counters a source keeps; the Hub turns them into Health. Monotonic for the source's life. */
export interface SourceCounters {
  /** Datagrams / messages received from the peer, good or bad. */
  packets: number;
  bytes: number;
  /** Samples emitted. */
  samples: number;
  /** Packets that failed to decode (short, long, garbage, hostile counts). */
  malformed: number;
  /**
   * Samples the device sent that never reached the app: gaps in its sequence numbers (NatNet frame
   * numbers). A late datagram is discarded and stays counted in its gap; duplicates are not losses.
   * So samples + dropped = what the device sent.
   */
  dropped: number;
}

/** A device clock model: deviceTime → host time. Uncertainty is half the best round trip (Cristian). */
export interface ClockEstimate {
  /** hostUnixNs − deviceNs at the reference point, in ns. */
  offsetNs: number;
  uncertaintyNs: number;
  /** Parts per million; 0 until enough samples. */
  driftPpm: number;
  /** Round trips measured so far. */
  samples: number;
  /** Seconds of device time the drift was fitted over (0 until one is fitted). */
  driftBaselineS?: number;
}

/** Latency figures in ms, per NatNet's official formulas where applicable; absent when unknown. */
export interface LatencyFigures {
  /** Device-internal: e.g. NatNet transmit − camera mid-exposure. */
  systemMs?: number;
  /** e.g. NatNet transmit − camera data received. */
  softwareMs?: number;
  /** Host receive − device transmit, through the clock model. */
  transitMs?: number;
}

export interface SourceStatus<Detail = unknown> {
  state: ConnectionState;
  /** Human-readable: what the peer is (e.g. "Motive 3.1.0.0, NatNet 4.1, unicast, 10 MHz clock"). */
  peer?: string;
  lastError?: string;
  clock?: ClockEstimate;
  latency?: LatencyFigures;
  /** Device-side recording state when the device has one (NatNet: frame params bit 0). */
  recording?: boolean;
  /**
   * The rate the device itself declares (an LSL stream's nominal rate), which the rate alert expects
   * when the device file sets none. Absent: irregular or not declared (the rate is then learned).
   */
  nominalRateHz?: number;
  /**
   * What only this kind's panel shows (e.g. a Teleport session's Setup, link and nodes), passed to the
   * renderer as DeviceSnapshot.detail. Its type is the kind's own: its client sets it, its panel reads it.
   */
  detail?: Detail;
}

interface SampleBase {
  /** Host monotonic clock mapped once to Unix time, in ns (a double: ~0.25 µs resolution). */
  hostTimeNs: number;
  /** Device time converted to host Unix ns through the device's clock model, when known. */
  deviceTimeNs?: number;
  /**
   * The device's own clock reading for this sample, unconverted, on the device's epoch (NatNet:
   * mid-exposure ticks as ns; VRPN: the server's timestamp; Pupil: phone Unix ns through RTCP sender
   * reports). Undefined before the device's clock is known. The recorder keeps it so that a recording
   * can be re-aligned later with a better clock model.
   */
  deviceClockNs?: number;
}

/** NatNet frames, VRPN trackers, Teleport poses: bodies (and markers) in 3D. */
export interface PosesSample extends SampleBase {
  kind: 'poses';
  /** Device frame number / sequence when the device has one. */
  frameNumber?: number;
  bodies: BodyPose[];
  /** Marker positions, xyz interleaved (metres). */
  markers?: Float32Array;
  /** Per marker, MarkerFlags bits (preload/api/batch.ts: labeled or not, occluded…), when the source knows. */
  markerFlags?: Uint16Array;
  /**
   * Skeleton segments, apart from `bodies` (which stays the rigid bodies: the CLI and the recorder
   * print those), with ids distinct from every rigid body's (NatNet: skeletonId << 16 | boneId).
   */
  bones?: BodyPose[];
  /** Device recording flag carried in the data (NatNet params bit 0). */
  recording?: boolean;
  /** The decoded device message, for the recorder and `probe` (NatNet: FrameOfData). */
  raw?: unknown;
}

/** Pupil gaze (normalised scene coordinates 0..1 from the top-left; worn flag). */
export interface GazeSample extends SampleBase {
  kind: 'gaze';
  x: number;
  y: number;
  worn: boolean;
}

/** One H.264 access unit, Annex B, with SPS/PPS prepended on key frames. */
export interface VideoSample extends SampleBase {
  kind: 'video';
  key: boolean;
  /** Presentation time in µs on the device clock (RTP timestamp unwrapped). */
  ptsUs: number;
  data: Uint8Array;
  width?: number;
  height?: number;
  codec?: string;
}

/** A control on an input device (VRPN buttons and dials), for panels that show controls live. */
export interface InputControl {
  /** The device's own name (a VRPN sender name). */
  device: string;
  kind: 'button' | 'dial';
  index: number;
}

/** VRPN buttons, Pupil/Teleport events. */
export interface EventSample extends SampleBase {
  kind: 'event';
  name: string;
  /** VRPN: button state 0/1, or a dial's change in revolutions. */
  value?: number | string | boolean;
  /** Set when the event is a button or dial of an input device. */
  control?: InputControl;
}

/** VRPN analogs. */
export interface AnalogSample extends SampleBase {
  kind: 'analog';
  channels: number[];
  /** The analog device's name, when a source has several. */
  device?: string;
}

export type Sample = PosesSample | GazeSample | VideoSample | EventSample | AnalogSample;

/** What a device calls its bodies (NatNet model definitions, VRPN sensors, Teleport nodes). */
export interface BodyCatalog {
  bodies: BodyName[];
  /** Skeleton segments (kind 'bone', parentId, group: the skeleton), named like `bodies`. */
  bones?: BodyName[];
}

/** Optional capabilities; the UI offers only what a source has. */
export interface RecordingControl {
  /**
   * Resolves when the device confirmed (response or the recording flag), rejects with a clear message
   * otherwise (for Pupil: the phone's own reason, e.g. "recording already running"). A source may
   * resolve with the device's answer in words (DeviceAnswer), which the operator is shown.
   * stop() saves the recording (Pupil recording:stop_and_save).
   */
  start(takeName?: string): Promise<void | DeviceAnswer>;
  stop(): Promise<void | DeviceAnswer>;
  /** Stops and discards (Pupil recording:cancel); absent when the device cannot. */
  cancel?(): Promise<void | DeviceAnswer>;
}

export interface EventControl {
  /**
   * Sends a named event. timestampNs, when given, is HOST Unix ns (when the operator asked); the
   * source converts it to the device's clock (Pupil: through Time Echo). Without it the device stamps
   * the arrival. Rejects with the device's reason; may resolve with its answer in words.
   */
  send(name: string, timestampNs?: number): Promise<void | DeviceAnswer>;
}

export interface SourceCapabilities {
  recording?: RecordingControl;
  /** Send a named event to the device (Pupil events). */
  events?: EventControl;
  /**
   * What the device reports about itself (Pupil: phone battery and storage, sensors, recording, last
   * event, template). current() must be cheap: the Hub calls it for every devices snapshot (~2 Hz).
   * Emit 'status' when it changes so the operator sees the change without waiting for the tick.
   */
  deviceState?: { current(): DeviceState | null };
  /** The transform from the device's room into the scene (VRPN), which the operator can change live. */
  transform?: { get(): PoseTransform; set(transform: PoseTransform): void };
}

export interface SourceEvents {
  status: [SourceStatus];
  sample: [Sample];
  catalog: [BodyCatalog];
  /** The peer is gone (silence, restart, socket error): the Hub will close() and connect() again with backoff. */
  down: [string];
}

export interface Source extends EventEmitter<SourceEvents> {
  readonly id: string;
  readonly kind: DeviceKind;
  /** Shown to the operator, e.g. "Motive @ 127.0.0.1". */
  readonly label: string;
  readonly capabilities: SourceCapabilities;
  /** Resolves once the peer answered; rejects with a clear message if it did not within the source's timeout. */
  connect(): Promise<void>;
  /** Releases every socket and timer. Idempotent. */
  close(): Promise<void>;
  counters(): SourceCounters;
  status(): SourceStatus;
}
