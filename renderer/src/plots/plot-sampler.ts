/**
 * Feeds the plot buffers from what the page already has, with no extra traffic from main: the pose
 * store (each body's newest pose, so poses are sampled at the link's batch rate, about the display
 * rate, not at the device's full rate), gaze samples as they are routed to the page, the VRPN input
 * states (~10 Hz) and the devices' health snapshots (~2 Hz). With the link in a worker, the worker
 * passes gaze on to the page only while a Plots panel asks for it. Runs only while a Plots panel is
 * mounted, and touches only the channels some plot shows.
 */
import type { GazeSection } from '../../../preload/api';
import { GAZE_STRIDE } from '../../../preload/api';
import { useAppStore } from '../stores/app-store';
import { linkBridge } from '../stores/link-bridge';
import { refreshPoses } from '../stores/shared-pose-mirror';
import { usePlaybackStore } from '../stores/playback-store';
import { poseStore } from '../stores/pose-store';
import { setGazeTap } from '../stores/video-gaze';
import { bufferOf, usePlotsStore, wantedChannels } from './plot-store';
import { eulerDegrees, parseChannel, type Channel } from './plot-channels';
import { recordedTimeMs, type PlaybackClock } from './playback-time';

interface Wanted {
  id: string;
  channel: Channel;
}

let wanted: Wanted[] = [];
let clock: PlaybackClock | null = null;
let playbackDevices = new Set<string>();

function followPlayback(): void {
  const pb = usePlaybackStore.getState().playback;
  playbackDevices = new Set(pb?.devices ?? []);
  clock = pb ? { positionNs: pb.positionNs, speed: pb.speed, playing: pb.playing, receivedAtMs: Date.now() } : null;
}

/**
 * A sample's time on the plot's axis: as stamped, or, for a device played back from a recording,
 * its recorded time. A jump back (a seek to earlier) starts that channel afresh.
 */
function push(id: string, deviceId: string, hostMs: number, value: number): void {
  const buffer = bufferOf(id);
  if (!clock || !playbackDevices.has(deviceId)) {
    buffer.push(hostMs, value);
    return;
  }
  const t = recordedTimeMs(hostMs, clock);
  if (t < buffer.lastTime - 50) buffer.clear();
  buffer.push(t, value);
}
const lastPoseTime = new Map<string, number>();
const lastPosition = new Map<string, { t: number; x: number; y: number; z: number }>();

function refreshWanted(): void {
  wanted = wantedChannels().flatMap((id) => {
    const channel = parseChannel(id);
    return channel ? [{ id, channel }] : [];
  });
}

function handleOf(deviceId: string): number | undefined {
  return useAppStore.getState().devices.find((d) => d.id === deviceId)?.handle;
}

/** Poses: each body's newest pose, once per new host time. */
export function samplePoses(): void {
  refreshPoses();
  for (const { id, channel } of wanted) {
    if (channel.kind !== 'pose') continue;
    const handle = handleOf(channel.device);
    const device = handle === undefined ? undefined : poseStore.devices.get(handle);
    const body = device?.byId.get(channel.body);
    if (!device || !body || !body.valid) continue;
    const t = device.hostTimeMs;
    if (t <= (lastPoseTime.get(id) ?? -Infinity)) continue;
    lastPoseTime.set(id, t);
    let value: number;
    switch (channel.quantity) {
      case 'x':
      case 'y':
      case 'z':
        value = body[channel.quantity];
        break;
      case 'roll':
      case 'pitch':
      case 'yaw':
        value = eulerDegrees(body.qx, body.qy, body.qz, body.qw)[channel.quantity];
        break;
      case 'speed': {
        const key = `${channel.device}/${channel.body}`;
        const before = lastPosition.get(key);
        lastPosition.set(key, { t, x: body.x, y: body.y, z: body.z });
        if (!before || t <= before.t) continue;
        value = Math.hypot(body.x - before.x, body.y - before.y, body.z - before.z) / ((t - before.t) / 1000);
        break;
      }
    }
    push(id, channel.device, t, value);
  }
}

/** Gaze: every sample that reaches this page. */
function onGaze(sections: readonly GazeSection[]): void {
  for (const { id, channel } of wanted) {
    if (channel.kind !== 'gaze') continue;
    const handle = handleOf(channel.device);
    for (const s of sections) {
      if (s.handle !== handle) continue;
      const offset = channel.quantity === 'x' ? 2 : channel.quantity === 'y' ? 3 : 4;
      for (let i = 0; i < s.count; i++)
        bufferOf(id).push(s.samples[i * GAZE_STRIDE]!, s.samples[i * GAZE_STRIDE + offset]!);
    }
  }
}

/** Input states and health snapshots, when they change. */
function sampleState(): void {
  const state = useAppStore.getState();
  const now = Date.now();
  for (const { id, channel } of wanted) {
    if (channel.kind === 'device') {
      const d = state.devices.find((x) => x.id === channel.device);
      const v = d ? (channel.quantity === 'rate' ? d.health.sampleRateHz : d.health.clockOffsetMs) : null;
      if (v !== null && v !== undefined && Number.isFinite(v)) push(id, channel.device, now, v);
    } else if (channel.kind === 'input') {
      const handle = handleOf(channel.device);
      const input = handle === undefined ? undefined : state.inputs[handle]?.find((i) => i.name === channel.input);
      const v = channel.type === 'analog' ? input?.analog[channel.index] : input?.dials[channel.index];
      if (v !== undefined && Number.isFinite(v)) push(id, channel.device, now, v);
    }
  }
}

let users = 0;
let stop: (() => void) | null = null;

/** Starts sampling while at least one Plots panel is mounted; returns its release. */
export function startSampler(): () => void {
  users++;
  if (users === 1) {
    refreshWanted();
    const offPlots = usePlotsStore.subscribe(refreshWanted);
    followPlayback();
    const offPlayback = usePlaybackStore.subscribe(followPlayback);
    const offApp = useAppStore.subscribe((s, before) => {
      if (s.devices !== before.devices || s.inputs !== before.inputs) sampleState();
    });
    setGazeTap(onGaze);
    linkBridge().setGazeTap?.(true);
    let frame = requestAnimationFrame(function tick() {
      samplePoses();
      frame = requestAnimationFrame(tick);
    });
    stop = () => {
      cancelAnimationFrame(frame);
      offPlots();
      offPlayback();
      offApp();
      setGazeTap(null);
      linkBridge().setGazeTap?.(false);
    };
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    users--;
    if (users === 0) {
      stop?.();
      stop = null;
    }
  };
}
