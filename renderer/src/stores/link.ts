/**
 * Wires the bridge to the stores: events into the reactive store, poses into the transient pose
 * store, and the renderer's own stats back to main once a second.
 *
 * Poses come one of two ways. With the link in a worker (headless mode), the worker stores and acks
 * every batch itself; this thread gets the shared buffer, structural changes (bodies, recording,
 * gone devices) and the figures, and copies poses in when a frame is drawn (refreshPoses, in
 * shared-pose-mirror.ts). Otherwise (Electron, the headless fallback) batches arrive here, are stored
 * and acked at once.
 *
 * Nothing imports this module but the page's entry: the stores and actions it feeds never import it
 * back (the actions get the bridge from link-bridge.ts, events reach the stores through link-events.ts).
 */
import { unpackBatch, type DeviceSnapshot } from '../../../preload/api';
import type { Bridge } from '../bridge';
import type { PoseFeedMessage } from '../bridge/worker-protocol';
import { addNotice, useAppStore } from './app-store';
import { restoreLayout, useLayoutStore } from './layout-store';
import { setLinkBridge } from './link-bridge';
import { isPlausibleLatency, liveHandles, readBatchSeq } from './link-common';
import { applyLinkEvent } from './link-events';
import { createRateMeter, linkStats, unixNowMs } from './link-stats';
import { poseStore } from './pose-store';
import { ensureMarkerCapacity, removeDevice, setBodyIds } from './scene-store';
import { mirrorSharedPoses, stopMirroringPoses } from './shared-pose-mirror';
import { followWorkerVideo, routeGaze, routeVideoMessage, tapGaze } from './video-gaze';

const STATS_INTERVAL_MS = 1000;

export function startLink(bridge: Bridge): () => void {
  setLinkBridge(bridge);
  useAppStore.setState({
    transport: bridge.transport,
    linkPath: bridge.linkPath(),
    connection: bridge.connection(),
  });
  const offBatch = bridge.onBatch((buffer) => {
    // Video access units share the binary channel: not batches, nothing to ack; drawn if shown here.
    if (routeVideoMessage(buffer)) return;
    ingestBatch(buffer);
    // Main sends the next batch only after this ack, and never faster than about one per display
    // frame. Acking once stored (not from requestAnimationFrame) keeps the link from adding a display
    // frame of waiting; a busy page still slows the link down, because its acks come later.
    const seq = readBatchSeq(buffer);
    if (seq !== null) bridge.ack(seq);
  });
  const offFeed = bridge.onPoseFeed(applyPoseFeed);
  const offVideo = followWorkerVideo(bridge);
  const offEvent = bridge.onEvent((event) => {
    applyLinkEvent(event);
    // The worker frees its own slots and says so ('forgotten'); only batches stored here are ours.
    if (event.type === 'devices' && bridge.linkPath() === 'main-thread') forgetGoneDevices(event.devices);
  });
  const offConnection = bridge.onConnection((connection) => {
    // A worker that failed to start hands over to the main thread with a connection change.
    useAppStore.setState({ connection, linkPath: bridge.linkPath() });
    if (connection.state === 'open') {
      void refreshDevices(bridge);
      if (!useLayoutStore.getState().restored) void fetchLayout(bridge);
    }
  });
  const stopStats = startStatsReporting(bridge);

  return () => {
    offBatch();
    offFeed();
    offVideo();
    offEvent();
    offConnection();
    stopStats();
    setLinkBridge(null);
    stopMirroringPoses();
  };
}

function applyPoseFeed(message: PoseFeedMessage): void {
  switch (message.t) {
    case 'poses-buffer':
      mirrorSharedPoses(message.buffer);
      break;
    case 'bodies':
      setBodyIds(message.handle, message.ids);
      break;
    case 'recording':
      setStreamRecording(message.handle, message.recording);
      break;
    case 'forgotten':
      poseStore.forget(message.handle);
      removeDevice(message.handle);
      break;
    case 'markers':
      ensureMarkerCapacity(message.total);
      break;
    case 'stats':
      linkStats.adopt(message);
      break;
    case 'gaze':
      // Asked for by the Plots panel (setGazeTap): the page's video is drawn in the worker already.
      tapGaze(message.sections);
      break;
  }
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
    if (section.samples > 0) {
      const ms = unixNowMs() - section.hostTimeMs;
      if (isPlausibleLatency(ms)) linkStats.noteLatency(ms);
    }
    if (bodySetChanged) setBodyIds(device.handle, poseStore.bodyIds(device.handle));
    if (recordingChanged) setStreamRecording(device.handle, device.recording);
  }
  ensureMarkerCapacity(poseStore.totalMarkers());
  routeGaze(batch.gaze);
}

function setStreamRecording(handle: number, recording: boolean | null): void {
  useAppStore.setState((s) => ({ streamRecording: { ...s.streamRecording, [handle]: recording } }));
}

function forgetGoneDevices(devices: readonly DeviceSnapshot[]): void {
  const live = liveHandles(devices);
  for (const handle of [...poseStore.devices.keys()]) {
    if (!live.has(handle)) {
      poseStore.forget(handle);
      removeDevice(handle);
    }
  }
}

async function fetchLayout(bridge: Bridge): Promise<void> {
  const response = await bridge.call('getLayout', {});
  // A failed read leaves the default layout, unsaved: the operator's saved one stays on disk.
  if (!response.ok) return addNotice('warn', `Could not read the saved panel layout: ${response.error}`);
  restoreLayout(response.value, (layout) => {
    void bridge.call('saveLayout', { layout }).then((r) => {
      if (!r.ok) addNotice('warn', `Could not save the panel layout: ${r.error}`);
    });
  });
}

async function refreshDevices(bridge: Bridge): Promise<void> {
  const response = await bridge.call('listDevices', {});
  if (response.ok) applyLinkEvent({ type: 'devices', devices: response.value });
  else addNotice('warn', `Could not list devices: ${response.error}`);
}

function startStatsReporting(bridge: Bridge): () => void {
  const batchRate = createRateMeter(linkStats.batches, linkStats.batchesAt);
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
