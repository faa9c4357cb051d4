/**
 * Low-rate, reactive state: what panels render. Everything here changes at most a few times a second
 * (device snapshots ~2 Hz, stats 1 Hz, notices and catalogs on change); poses live in pose-store.ts.
 */
import { create } from 'zustand';
import {
  readCatalogEvent,
  readInputsEvent,
  setDeviceKinds,
  type BodyName,
  type CatalogEvent,
  type DeviceKindInfo,
  type DeviceSnapshot,
  type InputDeviceState,
  type InputsEvent,
} from '../../../preload/api';
import type { LinkConnection, LinkPath } from '../bridge/connection';

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

export function applyDevices(devices: DeviceSnapshot[]): void {
  useAppStore.setState({ devices, devicesAt: performance.now() });
}

export function applyKinds(kinds: DeviceKindInfo[]): void {
  if (!Array.isArray(kinds)) return;
  // Also for code outside React (row states, summaries) that names kinds through the contract.
  setDeviceKinds(kinds);
  useAppStore.setState({ kinds });
}

export function applyCatalog(event: CatalogEvent): void {
  const catalog = readCatalogEvent(event);
  if (!catalog) return;
  const names: Record<number, string> = {};
  for (const body of catalog.bodies) names[body.id] = body.name;
  useAppStore.setState((s) => ({
    catalogs: { ...s.catalogs, [catalog.handle]: names },
    catalogBodies: { ...s.catalogBodies, [catalog.handle]: catalog.bodies },
  }));
}

export function applyInputs(event: InputsEvent): void {
  const inputs = readInputsEvent(event);
  if (inputs) useAppStore.setState((s) => ({ inputs: { ...s.inputs, [inputs.handle]: inputs.devices } }));
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
