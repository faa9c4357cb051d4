/**
 * Commands the panels send. Failures become notices; what the UI shows as the device's state always
 * comes back from the device (snapshots and the stream), never from the click itself.
 */
import type { PoseTransform, RpcResponse } from '../../../preload/api';
import { addNotice, recordingOf, setRecordingRequest, useAppStore } from './app-store';
import { linkBridge } from './link-bridge';

/** After the device accepted, how long the flag may take to come round before we stop saying "starting…". */
const RECORDING_FOLLOW_MS = 3000;

function labelOf(deviceId: string): string {
  return useAppStore.getState().devices.find((d) => d.id === deviceId)?.label ?? deviceId;
}

function reportFailure(what: string, deviceId: string, response: RpcResponse): boolean {
  if (response.ok) return true;
  addNotice('error', `${what} ${labelOf(deviceId)}: ${response.error}`, deviceId);
  return false;
}

export async function connectDevice(deviceId: string): Promise<void> {
  reportFailure('Could not connect', deviceId, await linkBridge().call('connectDevice', { deviceId }));
}

export async function disconnectDevice(deviceId: string): Promise<void> {
  reportFailure('Could not disconnect', deviceId, await linkBridge().call('disconnectDevice', { deviceId }));
}

export async function setTransform(deviceId: string, transform: PoseTransform): Promise<void> {
  reportFailure(
    'Could not set the transform of',
    deviceId,
    await linkBridge().call('setTransform', { deviceId, transform }),
  );
}

export async function startRecording(deviceId: string, takeName?: string): Promise<void> {
  const params = takeName ? { deviceId, takeName } : { deviceId };
  await requestRecording(deviceId, true, () => linkBridge().call('startRecording', params));
}

export async function stopRecording(deviceId: string): Promise<void> {
  await requestRecording(deviceId, false, () => linkBridge().call('stopRecording', { deviceId }));
}

async function requestRecording(deviceId: string, want: boolean, send: () => Promise<RpcResponse>): Promise<void> {
  setRecordingRequest(deviceId, want ? 'starting' : 'stopping');
  try {
    const ok = reportFailure(
      want ? 'Could not start recording on' : 'Could not stop recording on',
      deviceId,
      await send(),
    );
    if (ok && !(await recordingFollows(deviceId, want, RECORDING_FOLLOW_MS))) {
      addNotice(
        'warn',
        `${labelOf(deviceId)} accepted the request but does not report ${want ? 'recording' : 'stopped'} yet`,
        deviceId,
      );
    }
  } finally {
    setRecordingRequest(deviceId, null);
  }
}

/** Resolves true once the device reports the wanted state, false after timeoutMs. */
function recordingFollows(deviceId: string, want: boolean, timeoutMs: number): Promise<boolean> {
  const matches = (): boolean => {
    const state = useAppStore.getState();
    const device = state.devices.find((d) => d.id === deviceId);
    return device !== undefined && recordingOf(state, device) === want;
  };
  if (matches()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(false);
    }, timeoutMs);
    const unsubscribe = useAppStore.subscribe(() => {
      if (!matches()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(true);
    });
  });
}
