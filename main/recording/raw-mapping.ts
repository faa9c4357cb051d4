/**
 * The one place where a protocol adds its own messages to a recording: a raw mapping per device
 * kind, called with every sample after the generic mapping (sample-mapping.ts). It usually writes
 * `sample.raw` (the decoded device message) to a channel of its own schema. Add a line here for a
 * new protocol; its mapping lives in the protocol's folder.
 */
import type { DeviceRef } from '../hub/hub';
import type { DeviceKind, Sample } from '../hub/source';
import { natnetRawMapping } from '../protocols/natnet/recording-raw';
import type { MessageOut } from './sample-mapping';

export type RawMapping = (device: DeviceRef, sample: Sample, out: MessageOut) => void;

export const RAW_MAPPINGS: Partial<Record<DeviceKind, RawMapping>> = {
  natnet: natnetRawMapping,
};
