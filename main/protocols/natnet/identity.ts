/** How Sightline introduces itself in NAT_CONNECT / NAT_DISCOVERY sender blocks (docs/protocols/natnet.md §4.1). */
import { DEFAULT_BITSTREAM } from './codec';
import type { SenderInfo, Version4 } from './types';

export const SIGHTLINE_APP_VERSION: Version4 = [0, 1, 0, 0];

/** `natnetVersion` is the newest layout we speak; Motive logs it, it does not negotiate on it. */
export function sightlineSender(natnetVersion: Version4 = DEFAULT_BITSTREAM): SenderInfo {
  return { name: 'Sightline', appVersion: SIGHTLINE_APP_VERSION, natnetVersion };
}
