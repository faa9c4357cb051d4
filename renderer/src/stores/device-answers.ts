/**
 * Commands whose answer the operator reads next to the button (Pupil Companion: start, stop and save,
 * cancel, events): what the device said when it accepted, or its reason when it refused.
 */
import type { RpcParams, RpcResponse } from '../../../preload/api';
import { linkBridge } from './link-bridge';
import { unixNowMs } from './link-stats';

export interface DeviceReply {
  ok: boolean;
  text: string;
  /** Date.now() when it came. */
  at: number;
}

export type RecordingAction = RpcParams<'recordingCommand'>['action'];

export async function recordingCommand(deviceId: string, action: RecordingAction): Promise<DeviceReply> {
  return reply(await linkBridge().call('recordingCommand', { deviceId, action }));
}

/** Stamped with the click's host time: the source puts it on the device's clock. */
export async function sendDeviceEvent(deviceId: string, name: string): Promise<DeviceReply> {
  const hostTimeMs = unixNowMs();
  return reply(await linkBridge().call('sendDeviceEvent', { deviceId, name, hostTimeMs }));
}

function reply(response: RpcResponse<'recordingCommand' | 'sendDeviceEvent'>): DeviceReply {
  return response.ok
    ? { ok: true, text: response.value.message, at: Date.now() }
    : { ok: false, text: response.error, at: Date.now() };
}
