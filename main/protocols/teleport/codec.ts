/**
 * Teleport (ENet era, 2022) service messages: pure bytes <-> typed objects, both directions.
 *
 * The layouts follow the 2022 reference code, not the seed's tables, which disagree with it
 * (protocol notes, docs/protocols/teleport-enet.md §A2): ControlModel is 4 bytes, VideoConfig 129 bytes with a
 * 1-byte codec, draw_distance sits in Setup after VideoConfig, Setup ends with a backgroundMode byte
 * (198 bytes), and the Handshake carries 2 more bytes (rendering features) than the seed lists.
 *
 * Two 2022 variants exist: builds from 2021-05 to 2022-09 copied whole polymorphic structs into
 * packets, so every server command (and client message) starts with an 8-byte vtable pointer
 * ('2022a'); later 2022 builds send the same structs without it ('2022b'). They are told apart by
 * length. Plain structs (Handshake, DisplayInfo) never had the prefix. Everything is little-endian
 * and packed; `size_t` counts are 8 bytes.
 */
import { ByteReader, DecodeError } from '../../net/byte-reader';
import { ByteWriter } from '../../net/byte-writer';

export type TeleportVariant = '2022a' | '2022b';
export const VTABLE_PREFIX_BYTES = 8;

export function prefixBytes(variant: TeleportVariant): number {
  return variant === '2022a' ? VTABLE_PREFIX_BYTES : 0;
}

/** ENet channels of the service connection (seed: "eight channels"). */
export const TeleportChannel = {
  Handshake: 0,
  Control: 1,
  DisplayInfo: 2,
  HeadPose: 3,
  ResourceRequest: 4,
  KeyframeRequest: 5,
  ClientMessage: 6,
  Origin: 7,
} as const;
export const TELEPORT_CHANNEL_COUNT = 8;

/** CommandPayloadType, 2022-04 numbering. */
export const CommandType = {
  Invalid: 0,
  Shutdown: 1,
  Setup: 2,
  AcknowledgeHandshake: 3,
  ReconfigureVideo: 4,
  SetPosition: 5,
  NodeBounds: 6,
  UpdateNodeMovement: 7,
  UpdateNodeEnabledState: 8,
  SetNodeHighlighted: 9,
  UpdateNodeAnimation: 10,
  UpdateNodeAnimationControl: 11,
  SetNodeAnimationSpeed: 12,
  SetupLighting: 13,
  UpdateNodeStructure: 14,
  UpdateNodeSubtype: 15,
  SetupInputs: 16,
} as const;

export const COMMAND_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(CommandType).map(([name, value]) => [value, name]),
);

export const ControlModelNames = ['none', 'client-origin-server-gravity', 'server-origin-client-local'] as const;
export const VideoCodecNames = ['any', 'h264', 'hevc'] as const;
export const BackgroundModeNames = ['none', 'colour', 'texture', 'video'] as const;
export const AxesStandardNames: Record<number, string> = {
  9: 'engineering',
  17: 'gl',
  34: 'unreal',
  70: 'unity',
};

export const VIDEO_CONFIG_BYTES = 129;
export const SETUP_BYTES = 198;
export const HANDSHAKE_FIXED_BYTES = 50;
export const MOVEMENT_UPDATE_BYTES = 85;
export const DISCOVERY_RESPONSE_BYTES = 10;
/** Node lists are bounded before allocation: far above any scene a monitor would show. */
export const MAX_NODES = 100_000;

export interface VideoConfig {
  videoWidth: number;
  videoHeight: number;
  depthWidth: number;
  depthHeight: number;
  perspectiveWidth: number;
  perspectiveHeight: number;
  /** Degrees. */
  perspectiveFov: number;
  /** Metres. */
  nearClipPlane: number;
  webcamWidth: number;
  webcamHeight: number;
  webcamOffsetX: number;
  webcamOffsetY: number;
  use10BitDecoding: number;
  useYuv444Decoding: number;
  useAlphaLayerDecoding: number;
  colourCubemapSize: number;
  composeCube: number;
  useCubemap: number;
  streamWebcam: number;
  /** 0 any, 1 H.264, 2 HEVC. */
  videoCodec: number;
  specularX: number;
  specularY: number;
  specularCubemapSize: number;
  specularMips: number;
  diffuseX: number;
  diffuseY: number;
  diffuseCubemapSize: number;
  lightX: number;
  lightY: number;
  lightCubemapSize: number;
  shadowmapX: number;
  shadowmapY: number;
  shadowmapSize: number;
}

const VIDEO_U32_HEAD = [
  'videoWidth',
  'videoHeight',
  'depthWidth',
  'depthHeight',
  'perspectiveWidth',
  'perspectiveHeight',
] as const;
const VIDEO_MID = [
  'webcamWidth',
  'webcamHeight',
  'webcamOffsetX',
  'webcamOffsetY',
  'use10BitDecoding',
  'useYuv444Decoding',
  'useAlphaLayerDecoding',
  'colourCubemapSize',
  'composeCube',
  'useCubemap',
  'streamWebcam',
] as const;
/** Signed among the middle fields (the rest are u32). */
const VIDEO_MID_SIGNED = new Set(['webcamOffsetX', 'webcamOffsetY', 'composeCube', 'useCubemap', 'streamWebcam']);
const VIDEO_TAIL = [
  'specularX',
  'specularY',
  'specularCubemapSize',
  'specularMips',
  'diffuseX',
  'diffuseY',
  'diffuseCubemapSize',
  'lightX',
  'lightY',
  'lightCubemapSize',
  'shadowmapX',
  'shadowmapY',
  'shadowmapSize',
] as const;

export interface Setup {
  serverStreamingPort: number;
  serverHttpPort: number;
  debugStream: number;
  /** Stream (EFP) checksums, not ENet's. */
  doChecksums: number;
  debugNetworkPackets: number;
  requiredLatencyMs: number;
  /** ms; the server drops a client silent for idleConnectionTimeoutMs / 1000 + 2 s. */
  idleConnectionTimeoutMs: number;
  /** u64 as a decimal string (exact). */
  serverId: string;
  /** 0 none, 1 client origin / server gravity, 2 server origin / client local. */
  controlModel: number;
  videoConfig: VideoConfig;
  /** Metres. */
  drawDistance: number;
  /** Metres, x y z. */
  bodyOffsetFromHead: [number, number, number];
  axesStandard: number;
  audioInputEnabled: boolean;
  usingSsl: boolean;
  /** UTC Unix ms. */
  startTimestampUnixMs: number;
  /** 0 none, 1 colour, 2 texture, 3 video. */
  backgroundMode: number;
}

export interface Handshake {
  displayWidth: number;
  displayHeight: number;
  metresPerUnit: number;
  fieldOfViewDegrees: number;
  udpBufferSize: number;
  maxBandwidthKbps: number;
  axesStandard: number;
  framerateHz: number;
  usingHands: boolean;
  isVR: boolean;
  maxLightsSupported: number;
  clientStreamingPort: number;
  minimumPriority: number;
  renderingNormals: boolean;
  renderingAmbientOcclusion: boolean;
  /** Cached resource uids (decimal strings). */
  resources: string[];
}

export interface MovementUpdate {
  /** UTC Unix ms. */
  timestampUnixMs: number;
  isGlobal: boolean;
  nodeId: string;
  position: [number, number, number];
  /** x y z w. */
  rotation: [number, number, number, number];
  scale: [number, number, number];
  velocity: [number, number, number];
  angularVelocityAxis: [number, number, number];
  angularVelocityAngle: number;
}

export type ServerCommand =
  | { type: 'shutdown' }
  | { type: 'setup'; setup: Setup }
  | { type: 'acknowledge-handshake'; nodes: string[] }
  | { type: 'reconfigure-video'; videoConfig: VideoConfig }
  | {
      type: 'set-position';
      originPosition: [number, number, number];
      orientation: [number, number, number, number];
      validCounter: string;
      setRelativePosition: boolean;
      relativePosition: [number, number, number];
    }
  | { type: 'node-bounds'; show: string[]; hide: string[] }
  | { type: 'node-movement'; updates: MovementUpdate[] }
  | { type: 'node-enabled'; states: { nodeId: string; enabled: boolean }[] }
  | {
      type: 'node-structure';
      nodeId: string;
      parentId: string;
      orientation: [number, number, number, number];
      position: [number, number, number];
    }
  /** A command this monitor does not interpret (animations, lighting, inputs…): counted, not an error. */
  | { type: 'other'; commandType: number; name: string; bytes: number };

// ---- discovery -------------------------------------------------------------------------------------

/** The client's request: its id, 4 bytes (builds before 2022-05-29) or 8; 0 asks for a new id. */
export function encodeDiscoveryRequest(clientId: bigint, width: 4 | 8 = 8): Uint8Array {
  const w = new ByteWriter(width);
  if (width === 4) w.u32(Number(clientId & 0xffffffffn));
  else w.u64BigInt(clientId);
  return w.finish();
}

export function decodeDiscoveryRequest(bytes: Uint8Array): { clientId: bigint; width: 4 | 8 } {
  const r = new ByteReader(bytes);
  if (bytes.length === 4) return { clientId: BigInt(r.u32()), width: 4 };
  if (bytes.length === 8) return { clientId: r.u64BigInt(), width: 8 };
  throw new DecodeError(`discovery request of ${bytes.length} bytes (expected 4 or 8)`);
}

export function encodeDiscoveryResponse(clientId: bigint, servicePort: number): Uint8Array {
  const w = new ByteWriter(DISCOVERY_RESPONSE_BYTES);
  w.u64BigInt(clientId);
  w.u16(servicePort);
  return w.finish();
}

/** Exactly 10 bytes, as the reference client insists. */
export function decodeDiscoveryResponse(bytes: Uint8Array): { clientId: bigint; servicePort: number } {
  if (bytes.length !== DISCOVERY_RESPONSE_BYTES) {
    throw new DecodeError(`discovery response of ${bytes.length} bytes (expected 10)`);
  }
  const r = new ByteReader(bytes);
  return { clientId: r.u64BigInt(), servicePort: r.u16() };
}

// ---- pieces ------------------------------------------------------------------------------------------

function readVec3(r: ByteReader): [number, number, number] {
  return [r.f32(), r.f32(), r.f32()];
}

function readVec4(r: ByteReader): [number, number, number, number] {
  return [r.f32(), r.f32(), r.f32(), r.f32()];
}

function writeVec(w: ByteWriter, v: readonly number[]): void {
  for (const x of v) w.f32(x);
}

function uid(r: ByteReader): string {
  return r.u64BigInt().toString();
}

function writeUid(w: ByteWriter, id: string): void {
  w.u64BigInt(BigInt.asUintN(64, BigInt(id)));
}

/** A size_t count, bounded by the bytes left and by MAX_NODES before anything is allocated. */
function count(r: ByteReader, recordBytes: number, what: string): number {
  const at = r.offset;
  const n = r.u64();
  if (n > MAX_NODES) throw new DecodeError(`${what} count ${n} exceeds the limit ${MAX_NODES}`, at);
  if (n * recordBytes > r.remaining) {
    throw new DecodeError(`${what} count ${n} needs ${n * recordBytes} bytes, ${r.remaining} left`, at);
  }
  return n;
}

export function readVideoConfig(r: ByteReader): VideoConfig {
  const v: Record<string, number> = {};
  for (const k of VIDEO_U32_HEAD) v[k] = r.u32();
  v.perspectiveFov = r.f32();
  v.nearClipPlane = r.f32();
  for (const k of VIDEO_MID) v[k] = VIDEO_MID_SIGNED.has(k) ? r.i32() : r.u32();
  v.videoCodec = r.u8();
  for (const k of VIDEO_TAIL) v[k] = r.i32();
  return v as unknown as VideoConfig;
}

export function writeVideoConfig(w: ByteWriter, v: VideoConfig): void {
  for (const k of VIDEO_U32_HEAD) w.u32(v[k]);
  w.f32(v.perspectiveFov);
  w.f32(v.nearClipPlane);
  for (const k of VIDEO_MID) {
    if (VIDEO_MID_SIGNED.has(k)) w.i32(v[k]);
    else w.u32(v[k]);
  }
  w.u8(v.videoCodec);
  for (const k of VIDEO_TAIL) w.i32(v[k]);
}

function readSetupBody(r: ByteReader): Setup {
  const serverStreamingPort = r.i32();
  const serverHttpPort = r.i32();
  const debugStream = r.u32();
  const doChecksums = r.u32();
  const debugNetworkPackets = r.u32();
  const requiredLatencyMs = r.i32();
  const idleConnectionTimeoutMs = r.u32();
  const serverId = uid(r);
  const controlModel = r.u32();
  const videoConfig = readVideoConfig(r);
  const drawDistance = r.f32();
  const bodyOffsetFromHead = readVec3(r);
  const axesStandard = r.u8();
  const audioInputEnabled = r.u8() !== 0;
  const usingSsl = r.u8() !== 0;
  const at = r.offset;
  const startTimestamp = r.u64BigInt();
  const startTimestampUnixMs = Number(BigInt.asIntN(64, startTimestamp));
  if (!Number.isSafeInteger(startTimestampUnixMs)) throw new DecodeError('start timestamp out of range', at);
  const backgroundMode = r.u8();
  return {
    serverStreamingPort,
    serverHttpPort,
    debugStream,
    doChecksums,
    debugNetworkPackets,
    requiredLatencyMs,
    idleConnectionTimeoutMs,
    serverId,
    controlModel,
    videoConfig,
    drawDistance,
    bodyOffsetFromHead,
    axesStandard,
    audioInputEnabled,
    usingSsl,
    startTimestampUnixMs,
    backgroundMode,
  };
}

function readMovement(r: ByteReader): MovementUpdate {
  const at = r.offset;
  const timestampUnixMs = Number(BigInt.asIntN(64, r.u64BigInt()));
  if (!Number.isSafeInteger(timestampUnixMs)) throw new DecodeError('movement timestamp out of range', at);
  return {
    timestampUnixMs,
    isGlobal: r.u8() !== 0,
    nodeId: uid(r),
    position: readVec3(r),
    rotation: readVec4(r),
    scale: readVec3(r),
    velocity: readVec3(r),
    angularVelocityAxis: readVec3(r),
    angularVelocityAngle: r.f32(),
  };
}

// ---- server commands ---------------------------------------------------------------------------------

/** Decodes a command body (the type byte already read). Throws DecodeError when short or long. */
function readCommand(r: ByteReader, type: number): ServerCommand {
  let command: ServerCommand;
  switch (type) {
    case CommandType.Shutdown:
      command = { type: 'shutdown' };
      break;
    case CommandType.Setup:
      command = { type: 'setup', setup: readSetupBody(r) };
      break;
    case CommandType.AcknowledgeHandshake: {
      const n = count(r, 8, 'visible node');
      command = { type: 'acknowledge-handshake', nodes: Array.from({ length: n }, () => uid(r)) };
      break;
    }
    case CommandType.ReconfigureVideo:
      command = { type: 'reconfigure-video', videoConfig: readVideoConfig(r) };
      break;
    case CommandType.SetPosition:
      command = {
        type: 'set-position',
        originPosition: readVec3(r),
        orientation: readVec4(r),
        validCounter: uid(r),
        setRelativePosition: r.u8() !== 0,
        relativePosition: readVec3(r),
      };
      break;
    case CommandType.NodeBounds: {
      const shown = r.u64();
      const hidden = r.u64();
      if (shown > MAX_NODES || hidden > MAX_NODES || (shown + hidden) * 8 !== r.remaining) {
        throw new DecodeError(`node bounds lists of ${shown} + ${hidden} uids do not fill ${r.remaining} bytes`);
      }
      const show = Array.from({ length: shown }, () => uid(r));
      const hide = Array.from({ length: hidden }, () => uid(r));
      command = { type: 'node-bounds', show, hide };
      break;
    }
    case CommandType.UpdateNodeMovement: {
      const n = count(r, MOVEMENT_UPDATE_BYTES, 'movement update');
      command = { type: 'node-movement', updates: Array.from({ length: n }, () => readMovement(r)) };
      break;
    }
    case CommandType.UpdateNodeEnabledState: {
      const n = count(r, 9, 'enabled state');
      command = {
        type: 'node-enabled',
        states: Array.from({ length: n }, () => ({ nodeId: uid(r), enabled: r.u8() !== 0 })),
      };
      break;
    }
    case CommandType.UpdateNodeStructure:
      command = {
        type: 'node-structure',
        nodeId: uid(r),
        parentId: uid(r),
        orientation: readVec4(r),
        position: readVec3(r),
      };
      break;
    default:
      if (type === CommandType.Invalid || type > CommandType.SetupInputs) {
        throw new DecodeError(`unknown command type ${type}`);
      }
      command = { type: 'other', commandType: type, name: COMMAND_NAMES[type] ?? String(type), bytes: r.remaining };
      r.skip(r.remaining);
  }
  r.expectEnd(COMMAND_NAMES[type] ?? 'command');
  return command;
}

/**
 * Decodes a server command on the Control channel. With a known variant, that layout; without one,
 * both are tried (the unprefixed layout first) and the one that accounts for every byte wins.
 */
export function decodeServerCommand(
  bytes: Uint8Array,
  variant?: TeleportVariant,
): { command: ServerCommand; variant: TeleportVariant } {
  if (bytes.length === 0) throw new DecodeError('empty command');
  const attempt = (v: TeleportVariant) => {
    const r = new ByteReader(bytes);
    r.skip(prefixBytes(v), 'vtable prefix');
    return { command: readCommand(r, r.u8()), variant: v };
  };
  if (variant) return attempt(variant);
  try {
    return attempt('2022b');
  } catch (first) {
    if (bytes.length <= VTABLE_PREFIX_BYTES) throw first;
    return attempt('2022a');
  }
}

/** Tells the variant from a Setup's length (198 bytes, or 206 with the prefix); null if neither. */
export function variantOfSetup(bytes: Uint8Array): TeleportVariant | null {
  if (bytes.length === SETUP_BYTES && bytes[0] === CommandType.Setup) return '2022b';
  if (bytes.length === SETUP_BYTES + VTABLE_PREFIX_BYTES && bytes[8] === CommandType.Setup) return '2022a';
  return null;
}

/** The 8 filler bytes a 2022a server puts first (a vtable address: any value; we send a fixed one). */
const VTABLE_FILLER = [0x78, 0x56, 0x34, 0x12, 0xf7, 0x7f, 0x00, 0x00];

export function encodeServerCommand(command: ServerCommand, variant: TeleportVariant): Uint8Array {
  const w = new ByteWriter(256);
  if (variant === '2022a') for (const b of VTABLE_FILLER) w.u8(b);
  switch (command.type) {
    case 'shutdown':
      w.u8(CommandType.Shutdown);
      break;
    case 'setup': {
      const s = command.setup;
      w.u8(CommandType.Setup);
      w.i32(s.serverStreamingPort);
      w.i32(s.serverHttpPort);
      w.u32(s.debugStream);
      w.u32(s.doChecksums);
      w.u32(s.debugNetworkPackets);
      w.i32(s.requiredLatencyMs);
      w.u32(s.idleConnectionTimeoutMs);
      writeUid(w, s.serverId);
      w.u32(s.controlModel);
      writeVideoConfig(w, s.videoConfig);
      w.f32(s.drawDistance);
      writeVec(w, s.bodyOffsetFromHead);
      w.u8(s.axesStandard);
      w.u8(s.audioInputEnabled ? 1 : 0);
      w.u8(s.usingSsl ? 1 : 0);
      w.u64BigInt(BigInt.asUintN(64, BigInt(s.startTimestampUnixMs)));
      w.u8(s.backgroundMode);
      break;
    }
    case 'acknowledge-handshake':
      w.u8(CommandType.AcknowledgeHandshake);
      w.u64(command.nodes.length);
      for (const n of command.nodes) writeUid(w, n);
      break;
    case 'reconfigure-video':
      w.u8(CommandType.ReconfigureVideo);
      writeVideoConfig(w, command.videoConfig);
      break;
    case 'set-position':
      w.u8(CommandType.SetPosition);
      writeVec(w, command.originPosition);
      writeVec(w, command.orientation);
      writeUid(w, command.validCounter);
      w.u8(command.setRelativePosition ? 1 : 0);
      writeVec(w, command.relativePosition);
      break;
    case 'node-bounds':
      w.u8(CommandType.NodeBounds);
      w.u64(command.show.length);
      w.u64(command.hide.length);
      for (const n of command.show) writeUid(w, n);
      for (const n of command.hide) writeUid(w, n);
      break;
    case 'node-movement':
      w.u8(CommandType.UpdateNodeMovement);
      w.u64(command.updates.length);
      for (const u of command.updates) {
        w.u64BigInt(BigInt.asUintN(64, BigInt(u.timestampUnixMs)));
        w.u8(u.isGlobal ? 1 : 0);
        writeUid(w, u.nodeId);
        writeVec(w, u.position);
        writeVec(w, u.rotation);
        writeVec(w, u.scale);
        writeVec(w, u.velocity);
        writeVec(w, u.angularVelocityAxis);
        w.f32(u.angularVelocityAngle);
      }
      break;
    case 'node-enabled':
      w.u8(CommandType.UpdateNodeEnabledState);
      w.u64(command.states.length);
      for (const s of command.states) {
        writeUid(w, s.nodeId);
        w.u8(s.enabled ? 1 : 0);
      }
      break;
    case 'node-structure':
      w.u8(CommandType.UpdateNodeStructure);
      writeUid(w, command.nodeId);
      writeUid(w, command.parentId);
      writeVec(w, command.orientation);
      writeVec(w, command.position);
      break;
    case 'other':
      w.u8(command.commandType);
      w.zeros(command.bytes);
      break;
  }
  return w.finish();
}

// ---- client messages ---------------------------------------------------------------------------------

export function encodeHandshake(h: Handshake): Uint8Array {
  const w = new ByteWriter(HANDSHAKE_FIXED_BYTES + 8 * h.resources.length);
  w.u32(h.displayWidth);
  w.u32(h.displayHeight);
  w.f32(h.metresPerUnit);
  w.f32(h.fieldOfViewDegrees);
  w.u32(h.udpBufferSize);
  w.u32(h.maxBandwidthKbps);
  w.u8(h.axesStandard);
  w.u8(h.framerateHz);
  w.u8(h.usingHands ? 1 : 0);
  w.u8(h.isVR ? 1 : 0);
  w.u64(h.resources.length);
  w.u32(h.maxLightsSupported);
  w.u32(h.clientStreamingPort);
  w.i32(h.minimumPriority);
  w.u8(h.renderingNormals ? 1 : 0);
  w.u8(h.renderingAmbientOcclusion ? 1 : 0);
  for (const id of h.resources) writeUid(w, id);
  return w.finish();
}

export function decodeHandshake(bytes: Uint8Array): Handshake {
  const r = new ByteReader(bytes);
  const displayWidth = r.u32();
  const displayHeight = r.u32();
  const metresPerUnit = r.f32();
  const fieldOfViewDegrees = r.f32();
  const udpBufferSize = r.u32();
  const maxBandwidthKbps = r.u32();
  const axesStandard = r.u8();
  const framerateHz = r.u8();
  const usingHands = r.u8() !== 0;
  const isVR = r.u8() !== 0;
  const at = r.offset;
  const n = r.u64();
  const maxLightsSupported = r.u32();
  const clientStreamingPort = r.u32();
  const minimumPriority = r.i32();
  const renderingNormals = r.u8() !== 0;
  const renderingAmbientOcclusion = r.u8() !== 0;
  if (n > MAX_NODES || n * 8 !== r.remaining) {
    throw new DecodeError(`handshake resource count ${n} does not match the ${r.remaining} bytes left`, at);
  }
  const resources = Array.from({ length: n }, () => uid(r));
  return {
    displayWidth,
    displayHeight,
    metresPerUnit,
    fieldOfViewDegrees,
    udpBufferSize,
    maxBandwidthKbps,
    axesStandard,
    framerateHz,
    usingHands,
    isVR,
    maxLightsSupported,
    clientStreamingPort,
    minimumPriority,
    renderingNormals,
    renderingAmbientOcclusion,
    resources,
  };
}

/** DisplayInfo (ch2): the cheapest application packet, which the server's idle check counts. */
export function encodeDisplayInfo(width: number, height: number): Uint8Array {
  const w = new ByteWriter(8);
  w.u32(width);
  w.u32(height);
  return w.finish();
}

export function decodeDisplayInfo(bytes: Uint8Array): { width: number; height: number } {
  const r = new ByteReader(bytes);
  const v = { width: r.u32(), height: r.u32() };
  r.expectEnd('DisplayInfo');
  return v;
}
