/**
 * What is in a recording: channels with message counts and time spans, the devices' clock models
 * over the session, the session metadata, and whether the file is complete. `sightline info FILE`
 * prints it; playback uses the same scan.
 */
import { decodeJsonMessage, scanRecording, type ChunkTally } from './mcap-reader';

export interface ChannelInfo {
  topic: string;
  schema: string;
  encoding: string;
  messages: number;
  /** Message bytes on this topic, before chunk compression. */
  bytes: number;
  firstNs: number | null;
  lastNs: number | null;
  durationS: number;
}

export interface ClockInfo {
  device: string;
  models: number;
  firstOffsetNs: number;
  lastOffsetNs: number;
  /** How far the offset moved over the session (what the drift did), ns. */
  offsetChangeNs: number;
  lastUncertaintyNs: number;
  lastDriftPpm: number;
}

export interface RecordingInfo {
  type: 'recording-info';
  file: string;
  bytes: number;
  complete: boolean;
  problem: string | null;
  library: string;
  messages: number;
  startNs: number | null;
  endNs: number | null;
  durationS: number;
  channels: ChannelInfo[];
  clocks: ClockInfo[];
  metadata: Record<string, Record<string, string>>;
  /** The chunks' compression (zstd, lz4, none; several when chunks differ, e.g. video stored as is). */
  compression: string[];
  /** Per compression: chunks, bytes in the file, bytes once decompressed. */
  chunks: Record<string, ChunkTally>;
}

export async function recordingInfo(path: string): Promise<RecordingInfo> {
  const channels = new Map<number, ChannelInfo>();
  const clocks = new Map<string, ClockInfo>();
  let messages = 0;
  const scan = await scanRecording(path, {
    onMessage: (m) => {
      messages++;
      let c = channels.get(m.channel.id);
      if (!c) {
        c = {
          topic: m.channel.topic,
          schema: m.channel.schemaName,
          encoding: m.channel.messageEncoding,
          messages: 0,
          bytes: 0,
          firstNs: null,
          lastNs: null,
          durationS: 0,
        };
        channels.set(m.channel.id, c);
      }
      const t = Number(m.logTimeNs);
      c.messages++;
      c.bytes += m.data.byteLength;
      if (c.firstNs === null || t < c.firstNs) c.firstNs = t;
      if (c.lastNs === null || t > c.lastNs) c.lastNs = t;
      if (m.channel.schemaName === 'sightline.ClockModel') addClock(clocks, m.channel.topic, decodeJsonMessage(m));
    },
  });
  let startNs: number | null = null;
  let endNs: number | null = null;
  for (const c of channels.values()) {
    c.durationS = c.firstNs !== null && c.lastNs !== null ? (c.lastNs - c.firstNs) / 1e9 : 0;
    if (c.firstNs !== null && (startNs === null || c.firstNs < startNs)) startNs = c.firstNs;
    if (c.lastNs !== null && (endNs === null || c.lastNs > endNs)) endNs = c.lastNs;
  }
  return {
    type: 'recording-info',
    file: path,
    bytes: scan.fileBytes,
    complete: scan.complete,
    problem: scan.problem ?? null,
    library: scan.library,
    messages,
    startNs,
    endNs,
    durationS: startNs !== null && endNs !== null ? (endNs - startNs) / 1e9 : 0,
    channels: [...channels.values()].sort((a, b) => a.topic.localeCompare(b.topic)),
    clocks: [...clocks.values()],
    metadata: scan.metadata,
    compression: Object.keys(scan.chunks).sort(),
    chunks: scan.chunks,
  };
}

function addClock(clocks: Map<string, ClockInfo>, topic: string, json: Record<string, unknown> | undefined): void {
  if (!json || typeof json.offset_ns !== 'number') return;
  const device = topic.split('/')[1] ?? topic;
  const offset = json.offset_ns;
  const existing = clocks.get(device);
  const uncertainty = typeof json.uncertainty_ns === 'number' ? json.uncertainty_ns : NaN;
  const drift = typeof json.drift_ppm === 'number' ? json.drift_ppm : NaN;
  if (!existing) {
    clocks.set(device, {
      device,
      models: 1,
      firstOffsetNs: offset,
      lastOffsetNs: offset,
      offsetChangeNs: 0,
      lastUncertaintyNs: uncertainty,
      lastDriftPpm: drift,
    });
    return;
  }
  existing.models++;
  existing.lastOffsetNs = offset;
  existing.offsetChangeNs = offset - existing.firstOffsetNs;
  existing.lastUncertaintyNs = uncertainty;
  existing.lastDriftPpm = drift;
}
