/**
 * THE CONTRACT between the main process and the renderer: every call, event and packed frame layout,
 * with validators. Imported by main/ (link, app), preload/ and renderer/; it must stay free of Node
 * and Electron imports so that all three bundles can include it.
 *
 * Two transports carry the same messages (main/link): Electron IPC, and a WebSocket in headless mode.
 *  - main → renderer: binary batches (packed Float64Array, below), and JSON LinkEvents.
 *  - renderer → main: JSON RPC calls (validated here with zod before anything acts on them) and batch acks.
 */
import type { RpcMethod, RpcParams } from './api-schemas';

// ---------------------------------------------------------------------------------------------
// Device snapshots (low rate: on change and ~2 Hz for health)
// ---------------------------------------------------------------------------------------------

export const DEVICE_KINDS = ['natnet', 'pupil', 'vrpn', 'teleport', 'playback'] as const;
export type DeviceKindName = (typeof DEVICE_KINDS)[number];

export const CONNECTION_STATES = [
  'idle',
  'connecting',
  'connected',
  'streaming',
  'stale',
  'reconnecting',
  'closed',
] as const;

export interface DeviceHealth {
  state: (typeof CONNECTION_STATES)[number];
  /** Samples per second over the last ~second. */
  sampleRateHz: number;
  /** ms since the last sample, or null before the first one. */
  lastSampleAgeMs: number | null;
  samples: number;
  packets: number;
  malformed: number;
  dropped: number;
  reconnects: number;
  lastError: string | null;
  /** ms until the next connection attempt, while reconnecting. */
  nextRetryMs: number | null;
  clockOffsetMs: number | null;
  clockUncertaintyMs: number | null;
  /** Device clock rate relative to the host's, parts per million (positive: the device runs fast). */
  clockDriftPpm: number | null;
  /** Seconds of round trips the drift was fitted over (0: not fitted yet). */
  clockDriftBaselineS: number | null;
  latency: { systemMs?: number; softwareMs?: number; transitMs?: number } | null;
}

export interface DeviceSnapshot {
  /** Small integer the packed batches use to name this device. Stable for the Hub's lifetime. */
  handle: number;
  id: string;
  kind: DeviceKindName;
  label: string;
  /** e.g. "Motive 3.1.0.0 · NatNet 4.1 · unicast". */
  peer: string | null;
  /** Is this one of the demo simulators? */
  simulated: boolean;
  capabilities: {
    recording: boolean;
    events: boolean;
    /** Stop and discard a recording (Pupil recording:cancel). Absent: not offered. */
    cancelRecording?: boolean;
    /** The device's current room → scene transform, when the operator can change it (VRPN). */
    transform?: PoseTransform;
  };
  /** Device-side recording state, when known. */
  recording: boolean | null;
  health: DeviceHealth;
  /** Teleport servers only: the session, ENet link and node table for the Teleport panel. */
  teleport?: TeleportStatus;
  /** What the device reports about itself (Pupil: the phone's status), when it reports anything. */
  deviceState?: DeviceState;
}

/**
 * What a device reports about itself beyond its link: the Companion phone's battery, storage, sensors,
 * recording and last event (its status WebSocket). Every part is optional: show what is known.
 */
export interface DeviceState {
  /** e.g. "OnePlus8 · Pupil Invisible" */
  name?: string;
  battery?: { percent: number; state: string };
  storage?: { freeBytes: number; state: string };
  /** e.g. "Neon module 841684" */
  hardware?: string;
  sensors?: DeviceSensorState[];
  recording?: DeviceRecordingState;
  lastEvent?: { name: string; timestampNs: number; recordingId: string | null };
  /** The recording template, read-only (Pupil template_def + template_data). */
  template?: { name: string; items: { label: string; answer: string; required: boolean }[] };
}

export interface DeviceSensorState {
  /** e.g. "world", "gaze", "imu" (one entry per sensor, not per connection type). */
  name: string;
  connected: boolean;
  /** The device says the stream failed (Pupil stream_error). */
  error: boolean;
}

export interface DeviceRecordingState {
  id: string | null;
  /** The device's last recording message, e.g. START, STOP, SAVE, DISCARD, ERROR. */
  action: string;
  /** Recording duration the device reported, in ns. */
  durationNs: number;
  /** Host Unix ms at which durationNs was true: while recording, the UI counts on from here. */
  atHostMs: number;
  running: boolean;
  /** The device's error text (action ERROR). */
  message?: string;
}

/** What a device answered to a command, in words the operator can read (Pupil: the REST reply). */
export interface DeviceAnswer {
  message: string;
}

/** One Teleport session as the Teleport panel shows it (refreshed with the ~2 Hz health tick). */
export interface TeleportStatus {
  /** '2022a' (8-byte vtable prefix on commands) or '2022b'; null before the Setup. */
  variant: string | null;
  clientId: string | null;
  /** Servers that answered discovery, newest first. */
  servers: { address: string; servicePort: number; replyMs: number }[];
  /** Every Setup field, formatted with its unit; null before the Setup. */
  setup: { label: string; value: string }[] | null;
  link: TeleportLinkStats | null;
  /** At most 256 nodes, visible ones first. */
  nodes: TeleportNodeStatus[];
  nodeCount: number;
  shutdownReceived: boolean;
  /** The origin the server set (SetPosition), e.g. "0.000, 1.000, 0.000 m"; null if none. */
  origin: string | null;
}

export interface TeleportLinkStats {
  rttMs: number;
  rttVarianceMs: number;
  /** 0..1 */
  packetLoss: number;
  retransmits: number;
  sinceLastReceiveMs: number | null;
  bytesIn: number;
  bytesOut: number;
  channels: { name: string; bytesIn: number; bytesOut: number }[];
}

export interface TeleportNodeStatus {
  uid: string;
  visible: boolean;
  enabled: boolean;
  /** Movement updates per second. */
  rateHz: number;
  updates: number;
  /** Metres. */
  position: [number, number, number] | null;
  /** x y z w. */
  rotation: [number, number, number, number] | null;
  /** ms since the last movement update. */
  ageMs: number | null;
}

/**
 * From a device's room into the scene (Y up, metres). VRPN rooms are often Z up: `up: 'z'` rotates
 * −90° about X. `scale` multiplies positions (0.001 for millimetres); `offset` is added after, in metres.
 */
export interface PoseTransform {
  up: 'y' | 'z';
  scale?: number;
  offset?: [number, number, number];
}

export interface BodyName {
  id: number;
  name: string;
  /** Absent: a rigid body (or a source that does not say). 'bone': a skeleton segment (NatNet). */
  kind?: BodyKind;
  /** A bone's parent segment: another body id of the same device. Absent for a root. */
  parentId?: number;
  /** What the body belongs to: a bone's skeleton name. */
  group?: string;
}

export const BODY_KINDS = ['rigid', 'bone'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

/** Bounds the renderer enforces on catalog events (NatNet allows 1000 rigid bodies and 100 × 200 bones). */
export const CatalogLimits = { maxBodies: 21_000, maxName: 256 } as const;

export interface CatalogEvent {
  type: 'catalog';
  handle: number;
  bodies: BodyName[];
}

/** Checks a catalog event from main before the renderer trusts it; null when anything is off. */
export function readCatalogEvent(event: unknown): CatalogEvent | null {
  const e = event as Partial<CatalogEvent> | null;
  if (!e || e.type !== 'catalog' || !Number.isInteger(e.handle) || !Array.isArray(e.bodies)) return null;
  if (e.bodies.length > CatalogLimits.maxBodies) return null;
  const bodies: BodyName[] = [];
  for (const b of e.bodies as unknown[]) {
    const x = b as Partial<BodyName> | null;
    if (!x || !Number.isFinite(x.id) || typeof x.name !== 'string' || x.name.length > CatalogLimits.maxName)
      return null;
    const body: BodyName = { id: x.id!, name: x.name };
    if (x.kind !== undefined) {
      if (!(BODY_KINDS as readonly unknown[]).includes(x.kind)) return null;
      body.kind = x.kind;
    }
    if (x.parentId !== undefined) {
      if (!Number.isFinite(x.parentId)) return null;
      body.parentId = x.parentId;
    }
    if (x.group !== undefined) {
      if (typeof x.group !== 'string' || x.group.length > CatalogLimits.maxName) return null;
      body.group = x.group;
    }
    bodies.push(body);
  }
  return { type: 'catalog', handle: e.handle!, bodies };
}

/** A device's answer to the Record button's remote start/stop. */
export interface RemoteRecordingAnswer {
  deviceId: string;
  action: 'start' | 'stop';
  outcome: 'started' | 'stopped' | 'refused' | 'timed out';
  takeName: string | null;
  /** The device's reason when it refused or did not answer. */
  reason: string | null;
  elapsedMs: number;
}

/** The lab-wide recording session (local MCAP + device-side recordings). */
/** Samples lost while recording, by where they were lost (per device, and summed). */
export interface LossCounters {
  /** Frame numbers the device skipped (lost before they reached this computer). */
  frameGaps: number;
  /** Datagrams the OS dropped on the device's UDP sockets; null where the OS does not say (not Linux, no UDP). */
  kernelDrops: number | null;
  /** Samples dropped because the recorder's worker or the disk could not keep up. */
  handoffOverflows: number;
  /** Samples the recorder could not encode or write. */
  recorderLosses: number;
}

/** The recording disk: free space and how long it lasts at the current write rate. */
export interface RecordingDisk {
  freeBytes: number | null;
  bytesPerSecond: number;
  /** null before a write rate is known. */
  secondsLeft: number | null;
  /** Less than 10 minutes left. */
  low: boolean;
}

export interface SessionState {
  active: boolean;
  name: string | null;
  /** The session folder (MCAP + session.json). */
  folder: string | null;
  startedAtMs: number | null;
  messages: number;
  /** Bytes on disk. */
  bytes: number;
  /** Samples lost, all four counters together (target 0). */
  lost: number;
  /** The four loss counters, summed over the devices and per device. */
  losses: LossCounters;
  deviceLosses: Record<string, LossCounters>;
  /** null when not recording. */
  disk: RecordingDisk | null;
  /** Why the recording stopped on its own (disk full, permission). */
  error: string | null;
  remote: RemoteRecordingAnswer[];
  lastEvent: { text: string; atMs: number; answers: { deviceId: string; result: string }[] } | null;
}

/** What the app's menu asks the page to do (the page owns the panels and the forms). */
export type AppCommand =
  | { name: 'toggle-panel'; panel: string }
  | { name: 'reset-layout' }
  | { name: 'add-device' }
  | { name: 'discover-devices' };

/** The renderer's panel layout: opaque to main, which only stores it (at most 64 KiB of JSON). */
export type PanelLayout = Record<string, unknown>;

/** A recording being played back (its devices appear as 'playback' devices). */
export interface PlaybackState {
  file: string;
  playing: boolean;
  /** Reached the end (play starts again from the beginning). */
  ended: boolean;
  speed: number;
  /** Recorded host time (Unix ns) now playing, and the recording's span. */
  positionNs: number;
  startNs: number;
  endNs: number;
  /** The playback devices' ids. */
  devices: string[];
  /** Why the file is incomplete or damaged, when it is (it plays what is readable). */
  problem: string | null;
}

export type LinkEvent =
  | { type: 'devices'; devices: DeviceSnapshot[] }
  | { type: 'session'; session: SessionState }
  | { type: 'playback'; playback: PlaybackState | null }
  | CatalogEvent
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; message: string; deviceId?: string }
  | InputsEvent
  | { type: 'app-command'; command: AppCommand }
  | DashboardEvent;

// ---------------------------------------------------------------------------------------------
// The operator's dashboard (main/devices/): found devices, rate history, alerts. ~1 Hz and on change.
// ---------------------------------------------------------------------------------------------

/** Kinds a device can be added as from the window (the device file's kinds). */
export const ADDABLE_KINDS = ['natnet', 'pupil', 'vrpn', 'teleport'] as const;
export type AddableKind = (typeof ADDABLE_KINDS)[number];

/** What each addable kind is called and what its address looks like (main's messages, the form's hints). */
export const DEVICE_ADDRESS_FORMS: Record<AddableKind, { name: string; address: string; example: string }> = {
  natnet: { name: 'Motive', address: 'Motive address', example: '192.168.1.20 or 192.168.1.20:1510' },
  pupil: { name: 'Pupil Companion', address: 'Phone address', example: '192.168.1.30 or 192.168.1.30:8080' },
  vrpn: { name: 'VRPN', address: 'Device@host', example: 'Tracker0@192.168.1.40 or Tracker0@192.168.1.40:3883' },
  teleport: { name: 'Teleport', address: 'Server address', example: '192.168.1.50 or 192.168.1.50:10600' },
};

/** A device that answered discovery and is not in the device list yet ("found, not added"). */
export interface FoundDevice {
  kind: 'natnet' | 'pupil' | 'teleport';
  /** What the device calls itself (Motive's app name, the phone's name), or the kind's name. */
  name: string;
  /** What the add form's address field takes for this kind, e.g. "127.0.0.1:1510". */
  address: string;
  /** e.g. "Motive 3.1.0.0, NatNet 4.1". */
  detail: string;
}

export const ALERT_RULES = ['lost', 'stale', 'low-rate', 'clock-jump'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export interface DeviceAlert {
  /** Unique for the process; the renderer uses it to dismiss and to notify once. */
  id: number;
  deviceId: string;
  rule: AlertRule;
  message: string;
  /** Host Unix ms when the condition began. */
  atMs: number;
}

/** One device's health over the last minute: what the sparkline draws. */
export interface RateHistory {
  deviceId: string;
  /** The rate the device should run at (device file's expectedRateHz, else learned), null while unknown. */
  expectedHz: number | null;
  /** Host Unix ms of the newest point; points are one second apart, oldest first, at most 60. */
  endMs: number;
  ratesHz: number[];
}

/**
 * What a device row says, in the operator's words (issue: searching, connecting, streaming, stale, lost,
 * error with its reason), from the Hub's connection state. Shared by main's alert rules and the panel.
 */
export const ROW_STATES = ['searching', 'connecting', 'streaming', 'stale', 'lost', 'error', 'disconnected'] as const;
export type RowState = (typeof ROW_STATES)[number];

/** A stale device silent this long is lost to the operator, though the Hub has not given up on it. */
export const LOST_AFTER_MS = 1000;

export function deviceRowState(
  kind: DeviceKindName,
  health: Pick<DeviceHealth, 'state' | 'lastSampleAgeMs' | 'samples' | 'lastError'>,
): RowState {
  switch (health.state) {
    case 'idle':
    case 'closed':
      return 'disconnected';
    case 'connecting':
    case 'connected':
      // The Hub retrying after a failure (lastError kept): the outage goes on through its attempts.
      if (health.lastError !== null) return health.samples > 0 ? 'lost' : 'error';
      // A Teleport client's first step is finding its server (UDP discovery).
      return kind === 'teleport' && health.state === 'connecting' ? 'searching' : 'connecting';
    case 'streaming':
      return 'streaming';
    case 'stale':
      return health.lastSampleAgeMs !== null && health.lastSampleAgeMs > LOST_AFTER_MS ? 'lost' : 'stale';
    case 'reconnecting':
      // Streamed before: it dropped. Never streamed: it cannot be reached, and lastError says why.
      return health.samples > 0 ? 'lost' : 'error';
  }
}

/** A device file entry as the add/edit form shows it. */
export interface SavedDevice {
  deviceId: string;
  kind: AddableKind;
  /** The form's address (Device@host[:port] for VRPN). */
  address: string;
  name: string | null;
  expectedRateHz: number | null;
  /** false: the operator disconnected it; it is not connected at start. */
  enabled: boolean;
}

export interface DashboardEvent {
  type: 'dashboard';
  found: FoundDevice[];
  /** Discovery running right now (the "searching" indicator). */
  searching: boolean;
  history: RateHistory[];
  /** Active alerts, oldest first. */
  alerts: DeviceAlert[];
  /** The devices written in the device file (the others are demo devices, not saved). */
  saved: SavedDevice[];
  /** The device file the app writes. */
  deviceFile: string | null;
  /** The lab-wide recording session, when a recorder is attached (hook: null until one is). */
  session: { recording: boolean; startedAtMs: number | null } | null;
}

/**
 * Input devices of a source (VRPN buttons, analogs, dials), as state, at most ~10 times a second and
 * only on change: a panel shows the current values, never every sample (the recorder gets those).
 */
export interface InputDeviceState {
  /** The input device's own name (a VRPN sender name). */
  name: string;
  /** 0/1 per button. */
  buttons: number[];
  /** Presses (0 → 1) per button since the source connected: a press shorter than an update still shows. */
  presses: number[];
  analog: number[];
  /** Per dial: revolutions accumulated from the reported changes. */
  dials: number[];
}

export interface InputsEvent {
  type: 'inputs';
  handle: number;
  devices: InputDeviceState[];
}

export const InputLimits = { maxDevices: 64, maxButtons: 256, maxAnalog: 128, maxDials: 64, maxName: 95 } as const;

function numberList(value: unknown, max: number): number[] | null {
  if (!Array.isArray(value) || value.length > max) return null;
  return value.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (value as number[]) : null;
}

/** Checks an inputs event from main before the renderer trusts its counts (no zod in the renderer). */
export function readInputsEvent(event: unknown): InputsEvent | null {
  const e = event as Partial<InputsEvent> | null;
  if (!e || e.type !== 'inputs' || !Number.isInteger(e.handle) || !Array.isArray(e.devices)) return null;
  if (e.devices.length > InputLimits.maxDevices) return null;
  const devices: InputDeviceState[] = [];
  for (const d of e.devices as unknown[]) {
    const x = d as Partial<InputDeviceState> | null;
    if (!x || typeof x.name !== 'string' || x.name.length > InputLimits.maxName) return null;
    const buttons = numberList(x.buttons, InputLimits.maxButtons);
    const presses = numberList(x.presses, InputLimits.maxButtons);
    const analog = numberList(x.analog, InputLimits.maxAnalog);
    const dials = numberList(x.dials, InputLimits.maxDials);
    if (!buttons || !presses || !analog || !dials) return null;
    devices.push({ name: x.name, buttons, presses, analog, dials });
  }
  return { type: 'inputs', handle: e.handle!, devices };
}

// ---------------------------------------------------------------------------------------------
// RPC: renderer → main. Every params object is validated in main before use (api-schemas.ts).
// ---------------------------------------------------------------------------------------------

export type { RpcMethod, RpcParams };
export interface RpcResults {
  listDevices: DeviceSnapshot[];
  connectDevice: null;
  disconnectDevice: null;
  startRecording: null;
  stopRecording: null;
  reportRendererStats: null;
  getSession: SessionState;
  startSession: SessionState;
  stopSession: SessionState;
  sendOperatorEvent: { deviceId: string; result: string }[];
  openRecording: PlaybackState;
  closeRecording: null;
  playbackControl: PlaybackState | null;
  /** Start, stop-and-save or cancel a device recording; resolves with the device's own answer. */
  recordingCommand: DeviceAnswer;
  /** Send a named event to the device (Pupil events); resolves with the device's own answer. */
  sendDeviceEvent: DeviceAnswer;
  setTransform: null;
  getLayout: PanelLayout | null;
  saveLayout: null;
  addDevice: DeviceSnapshot;
  editDevice: DeviceSnapshot;
  renameDevice: DeviceSnapshot;
  removeDevice: null;
  discoverDevices: FoundDevice[];
}

export type RpcResponse<M extends RpcMethod = RpcMethod> =
  { ok: true; value: RpcResults[M] } | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// The API the renderer sees as window.sightline (preload) or builds over a WebSocket (headless).
// ---------------------------------------------------------------------------------------------

export interface SightlineApi {
  readonly transport: 'electron' | 'websocket';
  call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResponse<M>>;
  /** Packed batches and video access units (layouts below, told apart by binaryMessageKind). Returns an unsubscribe function. */
  onBatch(listener: (batch: ArrayBuffer) => void): () => void;
  onEvent(listener: (event: LinkEvent) => void): () => void;
  /**
   * Tells main the renderer has drawn up to this batch. Main sends the next batch as soon as the previous
   * one is acknowledged (so an idle renderer gets data with no added wait) and never more than one
   * unacknowledged batch: the renderer's display rate paces the link.
   */
  ack(seq: number): void;
}

/** IPC channel names (Electron transport). */
export const IpcChannels = {
  rpc: 'sightline:rpc',
  batch: 'sightline:batch',
  video: 'sightline:video',
  event: 'sightline:event',
  ack: 'sightline:ack',
} as const;

/** WebSocket transport: text frames are JSON of these; binary frames are batches. */
export type WsClientMessage = { t: 'rpc'; id: number; method: string; params: unknown } | { t: 'ack'; seq: number };
export type WsServerMessage = { t: 'rpc'; id: number; response: RpcResponse } | { t: 'event'; event: LinkEvent };

// ---------------------------------------------------------------------------------------------
// Packed batch layout: one Float64Array per display frame, whatever the input rate.
//
//   header (BATCH_HEADER_LENGTH):
//     [0] BATCH_MAGIC  [1] seq  [2] sentAtMs (host Unix ms)  [3] sectionCount
//   then sectionCount sections, each starting with:
//     [0] section type  [1] device handle  [2] section length in f64s, header included
//   POSES section (type 1), after its 3-slot header:
//     [3] frameNumber (NaN if none)  [4] hostTimeMs of the newest sample (arrival, Unix ms)
//     [5] deviceTimeMs (NaN if unknown)  [6] flags (bit 0: device recording, bit 1: recording known)
//     [7] bodyCount  [8] markerCount  [9] samplesSinceLastBatch
//     then bodyCount × BODY_STRIDE: id, x, y, z, qx, qy, qz, qw, valid(0|1)
//     then markerCount × 3: x, y, z
//   GAZE section (type 2, Pupil): [3] count, then count × GAZE_STRIDE: hostTimeMs, deviceTimeMs, x, y, worn
//     (every gaze sample since the last batch, not just the newest: the video panel matches them to frames)
//   POSE DETAILS section (type 4, optional, right after the POSES section of the same device, NatNet):
//     [3] bodyCount  [4] markerCount (both equal to that POSES section's)
//     then bodyCount × DETAIL_STRIDE: meanErrorM, markerCount (NaN where unknown), body order as there
//     then markerCount flags (MarkerFlags bits; 0 when unknown), marker order as there
//   ANALOG section (type 3): reserved. VRPN buttons, analogs and dials reach the renderer as low-rate
//     'inputs' events instead (state on change, ~10 Hz at most): a panel needs values, not every sample.
// Sections of an unknown type are skipped by their length.
// ---------------------------------------------------------------------------------------------

export const BATCH_MAGIC = 0x51_6e_4c_01; // "SLn" + layout version 1
export const BATCH_HEADER_LENGTH = 4;
export const SECTION_HEADER_LENGTH = 3;
export const SectionType = { Poses: 1, Gaze: 2, Analog: 3, PoseDetails: 4 } as const;
export const POSES_FIXED_LENGTH = 10;
export const BODY_STRIDE = 9;
export const MARKER_STRIDE = 3;
export const GAZE_STRIDE = 5;
export const GAZE_FIXED_LENGTH = 4;
/** Bounds the renderer enforces before trusting counts. */
export const BatchLimits = { maxSections: 64, maxBodies: 2000, maxMarkers: 10000, maxGaze: 1000 } as const;

export const PosesFlags = { Recording: 1, RecordingKnown: 2 } as const;

export const DETAILS_FIXED_LENGTH = 5;
export const DETAIL_STRIDE = 2;
/**
 * Per-marker bits, NatNet's labeled-marker params as sent (protocol notes, natnet.md, labeled markers):
 * a source without them sends no flags and its markers count as labeled.
 */
export const MarkerFlags = {
  Occluded: 0x01,
  PointCloudSolved: 0x02,
  ModelSolved: 0x04,
  HasModel: 0x08,
  Unlabeled: 0x10,
  Active: 0x20,
} as const;

/** One tracked body's pose, flat for speed: metres, quaternion (qx, qy, qz, qw). Sources emit it, batches carry it. */
export interface BodyPose {
  id: number;
  x: number;
  y: number;
  z: number;
  qx: number;
  qy: number;
  qz: number;
  qw: number;
  valid: boolean;
  /** Mean marker error in metres (NatNet), when the source knows it. */
  meanError?: number;
  /** Markers tracked on the body this frame, when the source knows it. */
  markerCount?: number;
}

export type PackedBody = BodyPose;

export interface PosesSection {
  type: 'poses';
  handle: number;
  frameNumber: number | null;
  hostTimeMs: number;
  deviceTimeMs: number | null;
  recording: boolean | null;
  samples: number;
  bodies: PackedBody[];
  /** xyz interleaved; a view into the batch, not a copy. */
  markers: Float64Array;
  /** One MarkerFlags value per marker, absent when the source sends none. A view. */
  markerFlags?: Float64Array;
}

/** Gaze samples since the previous batch (Pupil, ~200 Hz): all of them, for matching to video frames by time. */
export interface GazeSection {
  type: 'gaze';
  handle: number;
  count: number;
  /** count × GAZE_STRIDE: hostTimeMs, deviceTimeMs (NaN if unknown), x, y (normalised 0..1), worn (0|1). A view. */
  samples: Float64Array;
}

export interface GazeInput {
  handle: number;
  samples: readonly { hostTimeMs: number; deviceTimeMs?: number; x: number; y: number; worn: boolean }[];
}

export interface UnpackedBatch {
  seq: number;
  sentAtMs: number;
  poses: PosesSection[];
  gaze: GazeSection[];
}

export interface PosesInput {
  handle: number;
  frameNumber?: number;
  hostTimeMs: number;
  deviceTimeMs?: number;
  recording?: boolean;
  samples: number;
  bodies: readonly PackedBody[];
  /** xyz interleaved */
  markers?: ArrayLike<number>;
  /** One MarkerFlags value per marker (extra values are ignored, missing ones are 0). */
  markerFlags?: ArrayLike<number>;
}

/** Whether a section carries details: a body's error or marker count, or marker flags. */
function hasDetails(p: PosesInput): boolean {
  return p.markerFlags !== undefined || p.bodies.some((b) => b.meanError !== undefined || b.markerCount !== undefined);
}

function detailsLength(p: PosesInput, markerCount: number): number {
  return hasDetails(p) ? DETAILS_FIXED_LENGTH + p.bodies.length * DETAIL_STRIDE + markerCount : 0;
}

/** Packs one batch. Main side; the result's buffer is owned whole (safe to transfer or send). */
export function packBatch(
  seq: number,
  sentAtMs: number,
  poses: readonly PosesInput[],
  gaze: readonly GazeInput[] = [],
): Float64Array {
  let length = BATCH_HEADER_LENGTH;
  let sections = poses.length + gaze.length;
  for (const p of poses) {
    const markerCount = p.markers ? Math.floor(p.markers.length / 3) : 0;
    length += POSES_FIXED_LENGTH + p.bodies.length * BODY_STRIDE + markerCount * MARKER_STRIDE;
    const details = detailsLength(p, markerCount);
    length += details;
    if (details > 0) sections++;
  }
  for (const g of gaze) length += GAZE_FIXED_LENGTH + g.samples.length * GAZE_STRIDE;
  const out = new Float64Array(length);
  out[0] = BATCH_MAGIC;
  out[1] = seq;
  out[2] = sentAtMs;
  out[3] = sections;
  let o = BATCH_HEADER_LENGTH;
  for (const p of poses) {
    const markerCount = p.markers ? Math.floor(p.markers.length / 3) : 0;
    const sectionLength = POSES_FIXED_LENGTH + p.bodies.length * BODY_STRIDE + markerCount * MARKER_STRIDE;
    out[o] = SectionType.Poses;
    out[o + 1] = p.handle;
    out[o + 2] = sectionLength;
    out[o + 3] = p.frameNumber ?? NaN;
    out[o + 4] = p.hostTimeMs;
    out[o + 5] = p.deviceTimeMs ?? NaN;
    out[o + 6] = p.recording === undefined ? 0 : PosesFlags.RecordingKnown | (p.recording ? PosesFlags.Recording : 0);
    out[o + 7] = p.bodies.length;
    out[o + 8] = markerCount;
    out[o + 9] = p.samples;
    let b = o + POSES_FIXED_LENGTH;
    for (const body of p.bodies) {
      out[b] = body.id;
      out[b + 1] = body.x;
      out[b + 2] = body.y;
      out[b + 3] = body.z;
      out[b + 4] = body.qx;
      out[b + 5] = body.qy;
      out[b + 6] = body.qz;
      out[b + 7] = body.qw;
      out[b + 8] = body.valid ? 1 : 0;
      b += BODY_STRIDE;
    }
    if (p.markers) for (let i = 0; i < markerCount * 3; i++) out[b + i] = p.markers[i]!;
    o += sectionLength;
    o += packDetails(out, o, p, markerCount);
  }
  for (const g of gaze) {
    const sectionLength = GAZE_FIXED_LENGTH + g.samples.length * GAZE_STRIDE;
    out[o] = SectionType.Gaze;
    out[o + 1] = g.handle;
    out[o + 2] = sectionLength;
    out[o + 3] = g.samples.length;
    let at = o + GAZE_FIXED_LENGTH;
    for (const sample of g.samples) {
      out[at] = sample.hostTimeMs;
      out[at + 1] = sample.deviceTimeMs ?? NaN;
      out[at + 2] = sample.x;
      out[at + 3] = sample.y;
      out[at + 4] = sample.worn ? 1 : 0;
      at += GAZE_STRIDE;
    }
    o += sectionLength;
  }
  return out;
}

/** Writes the POSE DETAILS section of `p` at `o` if it has details; returns its length. */
function packDetails(out: Float64Array, o: number, p: PosesInput, markerCount: number): number {
  const length = detailsLength(p, markerCount);
  if (length === 0) return 0;
  out[o] = SectionType.PoseDetails;
  out[o + 1] = p.handle;
  out[o + 2] = length;
  out[o + 3] = p.bodies.length;
  out[o + 4] = markerCount;
  let d = o + DETAILS_FIXED_LENGTH;
  for (const body of p.bodies) {
    out[d] = body.meanError ?? NaN;
    out[d + 1] = body.markerCount ?? NaN;
    d += DETAIL_STRIDE;
  }
  const flags = p.markerFlags;
  for (let i = 0; i < markerCount; i++) out[d + i] = flags && i < flags.length ? flags[i]! : 0;
  return length;
}

export class BatchFormatError extends Error {}

function count(value: number | undefined, max: number, what: string): number {
  if (value === undefined || !Number.isInteger(value) || value < 0 || value > max) {
    throw new BatchFormatError(`bad ${what}: ${String(value)}`);
  }
  return value;
}

/** Unpacks and bounds-checks a batch. Renderer side; throws BatchFormatError on anything inconsistent. */
export function unpackBatch(buffer: ArrayBuffer | Float64Array): UnpackedBatch {
  const a = buffer instanceof Float64Array ? buffer : new Float64Array(buffer, 0, Math.floor(buffer.byteLength / 8));
  if (a.length < BATCH_HEADER_LENGTH || a[0] !== BATCH_MAGIC) throw new BatchFormatError('not a Sightline batch');
  // Each device's poses may come with a details section.
  const sections = count(a[3], 2 * BatchLimits.maxSections, 'section count');
  const poses: PosesSection[] = [];
  const gaze: GazeSection[] = [];
  let o = BATCH_HEADER_LENGTH;
  for (let s = 0; s < sections; s++) {
    if (o + SECTION_HEADER_LENGTH > a.length) throw new BatchFormatError('section header past end');
    const type = a[o]!;
    const len = count(a[o + 2], a.length - o, 'section length');
    if (len < SECTION_HEADER_LENGTH) throw new BatchFormatError('section too short');
    if (type === SectionType.Poses) {
      if (len < POSES_FIXED_LENGTH) throw new BatchFormatError('poses section too short');
      const bodyCount = count(a[o + 7], BatchLimits.maxBodies, 'body count');
      const markerCount = count(a[o + 8], BatchLimits.maxMarkers, 'marker count');
      if (POSES_FIXED_LENGTH + bodyCount * BODY_STRIDE + markerCount * MARKER_STRIDE !== len) {
        throw new BatchFormatError('poses section length does not match its counts');
      }
      const bodies: PackedBody[] = new Array<PackedBody>(bodyCount);
      let b = o + POSES_FIXED_LENGTH;
      for (let i = 0; i < bodyCount; i++, b += BODY_STRIDE) {
        bodies[i] = {
          id: a[b]!,
          x: a[b + 1]!,
          y: a[b + 2]!,
          z: a[b + 3]!,
          qx: a[b + 4]!,
          qy: a[b + 5]!,
          qz: a[b + 6]!,
          qw: a[b + 7]!,
          valid: a[b + 8] === 1,
        };
      }
      const flags = a[o + 6]!;
      const frameNumber = a[o + 3]!;
      const deviceTime = a[o + 5]!;
      poses.push({
        type: 'poses',
        handle: a[o + 1]!,
        frameNumber: Number.isNaN(frameNumber) ? null : frameNumber,
        hostTimeMs: a[o + 4]!,
        deviceTimeMs: Number.isNaN(deviceTime) ? null : deviceTime,
        recording: flags & PosesFlags.RecordingKnown ? (flags & PosesFlags.Recording) !== 0 : null,
        samples: a[o + 9]!,
        bodies,
        markers: a.subarray(b, b + markerCount * MARKER_STRIDE),
      });
    } else if (type === SectionType.PoseDetails) {
      unpackDetails(a, o, len, poses.at(-1));
    } else if (type === SectionType.Gaze) {
      if (len < GAZE_FIXED_LENGTH) throw new BatchFormatError('gaze section too short');
      const n = count(a[o + 3], BatchLimits.maxGaze, 'gaze sample count');
      if (GAZE_FIXED_LENGTH + n * GAZE_STRIDE !== len)
        throw new BatchFormatError('gaze section length does not match its count');
      const start = o + GAZE_FIXED_LENGTH;
      gaze.push({ type: 'gaze', handle: a[o + 1]!, count: n, samples: a.subarray(start, start + n * GAZE_STRIDE) });
    }
    o += len;
  }
  return { seq: a[1]!, sentAtMs: a[2]!, poses, gaze };
}

/** Attaches a POSE DETAILS section to the POSES section just before it, which must be its device's. */
function unpackDetails(a: Float64Array, o: number, len: number, poses: PosesSection | undefined): void {
  if (len < DETAILS_FIXED_LENGTH) throw new BatchFormatError('details section too short');
  const bodyCount = count(a[o + 3], BatchLimits.maxBodies, 'details body count');
  const markerCount = count(a[o + 4], BatchLimits.maxMarkers, 'details marker count');
  if (DETAILS_FIXED_LENGTH + bodyCount * DETAIL_STRIDE + markerCount !== len) {
    throw new BatchFormatError('details section length does not match its counts');
  }
  if (!poses || poses.handle !== a[o + 1] || poses.markerFlags !== undefined) {
    throw new BatchFormatError('details section without its poses section');
  }
  if (poses.bodies.length !== bodyCount || poses.markers.length !== markerCount * MARKER_STRIDE) {
    throw new BatchFormatError('details section counts differ from its poses section');
  }
  let d = o + DETAILS_FIXED_LENGTH;
  for (const body of poses.bodies) {
    const meanError = a[d]!;
    const markers = a[d + 1]!;
    if (!Number.isNaN(meanError)) body.meanError = meanError;
    if (Number.isInteger(markers) && markers >= 0) body.markerCount = markers;
    d += DETAIL_STRIDE;
  }
  poses.markerFlags = a.subarray(d, d + markerCount);
}

// ---------------------------------------------------------------------------------------------
// Video: one binary message per H.264 access unit, as it comes (~30/s), never batched or coalesced
// (a decoder needs every frame of a GOP). Same transports as batches; the first f64 tells them apart.
//
//   header: Float64Array(VIDEO_HEADER_LENGTH):
//     [0] VIDEO_MAGIC  [1] device handle  [2] flags (bit 0: key frame, SPS/PPS prepended)
//     [3] ptsUs (device clock, RTP timestamp unwrapped)  [4] hostTimeMs (arrival)  [5] deviceTimeMs (NaN if unknown)
//     [6] width (0 if unknown)  [7] height (0 if unknown)
//   then the access unit, Annex B (start codes), byteLength − VIDEO_HEADER_LENGTH × 8 bytes.
// ---------------------------------------------------------------------------------------------

export const VIDEO_MAGIC = 0x51_6e_4c_56; // "SLnV"
export const VIDEO_HEADER_LENGTH = 8;
/** A 1088×1080 I-frame at high quality is well under 1 MiB; anything past this is refused before copying. */
export const MAX_ACCESS_UNIT_BYTES = 8 * 1024 * 1024;

export interface VideoAccessUnit {
  handle: number;
  key: boolean;
  ptsUs: number;
  hostTimeMs: number;
  deviceTimeMs: number | null;
  width: number;
  height: number;
  /** Annex B bytes; a view into the message when unpacked. */
  data: Uint8Array;
}

/** Packs one access unit into a buffer it owns whole (safe to send or transfer). */
export function packVideoAccessUnit(au: VideoAccessUnit): Uint8Array {
  if (au.data.byteLength > MAX_ACCESS_UNIT_BYTES)
    throw new RangeError(`access unit of ${au.data.byteLength} bytes is too large`);
  const out = new Uint8Array(VIDEO_HEADER_LENGTH * 8 + au.data.byteLength);
  const header = new Float64Array(out.buffer, 0, VIDEO_HEADER_LENGTH);
  header[0] = VIDEO_MAGIC;
  header[1] = au.handle;
  header[2] = au.key ? 1 : 0;
  header[3] = au.ptsUs;
  header[4] = au.hostTimeMs;
  header[5] = au.deviceTimeMs ?? NaN;
  header[6] = au.width;
  header[7] = au.height;
  out.set(au.data, VIDEO_HEADER_LENGTH * 8);
  return out;
}

/** What a binary message from main is, by its first f64. */
export function binaryMessageKind(buffer: ArrayBuffer): 'batch' | 'video' | 'unknown' {
  if (buffer.byteLength < 8) return 'unknown';
  const magic = new Float64Array(buffer, 0, 1)[0];
  return magic === BATCH_MAGIC ? 'batch' : magic === VIDEO_MAGIC ? 'video' : 'unknown';
}

/** Unpacks and bounds-checks a video message; throws BatchFormatError on anything inconsistent. */
export function unpackVideoAccessUnit(buffer: ArrayBuffer): VideoAccessUnit {
  if (buffer.byteLength < VIDEO_HEADER_LENGTH * 8) throw new BatchFormatError('video message shorter than its header');
  const h = new Float64Array(buffer, 0, VIDEO_HEADER_LENGTH);
  if (h[0] !== VIDEO_MAGIC) throw new BatchFormatError('not a Sightline video message');
  const size = buffer.byteLength - VIDEO_HEADER_LENGTH * 8;
  if (size === 0 || size > MAX_ACCESS_UNIT_BYTES) throw new BatchFormatError(`bad access unit size ${size}`);
  const width = count(h[6], 16384, 'video width');
  const height = count(h[7], 16384, 'video height');
  const deviceTime = h[5]!;
  return {
    handle: h[1]!,
    key: h[2] === 1,
    ptsUs: h[3]!,
    hostTimeMs: h[4]!,
    deviceTimeMs: Number.isNaN(deviceTime) ? null : deviceTime,
    width,
    height,
    data: new Uint8Array(buffer, VIDEO_HEADER_LENGTH * 8, size),
  };
}
