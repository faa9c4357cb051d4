/**
 * The device list's commands (add, edit, rename, remove, discover). The form needs main's message for
 * its field, so these return it instead of turning it into a notice.
 */
import type { RpcResponse } from '../../../preload/api';
import { addNotice } from './app-store';
import { linkBridge } from './link-bridge';

export interface DeviceFormValues {
  /** A kind main can add (DeviceKindInfo.addable); '' until the kinds arrived. */
  kind: string;
  name: string;
  address: string;
  expectedRateHz: string;
}

/** null when accepted, else what to show under the form. */
export type FormOutcome = string | null;

function formParams(values: DeviceFormValues) {
  const rate = Number(values.expectedRateHz);
  return {
    kind: values.kind,
    address: values.address,
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
    ...(values.expectedRateHz.trim() && Number.isFinite(rate) && rate > 0 ? { expectedRateHz: rate } : {}),
  };
}

function outcome(response: RpcResponse): FormOutcome {
  return response.ok ? null : response.error;
}

export async function addDevice(values: DeviceFormValues): Promise<FormOutcome> {
  return outcome(await linkBridge().call('addDevice', formParams(values)));
}

export async function editDevice(deviceId: string, values: DeviceFormValues): Promise<FormOutcome> {
  return outcome(await linkBridge().call('editDevice', { deviceId, ...formParams(values) }));
}

export async function renameDevice(deviceId: string, name: string): Promise<FormOutcome> {
  return outcome(await linkBridge().call('renameDevice', { deviceId, name }));
}

export async function removeDevice(deviceId: string): Promise<void> {
  const response = await linkBridge().call('removeDevice', { deviceId });
  if (!response.ok) addNotice('error', `Could not remove ${deviceId}: ${response.error}`, deviceId);
}

export async function discoverDevices(): Promise<void> {
  const response = await linkBridge().call('discoverDevices', {});
  if (!response.ok) addNotice('warn', `Discovery: ${response.error}`);
}
