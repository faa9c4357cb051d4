/**
 * The renderer's device commands that answer in the device's own words (Pupil Companion: start, stop
 * and save, cancel, events). They call the Source capabilities directly and hand back what the device
 * said, so the panel can show it next to the button; a refusal rejects with the device's reason, which
 * the RendererLink returns as the call's error.
 */
import type { DeviceAnswer, RpcParams } from '../../preload/api';
import type { Hub } from '../hub/hub';
import type { Source } from '../hub/source';

const DONE: Record<RpcParams<'recordingCommand'>['action'], string> = {
  start: 'recording started',
  stopAndSave: 'recording saved',
  cancel: 'recording discarded',
};

export async function recordingCommand(hub: Hub, params: RpcParams<'recordingCommand'>): Promise<DeviceAnswer> {
  const source = requireSource(hub, params.deviceId);
  const recording = source.capabilities.recording;
  if (!recording) throw new Error(`${source.label} cannot record: this device has no recording control`);
  let answer: unknown;
  switch (params.action) {
    case 'start':
      answer = await recording.start();
      break;
    case 'stopAndSave':
      answer = await recording.stop();
      break;
    case 'cancel':
      if (!recording.cancel) throw new Error(`${source.label} cannot discard a recording`);
      answer = await recording.cancel();
      break;
  }
  // The Source emits 'status' on a recording change; the snapshot follows from there.
  return asAnswer(answer, DONE[params.action]);
}

export async function sendDeviceEvent(hub: Hub, params: RpcParams<'sendDeviceEvent'>): Promise<DeviceAnswer> {
  const source = requireSource(hub, params.deviceId);
  const events = source.capabilities.events;
  if (!events) throw new Error(`${source.label} does not take events`);
  const timestampNs = params.hostTimeMs === undefined ? undefined : Math.round(params.hostTimeMs * 1e6);
  return asAnswer(await events.send(params.name, timestampNs), `event "${params.name}" sent`);
}

function requireSource(hub: Hub, deviceId: string): Source {
  const source = hub.source(deviceId);
  if (!source) throw new Error(`no device "${deviceId.slice(0, 128)}"`);
  return source;
}

/** A source's answer in words, or what happened when it resolved without one. Never more than a line. */
function asAnswer(value: unknown, fallback: string): DeviceAnswer {
  if (typeof value === 'object' && value !== null) {
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string' && message.trim() !== '') return { message: message.slice(0, 500) };
  }
  return { message: fallback };
}
