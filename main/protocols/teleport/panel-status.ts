/**
 * What the renderer's Teleport panel shows, built from the client's state: every Setup field as a
 * labelled value with its unit (so the renderer needs no knowledge of the layout), the ENet link
 * figures, and a bounded node table.
 */
import type { TeleportLinkStats, TeleportNodeStatus, TeleportStatus } from '../../../preload/api';
import type { PeerStats } from '../../net/enet/host';
import {
  AxesStandardNames,
  BackgroundModeNames,
  ControlModelNames,
  VideoCodecNames,
  type Setup,
  type VideoConfig,
} from './codec';
import type { TeleportState } from './state';

const MAX_PANEL_NODES = 256;
const CHANNEL_NAMES = [
  'Handshake',
  'Control',
  'DisplayInfo',
  'HeadPose',
  'ResourceRequest',
  'KeyframeRequest',
  'ClientMessage',
  'Origin',
];

const px = (w: number, h: number) => `${w} × ${h} px`;
const flag = (v: number | boolean) => (v ? 'yes' : 'no');
const named = (names: readonly string[] | Record<number, string>, v: number) =>
  `${(names as Record<number, string>)[v] ?? 'unknown'} (${v})`;

function videoRows(v: VideoConfig): { label: string; value: string }[] {
  return [
    { label: 'video', value: px(v.videoWidth, v.videoHeight) },
    { label: 'depth', value: px(v.depthWidth, v.depthHeight) },
    { label: 'perspective', value: px(v.perspectiveWidth, v.perspectiveHeight) },
    { label: 'perspective FOV', value: `${round(v.perspectiveFov, 2)}°` },
    { label: 'near clip plane', value: `${round(v.nearClipPlane, 4)} m` },
    { label: 'webcam', value: px(v.webcamWidth, v.webcamHeight) },
    { label: 'webcam offset', value: `${v.webcamOffsetX}, ${v.webcamOffsetY} px` },
    { label: '10-bit decoding', value: flag(v.use10BitDecoding) },
    { label: 'YUV 4:4:4 decoding', value: flag(v.useYuv444Decoding) },
    { label: 'alpha layer decoding', value: flag(v.useAlphaLayerDecoding) },
    { label: 'colour cubemap', value: `${v.colourCubemapSize} px` },
    { label: 'compose cube', value: flag(v.composeCube) },
    { label: 'use cubemap', value: flag(v.useCubemap) },
    { label: 'stream webcam', value: flag(v.streamWebcam) },
    { label: 'video codec', value: named(VideoCodecNames, v.videoCodec) },
    {
      label: 'specular',
      value: `at ${v.specularX}, ${v.specularY} px; ${v.specularCubemapSize} px, ${v.specularMips} mips`,
    },
    { label: 'diffuse', value: `at ${v.diffuseX}, ${v.diffuseY} px; ${v.diffuseCubemapSize} px` },
    { label: 'light', value: `at ${v.lightX}, ${v.lightY} px; ${v.lightCubemapSize} px` },
    { label: 'shadow map', value: `at ${v.shadowmapX}, ${v.shadowmapY} px; ${v.shadowmapSize} px` },
  ];
}

/** Every Setup field, in wire order, readable. */
export function setupRows(s: Setup): { label: string; value: string }[] {
  return [
    { label: 'server id', value: s.serverId },
    { label: 'streaming port', value: `${s.serverStreamingPort} (UDP)` },
    { label: 'HTTP port', value: `${s.serverHttpPort} (TCP)` },
    { label: 'debug stream', value: String(s.debugStream) },
    { label: 'stream checksums', value: flag(s.doChecksums) },
    { label: 'debug network packets', value: String(s.debugNetworkPackets) },
    { label: 'required latency', value: `${s.requiredLatencyMs} ms` },
    {
      label: 'idle timeout',
      value: `${s.idleConnectionTimeoutMs} ms (dropped after ${s.idleConnectionTimeoutMs / 1000 + 2} s of silence)`,
    },
    { label: 'control model', value: named(ControlModelNames, s.controlModel) },
    ...videoRows(s.videoConfig),
    { label: 'draw distance', value: `${round(s.drawDistance, 3)} m` },
    { label: 'body offset from head', value: s.bodyOffsetFromHead.map((v) => round(v, 3)).join(', ') + ' m' },
    { label: 'axes standard', value: named(AxesStandardNames, s.axesStandard) },
    { label: 'audio input', value: flag(s.audioInputEnabled) },
    { label: 'SSL', value: flag(s.usingSsl) },
    {
      label: 'session started',
      value:
        Number.isFinite(s.startTimestampUnixMs) && s.startTimestampUnixMs > 0
          ? `${new Date(s.startTimestampUnixMs).toISOString()} (UTC)`
          : String(s.startTimestampUnixMs),
    },
    { label: 'background mode', value: named(BackgroundModeNames, s.backgroundMode) },
  ];
}

function linkOf(stats: PeerStats): TeleportLinkStats {
  return {
    rttMs: stats.roundTripTimeMs,
    rttVarianceMs: stats.roundTripTimeVarianceMs,
    packetLoss: stats.packetLoss,
    retransmits: stats.retransmits,
    sinceLastReceiveMs: stats.sinceLastReceiveMs,
    bytesIn: stats.bytesIn,
    bytesOut: stats.bytesOut,
    channels: stats.channels.map((c, i) => ({
      name: CHANNEL_NAMES[i] ?? `channel ${i}`,
      bytesIn: c.bytesIn,
      bytesOut: c.bytesOut,
    })),
  };
}

export function teleportPanelStatus(
  state: TeleportState,
  servers: { address: string; servicePort: number; replyMs: number }[],
  nowMs: number,
): TeleportStatus {
  const nodes = [...state.nodes].sort((a, b) => Number(b.visible) - Number(a.visible));
  const rows: TeleportNodeStatus[] = nodes.slice(0, MAX_PANEL_NODES).map((n) => ({
    uid: n.uid,
    visible: n.visible,
    enabled: n.enabled,
    rateHz: round(n.rateHz, 1),
    updates: n.updates,
    position: n.lastUpdate ? n.lastUpdate.position : null,
    rotation: n.lastUpdate ? n.lastUpdate.rotation : null,
    ageMs: n.lastUpdateHostMs === undefined ? null : nowMs - n.lastUpdateHostMs,
  }));
  return {
    variant: state.variant,
    clientId: state.clientId,
    servers,
    setup: state.setup ? setupRows(state.setup) : null,
    link: state.link ? linkOf(state.link) : null,
    nodes: rows,
    nodeCount: state.nodes.length,
    shutdownReceived: state.shutdownReceived,
    origin: state.origin ? `${state.origin.position.map((v) => v.toFixed(3)).join(', ')} m` : null,
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
