/**
 * Main's events, each to the store that keeps it. The one place that knows every store an event can
 * reach: stores never dispatch to each other, so none imports another that imports it back.
 */
import type { LinkEvent } from '../../../preload/api';
import { applyAppCommand } from './app-commands';
import { addNotice, applyCatalog, applyDevices, applyInputs, applyKinds } from './app-store';
import { applyDashboard } from './dashboard-store';
import { applyDeviceEvents } from './events-store';
import { applyPlayback } from './playback-store';
import { applySession } from './session-store';

export function applyLinkEvent(event: LinkEvent): void {
  switch (event.type) {
    case 'kinds':
      applyKinds(event.kinds);
      break;
    case 'devices':
      applyDevices(event.devices);
      break;
    case 'catalog':
      applyCatalog(event);
      break;
    case 'notice':
      addNotice(event.level, event.message, event.deviceId);
      break;
    case 'session':
      applySession(event.session);
      break;
    case 'playback':
      applyPlayback(event.playback);
      break;
    case 'inputs':
      applyInputs(event);
      break;
    case 'app-command':
      applyAppCommand(event.command);
      break;
    case 'dashboard':
      applyDashboard(event);
      break;
    case 'device-events':
      applyDeviceEvents(event);
      break;
  }
}
