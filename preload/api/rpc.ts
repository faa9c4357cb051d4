/** RPC: renderer → main. Every params object is validated in main before use (api-schemas.ts). */
import type { RpcMethod, RpcParams } from '../api-schemas';
import type { FoundDevice } from './dashboard';
import type { DeviceAnswer } from './device-state';
import type { DeviceSnapshot } from './devices';
import type { PreferencesState } from './preferences';
import type { PlaybackState, SessionState } from './recording';

export type { RpcMethod, RpcParams };
export interface RpcResults {
  listDevices: DeviceSnapshot[];
  connectDevice: null;
  disconnectDevice: null;
  startRecording: null;
  stopRecording: null;
  reportRendererStats: null;
  getSession: SessionState;
  startSession: SessionState;
  stopSession: SessionState;
  sendOperatorEvent: { deviceId: string; result: string }[];
  openRecording: PlaybackState;
  closeRecording: null;
  playbackControl: PlaybackState | null;
  /** Start, stop-and-save or cancel a device recording; resolves with the device's own answer. */
  recordingCommand: DeviceAnswer;
  /** Send a named event to the device (Pupil events); resolves with the device's own answer. */
  sendDeviceEvent: DeviceAnswer;
  setTransform: null;
  getLayout: PanelLayout | null;
  saveLayout: null;
  addDevice: DeviceSnapshot;
  editDevice: DeviceSnapshot;
  renameDevice: DeviceSnapshot;
  removeDevice: null;
  discoverDevices: FoundDevice[];
  acknowledgeAlert: null;
  acceptRate: null;
  openPanelWindow: { opened: boolean };
  getPreferences: PreferencesState;
  setPreferences: PreferencesState;
  /** The chosen folder, or null when the operator cancelled. */
  pickFolder: string | null;
}

export type RpcResponse<M extends RpcMethod = RpcMethod> =
  { ok: true; value: RpcResults[M] } | { ok: false; error: string };

/** The renderer's panel layout: opaque to main, which only stores it (at most 64 KiB of JSON). */
export type PanelLayout = Record<string, unknown>;
