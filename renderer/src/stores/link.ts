/**
 * Wires the bridge to the stores: events into the reactive store, batches into the transient pose
 * store, acks once stored, and the renderer's own stats back to main once a second.
 */
import { BATCH_HEADER_LENGTH, BATCH_MAGIC, unpackBatch, type DeviceSnapshot } from '../../../preload/api';
import type { Bridge } from '../bridge';
import { addNotice, applyLinkEvent, useAppStore } from './app-store';
import { createRateMeter, linkStats, unixNowMs } from './link-stats';
import { poseStore } from './pose-store';
import { ensureMarkerCapacity, removeDevice, setBodyIds } from './scene-store';

const STATS_INTERVAL_MS = 1000;
/** States in which a device's last poses are no longer worth drawing. */
const GONE_STATES: ReadonlySet<DeviceSnapshot['health']['state']> = new Set(['idle', 'closed']);

let current: Bridge | null = null;

/** The bridge the stores were started with; panels send commands through the actions that use it. */
export function linkBridge(): Bridge {
  if (!current) throw new Error('the link has not been started');
  return current;
}

export function startLink(bridge: Bridge): () => void {
  current = bridge;
  useAppStore.setState({ transport: bridge.transport, connection: bridge.connection() });
  const offBatch = bridge.onBatch((buffer) => {
    ingestBatch(buffer);
    // Main sends the next batch only after this ack, and never faster than about one per display
    // frame. Acking once stored (not from requestAnimationFrame) keeps the link from adding a display
    // frame of waiting; a busy page still slows the link down, because its acks come later.
    const seq = readSeq(buffer);
    if (seq !== null) bridge.ack(seq);
  });
  const offEvent = bridge.onEvent((event) => {
    applyLinkEvent(event);
    if (event.type === 'devices') forgetGoneDevices(event.devices);
  });
  const offConnection = bridge.onConnection((connection) => {
    useAppStore.setState({ connection });
    if (connection.state === 'open') void refreshDevices(bridge);
  });
  const stopStats = startStatsReporting(bridge);

  return () => {
    offBatch();
    offEvent();
    offConnection();
    stopStats();
    current = null;
  };
}

function ingestBatch(buffer: ArrayBuffer): void {
  let batch;
  try {
    batch = unpackBatch(buffer);
  } catch {
    linkStats.noteBadBatch();
    return;
  }
  linkStats.noteBatch();
  const receivedAt = performance.now();
  for (const section of batch.poses) {
    const { device, bodySetChanged, recordingChanged } = poseStore.ingest(section, receivedAt);
    // A section repeated without new samples would measure how long the device has been quiet, not the link.
    if (section.samples > 0) noteLatency(unixNowMs() - section.hostTimeMs);
    if (bodySetChanged) setBodyIds(device.handle, poseStore.bodyIds(device.handle));
    if (recordingChanged) {
      useAppStore.setState((s) => ({ streamRecording: { ...s.streamRecording, [device.handle]: device.recording } }));
    }
  }
  ensureMarkerCapacity(poseStore.totalMarkers());
}

/** Beyond ±1000 s the two sides are not on one time line (a stub, a replayed file): not a latency. */
function noteLatency(ms: number): void {
  if (Number.isFinite(ms) && Math.abs(ms) < 1e6) linkStats.noteLatency(ms);
}

/** The seq even of a batch that failed to unpack: not acking it would stall the link for good. */
function readSeq(buffer: ArrayBuffer): number | null {
  if (buffer.byteLength < BATCH_HEADER_LENGTH * 8) return null;
  const header = new Float64Array(buffer, 0, BATCH_HEADER_LENGTH);
  const seq = header[1]!;
  return header[0] === BATCH_MAGIC && Number.isInteger(seq) && seq >= 0 ? seq : null;
}

function forgetGoneDevices(devices: readonly DeviceSnapshot[]): void {
  const live = new Set(devices.filter((d) => !GONE_STATES.has(d.health.state)).map((d) => d.handle));
  for (const handle of [...poseStore.devices.keys()]) {
    if (!live.has(handle)) {
      poseStore.forget(handle);
      removeDevice(handle);
    }
  }
}

async function refreshDevices(bridge: Bridge): Promise<void> {
  const response = await bridge.call('listDevices', {});
  if (response.ok) applyLinkEvent({ type: 'devices', devices: response.value });
  else addNotice('warn', `Could not list devices: ${response.error}`);
}

function startStatsReporting(bridge: Bridge): () => void {
  const batchRate = createRateMeter(linkStats.batches);
  const frameRate = createRateMeter(linkStats.frames);
  const timer = setInterval(() => {
    const { p50, p99 } = linkStats.latencyPercentiles();
    const fps = Math.min(1000, Math.round(frameRate()));
    useAppStore.setState({
      stats: {
        batchesPerSecond: batchRate(),
        latencyP50Ms: p50,
        latencyP99Ms: p99,
        fps,
        badBatches: linkStats.badBatches(),
      },
    });
    // Stats are best effort: a dropped link already shows in the header, no notice per second.
    if (bridge.connection().state === 'open') {
      void bridge.call('reportRendererStats', { fps, latencyP50Ms: p50, latencyP99Ms: p99 }).catch(() => {});
    }
  }, STATS_INTERVAL_MS);
  return () => clearInterval(timer);
}
