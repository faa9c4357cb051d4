/**
 * The one place where a protocol adds its own messages to a recording: a raw mapping per device
 * kind, called with every sample after the generic mapping (sample-mapping.ts). It usually writes
 * `sample.raw` (the decoded device message) to a channel of its own schema. Add a line here for a
 * new protocol; its mapping lives in the protocol's folder.
 */
import type { DeviceRef } from '../hub/hub';
import type { DeviceKind, Sample } from '../hub/source';
import { natnetRawHandOff, natnetRawMapping } from '../protocols/natnet/recording-raw';
import type { MessageOut } from './sample-mapping';

export type RawMapping = (device: DeviceRef, sample: Sample, out: MessageOut) => void;

export const RAW_MAPPINGS: Partial<Record<DeviceKind, RawMapping>> = {
  natnet: natnetRawMapping,
};

/**
 * Optional, per kind: what of `sample.raw` the recorder's worker needs, made on the sockets' thread
 * before the hand-off (cheaper to copy between threads than the decoded message). Its result is
 * what the raw mapping then receives as `sample.raw`.
 */
export const RAW_HAND_OFF: Partial<Record<DeviceKind, (raw: unknown) => unknown>> = {
  natnet: natnetRawHandOff,
};
