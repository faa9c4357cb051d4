/**
 * NatNet codec: datagram bytes <-> the typed messages of ./types.ts. Pure: no sockets, no clocks.
 * Layout facts: docs/protocols/natnet.md §3, §4, §5, §6 (message ids, control plane, frames, descriptions).
 *
 * Decoding is strict about structure, because a frame decoded with the wrong bitstream version usually
 * still "parses" into garbage: every message must consume exactly nDataBytes, 4.1+ byte counts must
 * match what their list really used, and the frame must end with the int32 0 end-of-data marker.
 * It is lenient only where real peers are sloppy: bytes after nDataBytes are ignored, request strings
 * may lack their NUL, connect/keepalive payloads of any length are kept (unparsed tail in `extra`).
 *
 * Hot path (frames): one DataView read per field after a single bounds check per fixed-size record,
 * object literals of one shape per record kind, no BigInt.
 */
import { ByteReader, DecodeError, decodeUtf8 } from '../../net/byte-reader';
import { ByteWriter, utf8Length } from '../../net/byte-writer';
import {
  MessageId,
  NatNetLimits,
  type AnalogData,
  type AssetData,
  type AssetDescription,
  type AssetMarkerDescription,
  type CameraDescription,
  type ConnectionOptions,
  type DataDescription,
  type DeviceDescription,
  type ForcePlateDescription,
  type FrameOfData,
  type LabeledMarkerData,
  type LegacyRigidBodyMarker,
  type MarkerSetData,
  type MarkerSetDescription,
  type NatNetMessage,
  type Point3,
  type RigidBodyData,
  type RigidBodyDescription,
  type RigidBodyMarkerDescription,
  type SenderInfo,
  type ServerConnectionInfo,
  type ServerInfo,
  type SkeletonData,
  type SkeletonDescription,
  type Version4,
} from './types';

export { DecodeError } from '../../net/byte-reader';

/** Every decode failure. Extends the reader's DecodeError, so `.reason` and `.offset` are available. */
export class NatNetDecodeError extends DecodeError {}

export const DEFAULT_BITSTREAM: Version4 = [4, 1, 0, 0];

const HEADER_BYTES = 4;
const SENDER_BYTES = 264;
const NAME_FIELD_BYTES = 256;
const OPTIONS_BYTES = 5;
const SERVER_INFO_V2_BYTES = 264;
const SERVER_INFO_V3_BYTES = 279;
/** RB record (≥ 3.0) and asset RB record: i32 id, v3, q4, f32 error, i16 params. */
const RB_BYTES = 38;
/** Labeled-marker record (≥ 3.0) and asset marker record: i32 id, v3, f32 size, i16 params, f32 residual. */
const LM_BYTES = 26;
const NAME_MAX = NatNetLimits.maxNameLength;

// ------------------------------------------------------------------------------------------------
// Versions

export function versionAtLeast(v: Version4, major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

/** "4.1", "4.1.0.0", "3" → Version4. Anything else (empty, letters, > 4 parts, parts > 255) throws. */
export function parseVersion(text: string): Version4 {
  const parts = text.trim().split('.');
  if (parts.length < 1 || parts.length > 4) throw new NatNetDecodeError(`not a version: ${JSON.stringify(text)}`);
  const out = [0, 0, 0, 0];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new NatNetDecodeError(`not a version: ${JSON.stringify(text)}`);
    out[i] = Number(p);
  }
  return [out[0]!, out[1]!, out[2]!, out[3]!];
}

export function formatVersion(v: Version4): string {
  if (v[3] !== 0) return `${v[0]}.${v[1]}.${v[2]}.${v[3]}`;
  if (v[2] !== 0) return `${v[0]}.${v[1]}.${v[2]}`;
  return `${v[0]}.${v[1]}`;
}

export function frameFlags(params: number | undefined): {
  recording: boolean;
  modelsChanged: boolean;
  editMode: boolean;
  bitstreamChanged: boolean;
} {
  const p = params ?? 0;
  return {
    recording: (p & 0x01) !== 0,
    modelsChanged: (p & 0x02) !== 0,
    editMode: (p & 0x04) !== 0,
    bitstreamChanged: (p & 0x08) !== 0,
  };
}

/** Which optional fields a bitstream version carries (docs/protocols/natnet.md §5, §6), computed once per major.minor. */
interface Layout {
  /** ≥ 3.0: RB and labeled-marker records have their fixed 38 / 26-byte form. */
  modern: boolean;
  rbMarkers: boolean;
  rbMarkerIdsSizes: boolean;
  meanError: boolean;
  rbParams: boolean;
  skeletons: boolean;
  assets: boolean;
  labeled: boolean;
  lmParams: boolean;
  lmResidual: boolean;
  forcePlates: boolean;
  devices: boolean;
  byteCounts: boolean;
  latency: boolean;
  /** Bytes of the frame timestamp: 0, 4 (f32) or 8 (f64). */
  timestampBytes: number;
  stamps: boolean;
  precision: boolean;
  frameParams: boolean;
  /** Smallest RB record (a legacy one with zero markers). */
  rbMinBytes: number;
  lmBytes: number;
  legacyMarkerBytes: number;
  descName: boolean;
  descMarkers: boolean;
  descMarkerNames: boolean;
  descRotation: boolean;
  descSize: boolean;
}

const layouts = new Map<number, Layout>();

function layoutFor(v: Version4): Layout {
  const key = v[0] * 256 + v[1];
  let l = layouts.get(key);
  if (l === undefined) {
    const at = (major: number, minor: number) => versionAtLeast(v, major, minor);
    const modern = at(3, 0);
    const meanError = at(2, 0);
    const rbParams = at(2, 6);
    const lmParams = at(2, 6);
    l = {
      modern,
      rbMarkers: !modern,
      rbMarkerIdsSizes: meanError,
      meanError,
      rbParams,
      skeletons: at(2, 1),
      assets: at(4, 1),
      labeled: at(2, 3),
      lmParams,
      lmResidual: modern,
      forcePlates: at(2, 9),
      devices: modern,
      byteCounts: at(4, 1),
      latency: !modern,
      timestampBytes: at(2, 7) ? 8 : at(2, 6) ? 4 : 0,
      stamps: modern,
      precision: at(4, 1),
      frameParams: at(2, 6),
      rbMinBytes: modern ? RB_BYTES : 32 + 4 + (meanError ? 4 : 0) + (rbParams ? 2 : 0),
      lmBytes: 20 + (lmParams ? 2 : 0) + (modern ? 4 : 0),
      legacyMarkerBytes: meanError ? 20 : 12,
      descName: at(2, 0),
      descMarkers: modern,
      descMarkerNames: at(4, 0),
      descRotation: at(4, 2),
      descSize: at(4, 1),
    };
    layouts.set(key, l);
  }
  return l;
}

// ------------------------------------------------------------------------------------------------
// Small public helpers

/** The message id of a datagram, or undefined if it is too short to carry a header. */
export function peekMessageId(datagram: Uint8Array): number | undefined {
  if (datagram.length < HEADER_BYTES) return undefined;
  return datagram[0]! | (datagram[1]! << 8);
}

function view4(payload: Uint8Array): DataView | undefined {
  if (payload.length !== 4) return undefined;
  return new DataView(payload.buffer, payload.byteOffset, 4);
}

export function responseAsInt32(payload: Uint8Array): number | undefined {
  return view4(payload)?.getInt32(0, true);
}

export function responseAsFloat32(payload: Uint8Array): number | undefined {
  return view4(payload)?.getFloat32(0, true);
}

/** Text up to the first NUL (or the whole payload if a sloppy peer left the NUL out); undefined if empty. */
export function responseAsString(payload: Uint8Array): string | undefined {
  if (payload.length === 0) return undefined;
  return textToNul(payload, 0, payload.length);
}

function textToNul(bytes: Uint8Array, start: number, end: number): string {
  let stop = end;
  for (let i = start; i < end; i++) {
    if (bytes[i] === 0) {
      stop = i;
      break;
    }
  }
  return decodeUtf8(bytes, start, stop);
}

// ------------------------------------------------------------------------------------------------
// Decoding

const MESSAGE_NAMES: Record<number, string> = {
  0: 'connect',
  1: 'server info',
  2: 'request',
  3: 'response',
  4: 'model definition request',
  5: 'model definition',
  6: 'frame request',
  7: 'frame of data',
  8: 'message string',
  9: 'disconnect',
  10: 'keepalive',
  11: 'disconnect by timeout',
  12: 'echo request',
  13: 'echo response',
  14: 'discovery',
  100: 'unrecognized-request reply',
};

/**
 * Decodes one datagram laid out for `bitstream` (only frames and model definitions depend on it).
 * Throws NatNetDecodeError, and nothing else, on malformed input. Unknown ids decode to `unknown`.
 */
export function decodeMessage(datagram: Uint8Array, bitstream: Version4): NatNetMessage {
  if (datagram.length < HEADER_BYTES) {
    throw new NatNetDecodeError(`datagram of ${datagram.length} bytes is shorter than the 4-byte header`, 0);
  }
  const id = datagram[0]! | (datagram[1]! << 8);
  const n = datagram[2]! | (datagram[3]! << 8);
  if (HEADER_BYTES + n > datagram.length) {
    throw new NatNetDecodeError(
      `${MESSAGE_NAMES[id] ?? `message ${id}`}: header announces ${n} payload bytes, datagram has ${datagram.length - HEADER_BYTES}`,
      2,
    );
  }
  // Bytes past nDataBytes (a stray NUL from some clients) are outside the reader's window.
  const r = new ByteReader(datagram, undefined, HEADER_BYTES, HEADER_BYTES + n);
  try {
    const message = decodePayload(r, id, n, bitstream);
    r.expectEnd(MESSAGE_NAMES[id] ?? 'message');
    return message;
  } catch (e) {
    if (e instanceof NatNetDecodeError) throw e;
    if (e instanceof DecodeError) {
      throw new NatNetDecodeError(`${MESSAGE_NAMES[id] ?? `message ${id}`}: ${e.reason}`, e.offset);
    }
    throw e;
  }
}

function decodePayload(r: ByteReader, id: number, n: number, bitstream: Version4): NatNetMessage {
  switch (id) {
    case MessageId.Connect:
      return { type: 'connect', ...readSenderPayload(r, n, true) };
    case MessageId.Discovery:
      return { type: 'discovery', ...readSenderPayload(r, n, true) };
    case MessageId.KeepAlive: {
      const { sender, extra } = readSenderPayload(r, n, false);
      const m: NatNetMessage = { type: 'keepAlive' };
      if (sender) m.sender = sender;
      if (extra) m.extra = extra;
      return m;
    }
    case MessageId.ServerInfo:
      return { type: 'serverInfo', server: readServerInfo(r, n) };
    case MessageId.Request:
      return { type: 'request', command: readLooseText(r, n) };
    case MessageId.Response:
      return { type: 'response', payload: r.bytes(n) };
    case MessageId.RequestModelDef:
      if (n === 0) return { type: 'requestModelDef' };
      if (n === 4) return { type: 'requestModelDef', typeMask: r.u32() };
      throw new DecodeError(`payload of ${n} bytes; expected 0 or 4`, 2);
    case MessageId.ModelDef:
      return { type: 'modelDef', descriptions: readDescriptions(r, layoutFor(bitstream)) };
    case MessageId.FrameOfData:
      return { type: 'frameOfData', frame: readFrame(r, layoutFor(bitstream)) };
    case MessageId.MessageString:
      return { type: 'messageString', text: readLooseText(r, n) };
    case MessageId.RequestFrameOfData:
    case MessageId.Disconnect:
    case MessageId.DisconnectByTimeout:
      // Defined as empty. A payload here has undocumented meaning: keep it rather than fail.
      if (n !== 0) return { type: 'unknown', messageId: id, payload: r.bytes(n) };
      return id === MessageId.Disconnect
        ? { type: 'disconnect' }
        : id === MessageId.DisconnectByTimeout
          ? { type: 'disconnectByTimeout' }
          : { type: 'requestFrameOfData' };
    case MessageId.EchoRequest:
      if (n !== 8) throw new DecodeError(`payload of ${n} bytes; expected 8`, 2);
      return { type: 'echoRequest', clientStamp: r.u64BigInt() };
    case MessageId.EchoResponse:
      if (n !== 16) throw new DecodeError(`payload of ${n} bytes; expected 16`, 2);
      return { type: 'echoResponse', clientStamp: r.u64BigInt(), serverTicks: r.u64() };
    case MessageId.UnrecognizedRequest:
      return { type: 'unrecognizedRequest', payload: r.bytes(n) };
    default:
      return { type: 'unknown', messageId: id, payload: r.bytes(n) };
  }
}

/** Request and log strings: text to the first NUL; a missing NUL is tolerated (some clients omit it). */
function readLooseText(r: ByteReader, n: number): string {
  return textToNul(r.subarray(n, 'text'), 0, n);
}

function readVersion(r: ByteReader): Version4 {
  const p = r.take(4, 'version');
  const v = r.view;
  return [v.getUint8(p), v.getUint8(p + 1), v.getUint8(p + 2), v.getUint8(p + 3)];
}

/** The 264-byte sSender block. The raw name field is kept so a re-encode is byte-exact. */
function readSender(r: ByteReader): SenderInfo {
  const rawName = r.bytes(NAME_FIELD_BYTES, 'name field');
  const name = textToNul(rawName, 0, NAME_FIELD_BYTES);
  return { name, appVersion: readVersion(r), natnetVersion: readVersion(r), rawName };
}

function readSenderPayload(
  r: ByteReader,
  n: number,
  withOptions: boolean,
): { sender?: SenderInfo; options?: ConnectionOptions; extra?: Uint8Array } {
  const out: { sender?: SenderInfo; options?: ConnectionOptions; extra?: Uint8Array } = {};
  if (n >= SENDER_BYTES) {
    out.sender = readSender(r);
    if (withOptions && n >= SENDER_BYTES + OPTIONS_BYTES) {
      out.options = { subscribedDataOnly: r.u8() !== 0, bitstreamVersion: readVersion(r) };
    }
  }
  if (r.remaining > 0) out.extra = r.bytes(r.remaining);
  return out;
}

function readServerInfo(r: ByteReader, n: number): ServerInfo {
  if (n !== SERVER_INFO_V2_BYTES && n !== SERVER_INFO_V3_BYTES) {
    throw new DecodeError(`payload of ${n} bytes; expected ${SERVER_INFO_V2_BYTES} or ${SERVER_INFO_V3_BYTES}`, 2);
  }
  const server: ServerInfo = readSender(r);
  if (n === SERVER_INFO_V3_BYTES) {
    const clockFrequency = r.u64();
    const dataPort = r.u16();
    const multicast = r.u8() !== 0;
    const g = r.take(4, 'multicast group');
    const v = r.view;
    server.connectionInfo = {
      clockFrequency,
      dataPort,
      multicast,
      multicastGroup: `${v.getUint8(g)}.${v.getUint8(g + 1)}.${v.getUint8(g + 2)}.${v.getUint8(g + 3)}`,
    };
  }
  return server;
}

// ---- frames

/**
 * Opens a 4.1+ byte-counted list: the byte count must be able to hold `count` records and fit in the
 * datagram; the list is then read inside exactly that window. Returns the limit to restore, or -1.
 */
function openList(r: ByteReader, l: Layout, count: number, minRecordBytes: number, what: string): number {
  if (!l.byteCounts) return -1;
  const at = r.offset;
  const bc = r.i32();
  if (bc < count * minRecordBytes) {
    throw new DecodeError(`${what} byte count ${bc} too small for ${count} records`, at);
  }
  return r.pushLimit(bc, `${what} list`);
}

function closeList(r: ByteReader, saved: number, what: string): void {
  if (saved >= 0) r.popLimit(saved, `${what} list (by its byte count)`);
}

function readPoint(r: ByteReader): Point3 {
  const p = r.take(12, 'position');
  const v = r.view;
  return { x: v.getFloat32(p, true), y: v.getFloat32(p + 4, true), z: v.getFloat32(p + 8, true) };
}

function readPoints(r: ByteReader, max: number, what: string): Point3[] {
  const n = r.count(max, 12, what);
  const out: Point3[] = [];
  for (let i = 0; i < n; i++) out.push(readPoint(r));
  return out;
}

type ModernRigidBody = RigidBodyData & { meanError: number; params: number };
type ModernLabeledMarker = LabeledMarkerData & { params: number; residual: number };

/**
 * The RB record's fixed 32-byte head (id, v3, q4) at p plus the fields read after it. One literal for
 * every version, so all rigid bodies share a shape. Versions without params (< 2.6) count as valid.
 */
function rigidBodyAt(v: DataView, p: number, meanError: number, params: number): ModernRigidBody;
function rigidBodyAt(v: DataView, p: number, meanError?: number, params?: number): RigidBodyData;
function rigidBodyAt(v: DataView, p: number, meanError?: number, params?: number): RigidBodyData {
  return {
    id: v.getInt32(p, true),
    x: v.getFloat32(p + 4, true),
    y: v.getFloat32(p + 8, true),
    z: v.getFloat32(p + 12, true),
    qx: v.getFloat32(p + 16, true),
    qy: v.getFloat32(p + 20, true),
    qz: v.getFloat32(p + 24, true),
    qw: v.getFloat32(p + 28, true),
    meanError,
    params,
    valid: params === undefined || (params & 1) !== 0,
  };
}

/** RB record ≥ 3.0 (also the 4.1 asset RB record): 38 bytes, one bounds check. */
function readRigidBodyModern(r: ByteReader): ModernRigidBody {
  const p = r.take(RB_BYTES, 'rigid body');
  const v = r.view;
  return rigidBodyAt(v, p, v.getFloat32(p + 32, true), v.getInt16(p + 36, true));
}

/** RB record < 3.0: its markers sit between the pose and the error (positions, then ids and sizes ≥ 2.0). */
function readRigidBodyLegacy(r: ByteReader, l: Layout): RigidBodyData {
  const p = r.take(32, 'rigid body');
  const m = r.count(NatNetLimits.maxMarkersPerRigidBody, l.legacyMarkerBytes, 'rigid body marker');
  const markers: LegacyRigidBodyMarker[] = [];
  for (let i = 0; i < m; i++) markers.push(readPoint(r));
  if (l.rbMarkerIdsSizes) {
    for (let i = 0; i < m; i++) markers[i]!.id = r.i32();
    for (let i = 0; i < m; i++) markers[i]!.size = r.f32();
  }
  const meanError = l.meanError ? r.f32() : undefined;
  const params = l.rbParams ? r.i16() : undefined;
  const rb = rigidBodyAt(r.view, p, meanError, params);
  rb.markers = markers;
  return rb;
}

function readRigidBody(r: ByteReader, l: Layout): RigidBodyData {
  return l.modern ? readRigidBodyModern(r) : readRigidBodyLegacy(r, l);
}

function readRigidBodies(r: ByteReader, l: Layout, max: number, what: string): RigidBodyData[] {
  const n = r.count(max, l.rbMinBytes, what);
  const saved = openList(r, l, n, l.rbMinBytes, what);
  const out: RigidBodyData[] = [];
  for (let i = 0; i < n; i++) out.push(readRigidBody(r, l));
  closeList(r, saved, what);
  return out;
}

/** The labeled-marker record's 20-byte head (id, v3, size) at p plus the fields that follow it. */
function labeledMarkerAt(v: DataView, p: number, params: number, residual: number): ModernLabeledMarker;
function labeledMarkerAt(v: DataView, p: number, params?: number, residual?: number): LabeledMarkerData;
function labeledMarkerAt(v: DataView, p: number, params?: number, residual?: number): LabeledMarkerData {
  const id = v.getInt32(p, true);
  return {
    id,
    modelId: id >>> 16,
    markerId: id & 0xffff,
    x: v.getFloat32(p + 4, true),
    y: v.getFloat32(p + 8, true),
    z: v.getFloat32(p + 12, true),
    size: v.getFloat32(p + 16, true),
    params,
    residual,
  };
}

/** Labeled-marker record ≥ 3.0 (also the 4.1 asset marker record): 26 bytes, one bounds check. */
function readLabeledMarkerModern(r: ByteReader): ModernLabeledMarker {
  const p = r.take(LM_BYTES, 'labeled marker');
  const v = r.view;
  return labeledMarkerAt(v, p, v.getInt16(p + 20, true), v.getFloat32(p + 22, true));
}

function readLabeledMarkerLegacy(r: ByteReader, l: Layout): LabeledMarkerData {
  const p = r.take(l.lmBytes, 'labeled marker');
  return labeledMarkerAt(r.view, p, l.lmParams ? r.view.getInt16(p + 20, true) : undefined);
}

function readAnalogList(r: ByteReader, l: Layout, max: number, what: string): AnalogData[] {
  const n = r.count(max, 8, what);
  const saved = openList(r, l, n, 8, what);
  const out: AnalogData[] = [];
  for (let i = 0; i < n; i++) {
    const id = r.i32();
    const nch = r.count(NatNetLimits.maxAnalogChannels, 4, `${what} channel`);
    const channels: number[][] = [];
    for (let c = 0; c < nch; c++) {
      const nf = r.count(NatNetLimits.maxAnalogSubframes, 4, `${what} channel frame`);
      const p = r.take(nf * 4);
      const values: number[] = [];
      for (let k = 0; k < nf; k++) values.push(r.view.getFloat32(p + k * 4, true));
      channels.push(values);
    }
    out.push({ id, channels });
  }
  closeList(r, saved, what);
  return out;
}

function readFrame(r: ByteReader, l: Layout): FrameOfData {
  const frameNumber = r.i32();

  let n = r.count(NatNetLimits.maxMarkerSets, 5, 'marker set');
  let saved = openList(r, l, n, 5, 'marker set');
  const markerSets: MarkerSetData[] = [];
  for (let i = 0; i < n; i++) {
    const name = r.cstring(NAME_MAX, 'marker set name');
    markerSets.push({ name, markers: readPoints(r, NatNetLimits.maxMarkersPerSet, 'marker set marker') });
  }
  closeList(r, saved, 'marker set');

  n = r.count(NatNetLimits.maxUnlabeledMarkers, 12, 'legacy marker');
  saved = openList(r, l, n, 12, 'legacy marker');
  const legacyMarkers: Point3[] = [];
  for (let i = 0; i < n; i++) legacyMarkers.push(readPoint(r));
  closeList(r, saved, 'legacy marker');

  const rigidBodies = readRigidBodies(r, l, NatNetLimits.maxRigidBodies, 'rigid body');

  const skeletons: SkeletonData[] = [];
  if (l.skeletons) {
    n = r.count(NatNetLimits.maxSkeletons, 8, 'skeleton');
    saved = openList(r, l, n, 8, 'skeleton');
    for (let i = 0; i < n; i++) {
      const id = r.i32();
      // Bones are an inner list without a byte count of their own.
      const bones: RigidBodyData[] = [];
      const nb = r.count(NatNetLimits.maxBonesPerSkeleton, l.rbMinBytes, 'skeleton bone');
      for (let b = 0; b < nb; b++) bones.push(readRigidBody(r, l));
      skeletons.push({ id, bones });
    }
    closeList(r, saved, 'skeleton');
  }

  const assets: AssetData[] = [];
  if (l.assets) {
    n = r.count(NatNetLimits.maxAssets, 12, 'asset');
    saved = openList(r, l, n, 12, 'asset');
    for (let i = 0; i < n; i++) {
      const id = r.i32();
      const nrb = r.count(NatNetLimits.maxRigidBodies, RB_BYTES, 'asset rigid body');
      const rbs = [];
      for (let k = 0; k < nrb; k++) rbs.push(readRigidBodyModern(r));
      const nm = r.count(NatNetLimits.maxLabeledMarkers, LM_BYTES, 'asset marker');
      const markers = [];
      for (let k = 0; k < nm; k++) markers.push(readLabeledMarkerModern(r));
      assets.push({ id, rigidBodies: rbs, markers });
    }
    closeList(r, saved, 'asset');
  }

  const labeledMarkers: LabeledMarkerData[] = [];
  if (l.labeled) {
    n = r.count(NatNetLimits.maxLabeledMarkers, l.lmBytes, 'labeled marker');
    saved = openList(r, l, n, l.lmBytes, 'labeled marker');
    if (l.modern) for (let i = 0; i < n; i++) labeledMarkers.push(readLabeledMarkerModern(r));
    else for (let i = 0; i < n; i++) labeledMarkers.push(readLabeledMarkerLegacy(r, l));
    closeList(r, saved, 'labeled marker');
  }

  const forcePlates = l.forcePlates ? readAnalogList(r, l, NatNetLimits.maxForcePlates, 'force plate') : [];
  const devices = l.devices ? readAnalogList(r, l, NatNetLimits.maxDevices, 'device') : [];

  const latency = l.latency ? r.f32() : undefined;
  const timecode = r.u32();
  const timecodeSubframe = r.u32();
  const frame: FrameOfData = {
    frameNumber,
    markerSets,
    legacyMarkers,
    rigidBodies,
    skeletons,
    assets,
    labeledMarkers,
    forcePlates,
    devices,
    timecode,
    timecodeSubframe,
  };
  if (latency !== undefined) frame.latency = latency;
  if (l.timestampBytes === 8) frame.timestamp = r.f64();
  else if (l.timestampBytes === 4) frame.timestamp = r.f32();
  if (l.stamps) {
    frame.cameraMidExposureTicks = r.u64();
    frame.cameraDataReceivedTicks = r.u64();
    frame.transmitTicks = r.u64();
  }
  if (l.precision) {
    frame.precisionTimestampSeconds = r.u32();
    frame.precisionTimestampFraction = r.u32();
  }
  if (l.frameParams) frame.params = r.i16();
  const eodAt = r.offset;
  const eod = r.i32();
  if (eod !== 0) throw new DecodeError(`end-of-data marker is ${eod}, expected 0 (wrong bitstream version?)`, eodAt);
  return frame;
}

// ---- descriptions

function readNames(r: ByteReader, max: number, what: string): string[] {
  const n = r.count(max, 1, what);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.cstring(NAME_MAX, what));
  return out;
}

function rbDescriptionMinBytes(l: Layout): number {
  return (l.descName ? 1 : 0) + 20 + (l.descRotation ? 16 : 0) + (l.descMarkers ? 4 : 0);
}

/** Rigid-body description body: shared by rigid bodies, skeleton bones and asset rigid bodies. */
function readRigidBodyDescription(r: ByteReader, l: Layout): RigidBodyDescription {
  const name = l.descName ? r.cstring(NAME_MAX, 'rigid body name') : '';
  const id = r.i32();
  const parentId = r.i32();
  const offset = readPoint(r);
  const d: RigidBodyDescription = { type: 'rigidBody', name, id, parentId, offset, markers: [] };
  if (l.descRotation) {
    const p = r.take(16, 'rotation offset');
    const v = r.view;
    d.rotationOffset = [
      v.getFloat32(p, true),
      v.getFloat32(p + 4, true),
      v.getFloat32(p + 8, true),
      v.getFloat32(p + 12, true),
    ];
  }
  if (l.descMarkers) {
    const m = r.count(
      NatNetLimits.maxMarkersPerRigidBody,
      16 + (l.descMarkerNames ? 1 : 0),
      'rigid body description marker',
    );
    const markers: RigidBodyMarkerDescription[] = [];
    for (let i = 0; i < m; i++) {
      const pt = readPoint(r);
      markers.push({ x: pt.x, y: pt.y, z: pt.z, activeLabel: 0 });
    }
    for (let i = 0; i < m; i++) markers[i]!.activeLabel = r.i32();
    if (l.descMarkerNames) for (let i = 0; i < m; i++) markers[i]!.name = r.cstring(NAME_MAX, 'marker name');
    d.markers = markers;
  }
  return d;
}

function readFloats(r: ByteReader, n: number, what: string): number[] {
  const p = r.take(n * 4, what);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.view.getFloat32(p + i * 4, true));
  return out;
}

/** Description types 0–6 have a layout we know; 4.1+ lets anything else be skipped by its size. */
const KNOWN_DESCRIPTION_TYPES = 7;

function readDescriptionBody(r: ByteReader, l: Layout, type: number): DataDescription {
  switch (type) {
    case 0: {
      const name = r.cstring(NAME_MAX, 'marker set name');
      const d: MarkerSetDescription = {
        type: 'markerSet',
        name,
        markerNames: readNames(r, NatNetLimits.maxMarkersPerSet, 'marker name'),
      };
      return d;
    }
    case 1:
      return readRigidBodyDescription(r, l);
    case 2: {
      const name = r.cstring(NAME_MAX, 'skeleton name');
      const id = r.i32();
      const n = r.count(NatNetLimits.maxBonesPerSkeleton, rbDescriptionMinBytes(l), 'skeleton bone');
      const bones: RigidBodyDescription[] = [];
      for (let i = 0; i < n; i++) bones.push(readRigidBodyDescription(r, l));
      const d: SkeletonDescription = { type: 'skeleton', name, id, bones };
      return d;
    }
    case 3: {
      const id = r.i32();
      const serial = r.cstring(NAME_MAX, 'force plate serial');
      const width = r.f32();
      const length = r.f32();
      const origin = readPoint(r);
      const calibrationMatrix = readFloats(r, 144, 'calibration matrix');
      const corners = readFloats(r, 12, 'corners');
      const plateType = r.i32();
      const channelDataType = r.i32();
      const channelNames = readNames(r, NatNetLimits.maxAnalogChannels, 'channel name');
      const d: ForcePlateDescription = {
        type: 'forcePlate',
        id,
        serial,
        width,
        length,
        origin,
        calibrationMatrix,
        corners,
        plateType,
        channelDataType,
        channelNames,
      };
      return d;
    }
    case 4: {
      const id = r.i32();
      const name = r.cstring(NAME_MAX, 'device name');
      const serial = r.cstring(NAME_MAX, 'device serial');
      const deviceType = r.i32();
      const channelDataType = r.i32();
      const channelNames = readNames(r, NatNetLimits.maxAnalogChannels, 'channel name');
      const d: DeviceDescription = { type: 'device', id, name, serial, deviceType, channelDataType, channelNames };
      return d;
    }
    case 5: {
      const name = r.cstring(NAME_MAX, 'camera name');
      const position = readPoint(r);
      const q = readFloats(r, 4, 'camera orientation');
      const d: CameraDescription = { type: 'camera', name, position, orientation: [q[0]!, q[1]!, q[2]!, q[3]!] };
      return d;
    }
    case 6: {
      const name = r.cstring(NAME_MAX, 'asset name');
      const assetType = r.i32();
      const id = r.i32();
      const nrb = r.count(NatNetLimits.maxRigidBodies, rbDescriptionMinBytes(l), 'asset rigid body');
      const rigidBodies: RigidBodyDescription[] = [];
      for (let i = 0; i < nrb; i++) rigidBodies.push(readRigidBodyDescription(r, l));
      const nm = r.count(NatNetLimits.maxLabeledMarkers, 23, 'asset marker');
      const markers: AssetMarkerDescription[] = [];
      for (let i = 0; i < nm; i++) {
        const mname = r.cstring(NAME_MAX, 'asset marker name');
        const mid = r.i32();
        const pt = readPoint(r);
        const size = r.f32();
        const params = r.i16();
        markers.push({ name: mname, id: mid, x: pt.x, y: pt.y, z: pt.z, size, params });
      }
      const d: AssetDescription = { type: 'asset', name, assetType, id, rigidBodies, markers };
      return d;
    }
    default:
      throw new DecodeError(`unknown description type ${type} (and no 4.1 size to skip it)`, r.offset - 4);
  }
}

function readDescriptions(r: ByteReader, l: Layout): DataDescription[] {
  const n = r.count(NatNetLimits.maxModels, l.descSize ? 8 : 4, 'data description');
  const out: DataDescription[] = [];
  for (let i = 0; i < n; i++) {
    const type = r.i32();
    if (!l.descSize) {
      out.push(readDescriptionBody(r, l, type));
      continue;
    }
    const size = r.i32();
    const saved = r.pushLimit(size, `description (type ${type})`);
    if (type >= 0 && type < KNOWN_DESCRIPTION_TYPES) out.push(readDescriptionBody(r, l, type));
    else out.push({ type: 'unknown', typeId: type, body: r.bytes(size) });
    r.popLimit(saved, `description (type ${type}) by its size`);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Encoding

function checkCount(n: number, max: number, what: string): void {
  if (n > max) throw new RangeError(`cannot encode ${n} ${what}s: the limit is ${max}`);
}

/** Bytes a name takes as a cstr, refusing what the decoder would refuse. */
function nameBytes(s: string, what: string): number {
  const len = utf8Length(s) + 1;
  if (len > NAME_MAX) throw new RangeError(`${what} of ${len - 1} bytes is longer than ${NAME_MAX - 1}`);
  return len;
}

function writeVersion(w: ByteWriter, v: Version4): void {
  w.u8(v[0]);
  w.u8(v[1]);
  w.u8(v[2]);
  w.u8(v[3]);
}

function writeSender(w: ByteWriter, s: SenderInfo): void {
  const raw = s.rawName;
  if (raw !== undefined && raw.length === NAME_FIELD_BYTES && textToNul(raw, 0, NAME_FIELD_BYTES) === s.name) {
    w.bytes(raw);
  } else {
    w.fixedString(s.name, NAME_FIELD_BYTES);
  }
  writeVersion(w, s.appVersion);
  writeVersion(w, s.natnetVersion);
}

function writeSenderPayload(
  w: ByteWriter,
  m: { sender?: SenderInfo; options?: ConnectionOptions; extra?: Uint8Array },
): void {
  if (m.sender) {
    writeSender(w, m.sender);
    if (m.options) {
      w.u8(m.options.subscribedDataOnly ? 1 : 0);
      writeVersion(w, m.options.bitstreamVersion);
    }
  } else if (m.options) {
    throw new RangeError('connection options need a sender block before them');
  }
  if (m.extra) w.bytes(m.extra);
}

function writeServerInfo(w: ByteWriter, s: ServerInfo): void {
  writeSender(w, s);
  const c: ServerConnectionInfo | undefined = s.connectionInfo;
  if (!c) return;
  w.u64(c.clockFrequency);
  w.u16(c.dataPort);
  w.u8(c.multicast ? 1 : 0);
  const parts = c.multicastGroup.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new RangeError(`multicast group is not a dotted quad: ${c.multicastGroup}`);
  }
  for (const p of parts) w.u8(Number(p));
}

/** Encodes a message for `bitstream`, with nDataBytes set exactly; throws RangeError on unencodable input. */
export function encodeMessage(message: NatNetMessage, bitstream: Version4): Uint8Array {
  if (message.type === 'frameOfData') return encodeFrame(message.frame, layoutFor(bitstream));
  const w = new ByteWriter(message.type === 'modelDef' ? 1024 : 300);
  w.u16(messageIdOf(message));
  w.u16(0);
  switch (message.type) {
    case 'connect':
    case 'discovery':
    case 'keepAlive':
      writeSenderPayload(w, message);
      break;
    case 'serverInfo':
      writeServerInfo(w, message.server);
      break;
    case 'request':
      w.cstring(message.command);
      break;
    case 'messageString':
      w.cstring(message.text);
      break;
    case 'response':
    case 'unrecognizedRequest':
    case 'unknown':
      w.bytes(message.payload);
      break;
    case 'requestModelDef':
      if (message.typeMask !== undefined) w.u32(message.typeMask);
      break;
    case 'modelDef':
      writeDescriptions(w, message.descriptions, layoutFor(bitstream));
      break;
    case 'echoRequest':
      w.u64BigInt(message.clientStamp);
      break;
    case 'echoResponse':
      w.u64BigInt(message.clientStamp);
      w.u64(message.serverTicks);
      break;
    case 'requestFrameOfData':
    case 'disconnect':
    case 'disconnectByTimeout':
      break;
  }
  const payload = w.length - HEADER_BYTES;
  if (payload > 0xffff) throw new RangeError(`payload of ${payload} bytes does not fit nDataBytes (u16)`);
  w.patchU16(2, payload);
  return w.finish();
}

function messageIdOf(m: NatNetMessage): number {
  switch (m.type) {
    case 'connect':
      return MessageId.Connect;
    case 'serverInfo':
      return MessageId.ServerInfo;
    case 'request':
      return MessageId.Request;
    case 'response':
      return MessageId.Response;
    case 'requestModelDef':
      return MessageId.RequestModelDef;
    case 'modelDef':
      return MessageId.ModelDef;
    case 'requestFrameOfData':
      return MessageId.RequestFrameOfData;
    case 'frameOfData':
      return MessageId.FrameOfData;
    case 'messageString':
      return MessageId.MessageString;
    case 'disconnect':
      return MessageId.Disconnect;
    case 'keepAlive':
      return MessageId.KeepAlive;
    case 'disconnectByTimeout':
      return MessageId.DisconnectByTimeout;
    case 'echoRequest':
      return MessageId.EchoRequest;
    case 'echoResponse':
      return MessageId.EchoResponse;
    case 'discovery':
      return MessageId.Discovery;
    case 'unrecognizedRequest':
      return MessageId.UnrecognizedRequest;
    case 'unknown':
      if (!(Number.isInteger(m.messageId) && m.messageId >= 0 && m.messageId <= 0xffff)) {
        throw new RangeError(`message id ${m.messageId} is not a u16`);
      }
      return m.messageId;
  }
}

// ---- frame encoding: exact size first, then one buffer

/** Fields the RB writer needs; RigidBodyData and AssetRigidBodyData both fit. */
interface RigidBodyLike {
  id: number;
  x: number;
  y: number;
  z: number;
  qx: number;
  qy: number;
  qz: number;
  qw: number;
  meanError?: number;
  params?: number;
  valid?: boolean;
  markers?: LegacyRigidBodyMarker[];
}

/** Fields the labeled-marker writer needs; LabeledMarkerData and AssetMarkerData both fit. */
interface MarkerLike {
  id: number;
  x: number;
  y: number;
  z: number;
  size: number;
  params?: number;
  residual?: number;
}

function rigidBodyBytes(rb: RigidBodyLike, l: Layout): number {
  if (l.modern) return RB_BYTES;
  const m = rb.markers?.length ?? 0;
  checkCount(m, NatNetLimits.maxMarkersPerRigidBody, 'rigid body marker');
  return l.rbMinBytes + m * l.legacyMarkerBytes;
}

function rigidBodiesBytes(list: readonly RigidBodyLike[], l: Layout): number {
  if (l.modern) return list.length * RB_BYTES;
  let n = 0;
  for (const rb of list) n += rigidBodyBytes(rb, l);
  return n;
}

function analogBytes(list: readonly AnalogData[], what: string): number {
  let n = 0;
  for (const a of list) {
    checkCount(a.channels.length, NatNetLimits.maxAnalogChannels, `${what} channel`);
    n += 8;
    for (const ch of a.channels) {
      checkCount(ch.length, NatNetLimits.maxAnalogSubframes, `${what} subframe`);
      n += 4 + 4 * ch.length;
    }
  }
  return n;
}

function frameBytes(f: FrameOfData, l: Layout): number {
  const listHeader = l.byteCounts ? 8 : 4;
  let n = HEADER_BYTES + 4;
  checkCount(f.markerSets.length, NatNetLimits.maxMarkerSets, 'marker set');
  n += listHeader;
  for (const s of f.markerSets) {
    checkCount(s.markers.length, NatNetLimits.maxMarkersPerSet, 'marker set marker');
    n += nameBytes(s.name, 'marker set name') + 4 + 12 * s.markers.length;
  }
  checkCount(f.legacyMarkers.length, NatNetLimits.maxUnlabeledMarkers, 'legacy marker');
  n += listHeader + 12 * f.legacyMarkers.length;
  checkCount(f.rigidBodies.length, NatNetLimits.maxRigidBodies, 'rigid body');
  n += listHeader + rigidBodiesBytes(f.rigidBodies, l);
  if (l.skeletons) {
    checkCount(f.skeletons.length, NatNetLimits.maxSkeletons, 'skeleton');
    n += listHeader;
    for (const s of f.skeletons) {
      checkCount(s.bones.length, NatNetLimits.maxBonesPerSkeleton, 'skeleton bone');
      n += 8 + rigidBodiesBytes(s.bones, l);
    }
  }
  if (l.assets) {
    checkCount(f.assets.length, NatNetLimits.maxAssets, 'asset');
    n += listHeader;
    for (const a of f.assets) {
      checkCount(a.rigidBodies.length, NatNetLimits.maxRigidBodies, 'asset rigid body');
      checkCount(a.markers.length, NatNetLimits.maxLabeledMarkers, 'asset marker');
      n += 12 + RB_BYTES * a.rigidBodies.length + LM_BYTES * a.markers.length;
    }
  }
  if (l.labeled) {
    checkCount(f.labeledMarkers.length, NatNetLimits.maxLabeledMarkers, 'labeled marker');
    n += listHeader + l.lmBytes * f.labeledMarkers.length;
  }
  if (l.forcePlates) {
    checkCount(f.forcePlates.length, NatNetLimits.maxForcePlates, 'force plate');
    n += listHeader + analogBytes(f.forcePlates, 'force plate');
  }
  if (l.devices) {
    checkCount(f.devices.length, NatNetLimits.maxDevices, 'device');
    n += listHeader + analogBytes(f.devices, 'device');
  }
  n += (l.latency ? 4 : 0) + 8 + l.timestampBytes + (l.stamps ? 24 : 0) + (l.precision ? 8 : 0);
  n += (l.frameParams ? 2 : 0) + 4;
  return n;
}

/** Writes a list's count and, in 4.1+, a placeholder byte count; returns where the records start. */
function beginList(w: ByteWriter, l: Layout, count: number): number {
  w.i32(count);
  if (l.byteCounts) w.i32(0);
  return w.length;
}

function endList(w: ByteWriter, l: Layout, start: number): void {
  if (l.byteCounts) w.patchI32(start - 4, w.length - start);
}

function writePoint(w: ByteWriter, p: Point3): void {
  w.f32(p.x);
  w.f32(p.y);
  w.f32(p.z);
}

function writeRigidBody(w: ByteWriter, rb: RigidBodyLike, l: Layout): void {
  w.i32(rb.id);
  w.f32(rb.x);
  w.f32(rb.y);
  w.f32(rb.z);
  w.f32(rb.qx);
  w.f32(rb.qy);
  w.f32(rb.qz);
  w.f32(rb.qw);
  if (l.rbMarkers) {
    const markers = rb.markers ?? [];
    w.i32(markers.length);
    for (const m of markers) writePoint(w, m);
    if (l.rbMarkerIdsSizes) {
      for (const m of markers) w.i32(m.id ?? 0);
      for (const m of markers) w.f32(m.size ?? 0);
    }
  }
  if (l.meanError) w.f32(rb.meanError ?? 0);
  if (l.rbParams) w.i16(rb.params ?? (rb.valid ? 1 : 0));
}

function writeMarker(w: ByteWriter, m: MarkerLike, l: Layout): void {
  w.i32(m.id);
  w.f32(m.x);
  w.f32(m.y);
  w.f32(m.z);
  w.f32(m.size);
  if (l.lmParams) w.i16(m.params ?? 0);
  if (l.lmResidual) w.f32(m.residual ?? 0);
}

function writeAnalogList(w: ByteWriter, l: Layout, list: readonly AnalogData[]): void {
  const start = beginList(w, l, list.length);
  for (const a of list) {
    w.i32(a.id);
    w.i32(a.channels.length);
    for (const ch of a.channels) {
      w.i32(ch.length);
      for (const v of ch) w.f32(v);
    }
  }
  endList(w, l, start);
}

function encodeFrame(f: FrameOfData, l: Layout): Uint8Array {
  const total = frameBytes(f, l);
  if (total - HEADER_BYTES > 0xffff) {
    throw new RangeError(`frame of ${total - HEADER_BYTES} bytes does not fit nDataBytes (u16)`);
  }
  const w = new ByteWriter(total);
  w.u16(MessageId.FrameOfData);
  w.u16(total - HEADER_BYTES);
  w.i32(f.frameNumber);

  let start = beginList(w, l, f.markerSets.length);
  for (const s of f.markerSets) {
    w.cstring(s.name);
    w.i32(s.markers.length);
    for (const p of s.markers) writePoint(w, p);
  }
  endList(w, l, start);

  start = beginList(w, l, f.legacyMarkers.length);
  for (const p of f.legacyMarkers) writePoint(w, p);
  endList(w, l, start);

  start = beginList(w, l, f.rigidBodies.length);
  for (const rb of f.rigidBodies) writeRigidBody(w, rb, l);
  endList(w, l, start);

  if (l.skeletons) {
    start = beginList(w, l, f.skeletons.length);
    for (const s of f.skeletons) {
      w.i32(s.id);
      w.i32(s.bones.length);
      for (const b of s.bones) writeRigidBody(w, b, l);
    }
    endList(w, l, start);
  }

  if (l.assets) {
    start = beginList(w, l, f.assets.length);
    for (const a of f.assets) {
      w.i32(a.id);
      w.i32(a.rigidBodies.length);
      for (const rb of a.rigidBodies) writeRigidBody(w, rb, l);
      w.i32(a.markers.length);
      for (const m of a.markers) writeMarker(w, m, l);
    }
    endList(w, l, start);
  }

  if (l.labeled) {
    start = beginList(w, l, f.labeledMarkers.length);
    for (const m of f.labeledMarkers) writeMarker(w, m, l);
    endList(w, l, start);
  }

  if (l.forcePlates) writeAnalogList(w, l, f.forcePlates);
  if (l.devices) writeAnalogList(w, l, f.devices);

  // Motive 1.x filled the 2.x "latency" float with the frame timestamp; do the same when none is given.
  if (l.latency) w.f32(f.latency ?? f.timestamp ?? 0);
  w.u32(f.timecode);
  w.u32(f.timecodeSubframe);
  if (l.timestampBytes === 8) w.f64(f.timestamp ?? 0);
  else if (l.timestampBytes === 4) w.f32(f.timestamp ?? 0);
  if (l.stamps) {
    w.u64(f.cameraMidExposureTicks ?? 0);
    w.u64(f.cameraDataReceivedTicks ?? 0);
    w.u64(f.transmitTicks ?? 0);
  }
  if (l.precision) {
    w.u32(f.precisionTimestampSeconds ?? 0);
    w.u32(f.precisionTimestampFraction ?? 0);
  }
  if (l.frameParams) w.i16(f.params ?? 0);
  w.i32(0);
  if (w.length !== total) throw new Error(`internal: frame size ${w.length} != computed ${total}`);
  return w.finish();
}

// ---- description encoding

function writeRigidBodyDescription(w: ByteWriter, d: RigidBodyDescription, l: Layout): void {
  if (l.descName) {
    nameBytes(d.name, 'rigid body name');
    w.cstring(d.name);
  }
  w.i32(d.id);
  w.i32(d.parentId);
  writePoint(w, d.offset);
  if (l.descRotation) {
    const q = d.rotationOffset ?? [0, 0, 0, 1];
    for (const c of q) w.f32(c);
  }
  if (l.descMarkers) {
    checkCount(d.markers.length, NatNetLimits.maxMarkersPerRigidBody, 'rigid body description marker');
    w.i32(d.markers.length);
    for (const m of d.markers) writePoint(w, m);
    for (const m of d.markers) w.i32(m.activeLabel);
    if (l.descMarkerNames) for (const m of d.markers) writeName(w, m.name ?? '', 'marker name');
  }
}

function writeName(w: ByteWriter, s: string, what: string): void {
  nameBytes(s, what);
  w.cstring(s);
}

function writeNames(w: ByteWriter, names: readonly string[], max: number, what: string): void {
  checkCount(names.length, max, what);
  w.i32(names.length);
  for (const s of names) writeName(w, s, what);
}

function writeFloats(w: ByteWriter, values: readonly number[], n: number, what: string): void {
  if (values.length !== n) throw new RangeError(`${what} needs ${n} values, got ${values.length}`);
  for (const v of values) w.f32(v);
}

function writeDescriptionBody(w: ByteWriter, d: Exclude<DataDescription, { type: 'unknown' }>, l: Layout): void {
  switch (d.type) {
    case 'markerSet':
      writeName(w, d.name, 'marker set name');
      writeNames(w, d.markerNames, NatNetLimits.maxMarkersPerSet, 'marker name');
      return;
    case 'rigidBody':
      writeRigidBodyDescription(w, d, l);
      return;
    case 'skeleton':
      writeName(w, d.name, 'skeleton name');
      w.i32(d.id);
      checkCount(d.bones.length, NatNetLimits.maxBonesPerSkeleton, 'skeleton bone');
      w.i32(d.bones.length);
      for (const b of d.bones) writeRigidBodyDescription(w, b, l);
      return;
    case 'forcePlate':
      w.i32(d.id);
      writeName(w, d.serial, 'force plate serial');
      w.f32(d.width);
      w.f32(d.length);
      writePoint(w, d.origin);
      writeFloats(w, d.calibrationMatrix, 144, 'calibration matrix');
      writeFloats(w, d.corners, 12, 'corners');
      w.i32(d.plateType);
      w.i32(d.channelDataType);
      writeNames(w, d.channelNames, NatNetLimits.maxAnalogChannels, 'channel name');
      return;
    case 'device':
      w.i32(d.id);
      writeName(w, d.name, 'device name');
      writeName(w, d.serial, 'device serial');
      w.i32(d.deviceType);
      w.i32(d.channelDataType);
      writeNames(w, d.channelNames, NatNetLimits.maxAnalogChannels, 'channel name');
      return;
    case 'camera':
      writeName(w, d.name, 'camera name');
      writePoint(w, d.position);
      writeFloats(w, d.orientation, 4, 'camera orientation');
      return;
    case 'asset':
      writeName(w, d.name, 'asset name');
      w.i32(d.assetType);
      w.i32(d.id);
      checkCount(d.rigidBodies.length, NatNetLimits.maxRigidBodies, 'asset rigid body');
      w.i32(d.rigidBodies.length);
      for (const rb of d.rigidBodies) writeRigidBodyDescription(w, rb, l);
      checkCount(d.markers.length, NatNetLimits.maxLabeledMarkers, 'asset marker');
      w.i32(d.markers.length);
      for (const m of d.markers) {
        writeName(w, m.name, 'asset marker name');
        w.i32(m.id);
        writePoint(w, m);
        w.f32(m.size);
        w.i16(m.params);
      }
      return;
  }
}

const DESCRIPTION_TYPE_IDS = {
  markerSet: 0,
  rigidBody: 1,
  skeleton: 2,
  forcePlate: 3,
  device: 4,
  camera: 5,
  asset: 6,
} as const;

/** The wire type id of a description (NAT_MODELDEF, and the bit it has in a NAT_REQUEST_MODELDEF type mask). */
export function descriptionTypeId(d: DataDescription): number {
  return d.type === 'unknown' ? d.typeId : DESCRIPTION_TYPE_IDS[d.type];
}

function writeDescriptions(w: ByteWriter, list: readonly DataDescription[], l: Layout): void {
  checkCount(list.length, NatNetLimits.maxModels, 'data description');
  w.i32(list.length);
  for (const d of list) {
    if (d.type === 'unknown') {
      if (!l.descSize) throw new RangeError('an unknown description can only be encoded with 4.1+ sizes');
      w.i32(d.typeId);
      w.i32(d.body.length);
      w.bytes(d.body);
      continue;
    }
    w.i32(DESCRIPTION_TYPE_IDS[d.type]);
    if (!l.descSize) {
      writeDescriptionBody(w, d, l);
      continue;
    }
    w.i32(0);
    const start = w.length;
    writeDescriptionBody(w, d, l);
    w.patchI32(start - 4, w.length - start);
  }
}
