/**
 * The app's silent desktop notification for a device alert (the page shows the banner): silent because
 * the operator may be mid-session with a participant; one per alert, and at most one every few seconds
 * so that a whole rack going down does not bury the desktop.
 */
import { Notification } from 'electron';
import type { DeviceAlert } from '../../preload/api';
import type { Dashboard } from '../devices/dashboard';

const MIN_GAP_MS = 3000;

export function notifyAlerts(dashboard: Dashboard, onClick: () => void): () => void {
  let lastAt = -Infinity;
  let held = 0;
  const onAlert = (alert: DeviceAlert): void => {
    if (!Notification.isSupported()) return;
    const now = Date.now();
    if (now - lastAt < MIN_GAP_MS) {
      held++;
      return;
    }
    lastAt = now;
    const more = held > 0 ? ` (and ${held} more alert${held === 1 ? '' : 's'})` : '';
    held = 0;
    const notification = new Notification({
      title: 'Sightline: device alert',
      body: alert.message + more,
      silent: true,
    });
    notification.on('click', onClick);
    notification.show();
  };
  dashboard.on('alert', onAlert);
  return () => dashboard.off('alert', onAlert);
}
