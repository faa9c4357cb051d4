/** What the menu asks of the page (app-command events): shown panels, the device form, discovery. */
import type { AppCommand } from '../../../preload/api';
import { requestDeviceForm } from './dashboard-store';
import { discoverDevices } from './device-list-actions';
import { isPanel, resetLayout, togglePanel } from './layout-store';

export function applyAppCommand(command: AppCommand): void {
  switch (command.name) {
    case 'toggle-panel':
      if (isPanel(command.panel)) togglePanel(command.panel);
      break;
    case 'reset-layout':
      resetLayout();
      break;
    case 'add-device':
      requestDeviceForm();
      break;
    case 'discover-devices':
      void discoverDevices();
      break;
  }
}
