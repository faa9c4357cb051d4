import type { DeviceSnapshot } from '../../../preload/api';

export type ConnectionStateName = DeviceSnapshot['health']['state'];

/** The colour family of a state, so every panel paints the same state the same way. */
export function stateTone(state: ConnectionStateName): 'ok' | 'pending' | 'bad' | 'off' {
  switch (state) {
    case 'streaming':
      return 'ok';
    case 'connecting':
    case 'connected':
    case 'reconnecting':
      return 'pending';
    case 'stale':
      return 'bad';
    case 'idle':
    case 'closed':
      return 'off';
  }
}
