/**
 * Low-rate, reactive state: what panels render. Everything here changes at most a few times a second
 * (device snapshots ~2 Hz, stats 1 Hz, notices and catalogs on change); poses live in pose-store.ts.
 */
import { create } from 'zustand';
import {
  readCatalogEvent,
  readInputsEvent,
  type AppCommand,
  setDeviceKinds,
  type BodyName,
  type DeviceKindInfo,
  type DeviceSnapshot,
  type InputDeviceState,
  type LinkEvent,
} from '../../../preload/api';
import type { LinkConnection, LinkPath } from '../bridge';
import { applyDashboard } from './dashboard-store';
import { applyPlayback } from './playback-store';
import { applySession } from './session-store';

export interface Notice {
  id: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  deviceId?: string;
  /** Unix ms */
  at: number;
}

export interface LinkStats {
  batchesPerSecond: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  fps: number;
  /** Batches the renderer could not unpack. */
  badBatches: number;
}

export type RecordingRequest = 'starting' | 'stopping';

export interface AppState {
  transport: 'electron' | 'websocket' | null;
  /** Which thread stores the batches (bridge/types.ts). */
  linkPath: LinkPath | null;
  connection: LinkConnection;
  /** The device kinds main serves (its registry), first on every link: the device form offers these. */
  kinds: DeviceKindInfo[];
  devices: DeviceSnapshot[];
  /** performance.now() when `devices` arrived: ages and countdowns in it are relative to this. */
  devicesAt: number;
  /** handle → body id → name */
  catalogs: Record<number, Record<number, string>>;
  /** handle → the catalog as sent, with bone kinds and parents (the 3D view draws skeletons from it). */
  catalogBodies: Record<number, readonly BodyName[]>;
  notices: Notice[];
  recordingRequests: Record<string, RecordingRequest>;
  /** Device recording flag as carried by the pose stream (fresher than the ~2 Hz snapshots). */
  streamRecording: Record<number, boolean | null>;
  stats: LinkStats;
  /** handle → input devices (VRPN buttons, analogs, dials), ~10 Hz at most. */
  inputs: Record<number, InputDeviceState[]>;
}

const MAX_NOTICES = 50;

export const useAppStore = create<AppState>()(() => ({
  transport: null,
  linkPath: null,
  connection: { state: 'connecting', attempt: 1, retryAt: null, lastError: null },
  kinds: [],
  devices: [],
  devicesAt: 0,
  catalogs: {},
  catalogBodies: {},
  notices: [],
  recordingRequests: {},
  streamRecording: {},
  stats: { batchesPerSecond: 0, latencyP50Ms: null, latencyP99Ms: null, fps: 0, badBatches: 0 },
  inputs: {},
}));

let nextNoticeId = 1;

export function addNotice(level: Notice['level'], message: string, deviceId?: string): void {
  const notice: Notice = { id: nextNoticeId++, level, message, at: Date.now(), ...(deviceId ? { deviceId } : {}) };
  useAppStore.setState((s) => ({ notices: [notice, ...s.notices].slice(0, MAX_NOTICES) }));
}

export function dismissNotice(id: number): void {
  useAppStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

// Set by the layout store (layout-store.ts imports this module, so not the other way round).
let appCommandHandler: ((command: AppCommand) => void) | null = null;
export function onAppCommand(handler: (command: AppCommand) => void): void {
  appCommandHandler = handler;
}

export function applyLinkEvent(event: LinkEvent): void {
  switch (event.type) {
    case 'kinds':
      if (!Array.isArray(event.kinds)) break;
      // Also for code outside React (row states, summaries) that names kinds through the contract.
      setDeviceKinds(event.kinds);
      useAppStore.setState({ kinds: event.kinds });
      break;
    case 'devices':
      useAppStore.setState({ devices: event.devices, devicesAt: performance.now() });
      break;
    case 'catalog': {
      const catalog = readCatalogEvent(event);
      if (!catalog) break;
      const names: Record<number, string> = {};
      for (const body of catalog.bodies) names[body.id] = body.name;
      useAppStore.setState((s) => ({
        catalogs: { ...s.catalogs, [catalog.handle]: names },
        catalogBodies: { ...s.catalogBodies, [catalog.handle]: catalog.bodies },
      }));
      break;
    }
    case 'notice':
      addNotice(event.level, event.message, event.deviceId);
      break;
    case 'session':
      applySession(event.session);
      break;
    case 'playback':
      applyPlayback(event.playback);
      break;
    case 'inputs': {
      const inputs = readInputsEvent(event);
      if (inputs) useAppStore.setState((s) => ({ inputs: { ...s.inputs, [inputs.handle]: inputs.devices } }));
      break;
    }
    case 'app-command':
      appCommandHandler?.(event.command);
      break;
    case 'dashboard':
      applyDashboard(event);
      break;
  }
}

export function setRecordingRequest(deviceId: string, request: RecordingRequest | null): void {
  useAppStore.setState((s) => {
    const next = { ...s.recordingRequests };
    if (request) next[deviceId] = request;
    else delete next[deviceId];
    return { recordingRequests: next };
  });
}

/** The device's recording state: the stream's flag when it carries one, else the snapshot's. */
export function recordingOf(state: Pick<AppState, 'streamRecording'>, device: DeviceSnapshot): boolean | null {
  return state.streamRecording[device.handle] ?? device.recording;
}

export function bodyName(state: Pick<AppState, 'catalogs'>, handle: number, id: number): string {
  return state.catalogs[handle]?.[id] ?? `Body ${id}`;
}
