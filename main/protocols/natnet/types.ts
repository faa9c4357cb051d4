/**
 * NatNet typed messages: what codec.ts decodes bytes into and encodes back from.
 * Wire facts: docs/protocols/natnet.md §3, §4, §5, §6 (message ids, control plane, frames, descriptions).
 *
 * Numbers: u64 tick stamps are read as `number` (exact below 2^53, i.e. ~28 years of a 10 MHz clock),
 * because frames are hot and BigInt is slow. Echo client stamps are `bigint`: libNatNet puts Unix ns
 * there (> 2^53) and a server must echo the 8 bytes exactly.
 */

/** [major, minor, build, revision], as on the wire. */
export type Version4 = readonly [number, number, number, number];

export const MessageId = {
  Connect: 0,
  ServerInfo: 1,
  Request: 2,
  Response: 3,
  RequestModelDef: 4,
  ModelDef: 5,
  RequestFrameOfData: 6,
  FrameOfData: 7,
  MessageString: 8,
  Disconnect: 9,
  KeepAlive: 10,
  DisconnectByTimeout: 11,
  EchoRequest: 12,
  EchoResponse: 13,
  Discovery: 14,
  UnrecognizedRequest: 100,
} as const;
export type MessageIdValue = (typeof MessageId)[keyof typeof MessageId];

/** The 264-byte sSender block (connect, discovery, keepalive, server info). */
export interface SenderInfo {
  name: string;
  appVersion: Version4;
  natnetVersion: Version4;
  /**
   * The raw 256-byte name field when decoded. Motive leaves garbage after the NUL; keeping the raw
   * bytes makes encode(decode(x)) byte-exact. Encoders use it only if its text up to the NUL still equals `name`.
   */
  rawName?: Uint8Array;
}

/** sConnectionOptions (5 bytes) that may follow the sender block in NAT_CONNECT (NatNet ≥ 4.0). */
export interface ConnectionOptions {
  subscribedDataOnly: boolean;
  /** [0,0,0,0] = "send your native version". Honoured by Motive in unicast only. */
  bitstreamVersion: Version4;
}

/** NatNet ≥ 3.0 adds these to NAT_SERVERINFO; 2.x servers send the bare 264-byte sender block. */
export interface ServerConnectionInfo {
  /** HighResClockFrequency: server ticks per second. */
  clockFrequency: number;
  dataPort: number;
  multicast: boolean;
  /** Dotted quad, e.g. "239.255.42.99". */
  multicastGroup: string;
}

export interface ServerInfo extends SenderInfo {
  connectionInfo?: ServerConnectionInfo;
}

export interface Point3 {
  x: number;
  y: number;
  z: number;
}

/** A rigid body marker carried inside the RB record, NatNet < 3.0 only. */
export interface LegacyRigidBodyMarker extends Point3 {
  /** ≥ 2.0 */
  id?: number;
  /** ≥ 2.0 */
  size?: number;
}

/** RB record in a frame (also skeleton bones; bone id = skeletonId << 16 | boneId). Flat fields: frames are hot. */
export interface RigidBodyData {
  id: number;
  x: number;
  y: number;
  z: number;
  qx: number;
  qy: number;
  qz: number;
  qw: number;
  /** Metres; ≥ 2.0. */
  meanError?: number;
  /** i16; bit 0 = tracking valid. ≥ 2.6. */
  params?: number;
  /** Decoded from params bit 0; true when the version has no params (< 2.6). Encoders use params when set. */
  valid: boolean;
  /** < 3.0 only. */
  markers?: LegacyRigidBodyMarker[];
}

export interface SkeletonData {
  id: number;
  bones: RigidBodyData[];
}

/** Asset (trained markerset) rigid body, 4.1+: i32 id, v3, q4, f32 error, i16 params. */
export type AssetRigidBodyData = Omit<RigidBodyData, 'valid' | 'markers' | 'meanError' | 'params'> & {
  meanError: number;
  params: number;
};

/** Asset marker, 4.1+: i32 id, v3, f32 size, i16 params, f32 residual. */
export interface AssetMarkerData {
  id: number;
  x: number;
  y: number;
  z: number;
  size: number;
  params: number;
  residual: number;
}

export interface AssetData {
  id: number;
  rigidBodies: AssetRigidBodyData[];
  markers: AssetMarkerData[];
}

export interface LabeledMarkerData {
  /** Raw i32: model id in the high 16 bits, marker index in the low 16. */
  id: number;
  modelId: number;
  markerId: number;
  x: number;
  y: number;
  z: number;
  size: number;
  /** i16 bits: 0 occluded, 1 point-cloud solved, 2 model solved, 3 has model, 4 unlabeled, 5 active, 6 established, 7 measurement. ≥ 2.6 */
  params?: number;
  /** Metres per ray, ≥ 3.0. */
  residual?: number;
}

export interface MarkerSetData {
  name: string;
  markers: Point3[];
}

/** Force plate or device (same shape on the wire): per channel, one f32 per analog subframe. */
export interface AnalogData {
  id: number;
  channels: number[][];
}

export interface FrameOfData {
  frameNumber: number;
  markerSets: MarkerSetData[];
  /** The deprecated "other"/legacy unlabeled markers. */
  legacyMarkers: Point3[];
  rigidBodies: RigidBodyData[];
  /** ≥ 2.1 */
  skeletons: SkeletonData[];
  /** ≥ 4.1 */
  assets: AssetData[];
  /** ≥ 2.3 */
  labeledMarkers: LabeledMarkerData[];
  /** ≥ 2.9 */
  forcePlates: AnalogData[];
  /** ≥ 3.0 */
  devices: AnalogData[];
  /** < 3.0 only: the f32 "latency" field (in practice a timestamp). */
  latency?: number;
  /** SMPTE packed: hour bits 24–31, minute 16–23, second 8–15, frame 0–7. */
  timecode: number;
  timecodeSubframe: number;
  /** Seconds since Motive start: f32 in 2.6, f64 ≥ 2.7, absent ≤ 2.5. */
  timestamp?: number;
  /** Server ticks, ≥ 3.0. */
  cameraMidExposureTicks?: number;
  cameraDataReceivedTicks?: number;
  transmitTicks?: number;
  /** ≥ 4.1 */
  precisionTimestampSeconds?: number;
  precisionTimestampFraction?: number;
  /** i16 frame params (see FrameParams), ≥ 2.6. */
  params?: number;
}

/** Frame suffix params bits. */
export const FrameParams = {
  Recording: 0x01,
  ModelsChanged: 0x02,
  EditMode: 0x04,
  BitstreamChanged: 0x08,
} as const;

export interface RigidBodyMarkerDescription extends Point3 {
  /** Required active label, 0 = none (≥ 3.0). */
  activeLabel: number;
  /** ≥ 4.0 */
  name?: string;
}

export interface RigidBodyDescription {
  type: 'rigidBody';
  /** ≥ 2.0 */
  name: string;
  id: number;
  /** -1 = none (signed). */
  parentId: number;
  offset: Point3;
  /** Quaternion (qx, qy, qz, qw); ≥ 4.2. */
  rotationOffset?: readonly [number, number, number, number];
  /** ≥ 3.0 */
  markers: RigidBodyMarkerDescription[];
}

export interface MarkerSetDescription {
  type: 'markerSet';
  name: string;
  markerNames: string[];
}

export interface SkeletonDescription {
  type: 'skeleton';
  name: string;
  id: number;
  bones: RigidBodyDescription[];
}

export interface ForcePlateDescription {
  type: 'forcePlate';
  id: number;
  serial: string;
  width: number;
  length: number;
  origin: Point3;
  /** 144 floats (12 × 12). */
  calibrationMatrix: number[];
  /** 12 floats (4 corners × xyz). */
  corners: number[];
  plateType: number;
  channelDataType: number;
  channelNames: string[];
}

export interface DeviceDescription {
  type: 'device';
  id: number;
  name: string;
  serial: string;
  deviceType: number;
  channelDataType: number;
  channelNames: string[];
}

export interface CameraDescription {
  type: 'camera';
  name: string;
  position: Point3;
  orientation: readonly [number, number, number, number];
}

export interface AssetMarkerDescription extends Point3 {
  name: string;
  id: number;
  size: number;
  params: number;
}

export interface AssetDescription {
  type: 'asset';
  name: string;
  assetType: number;
  id: number;
  rigidBodies: RigidBodyDescription[];
  markers: AssetMarkerDescription[];
}

/** A description whose type we do not know; only possible ≥ 4.1, where each description carries its size. */
export interface UnknownDescription {
  type: 'unknown';
  typeId: number;
  body: Uint8Array;
}

export type DataDescription =
  | MarkerSetDescription
  | RigidBodyDescription
  | SkeletonDescription
  | ForcePlateDescription
  | DeviceDescription
  | CameraDescription
  | AssetDescription
  | UnknownDescription;

export type NatNetMessage =
  /** sender/options are absent for the 0-byte connect; `extra` holds payload bytes past what we understood ("Ping\0", padding). */
  | { type: 'connect'; sender?: SenderInfo; options?: ConnectionOptions; extra?: Uint8Array }
  | { type: 'discovery'; sender?: SenderInfo; options?: ConnectionOptions; extra?: Uint8Array }
  | { type: 'keepAlive'; sender?: SenderInfo; extra?: Uint8Array }
  | { type: 'serverInfo'; server: ServerInfo }
  | { type: 'request'; command: string }
  /** 4 bytes = i32 status or f32 value, else a NUL-terminated string; see responseAs* in codec.ts. */
  | { type: 'response'; payload: Uint8Array }
  | { type: 'requestModelDef'; typeMask?: number }
  | { type: 'modelDef'; descriptions: DataDescription[] }
  | { type: 'requestFrameOfData' }
  | { type: 'frameOfData'; frame: FrameOfData }
  | { type: 'messageString'; text: string }
  | { type: 'disconnect' }
  | { type: 'disconnectByTimeout' }
  | { type: 'echoRequest'; clientStamp: bigint }
  | { type: 'echoResponse'; clientStamp: bigint; serverTicks: number }
  | { type: 'unrecognizedRequest'; payload: Uint8Array }
  /** An id we do not know: kept, counted by the client, never fatal. */
  | { type: 'unknown'; messageId: number; payload: Uint8Array };

/** Limits from NatNetTypes.h 4.x; every count from the wire is checked against these before allocating. */
export const NatNetLimits = {
  maxModels: 2000,
  maxMarkerSets: 1000,
  maxRigidBodies: 1000,
  maxAssets: 1000,
  maxNameLength: 256,
  /**
   * NatNetTypes.h says 200 markers per set, but Motive's "all" set lists every labeled marker of the
   * frame, so a busy lab exceeds 200 there: bound it like the labeled markers themselves.
   */
  maxMarkersPerSet: 1000,
  /** 20 in the header; we allow more for legacy RB marker arrays but still bounded. */
  maxMarkersPerRigidBody: 20,
  maxSkeletons: 100,
  maxBonesPerSkeleton: 200,
  maxLabeledMarkers: 1000,
  maxUnlabeledMarkers: 1000,
  maxForcePlates: 100,
  maxDevices: 100,
  maxAnalogChannels: 32,
  maxAnalogSubframes: 30,
  /** SDK 4.x MAX_PACKETSIZE. */
  maxPacketSize: 65503,
} as const;
