/**
 * Brings a device's card into view from anywhere (a lab bar chip): shows the Devices panel if it was
 * hidden, then focuses the card. How a panel is shown belongs to the layout; it registers that here
 * so this module needs no layout import.
 */
let showDevicesPanel: () => void = () => {};

export function setDevicesPanelRevealer(reveal: () => void): void {
  showDevicesPanel = reveal;
}

const FLASH_MS = 1500;

export function openDeviceCard(deviceId: string): void {
  showDevicesPanel();
  // The panel may mount on the next frame (it was hidden, or its tab was in the background).
  let tries = 0;
  const find = () => {
    const card = document.querySelector<HTMLElement>(`[data-testid="device-card-${CSS.escape(deviceId)}"]`);
    if (!card) {
      if (++tries < 10) requestAnimationFrame(find);
      return;
    }
    card.tabIndex = -1;
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
    card.classList.add('card-flash');
    setTimeout(() => card.classList.remove('card-flash'), FLASH_MS);
  };
  requestAnimationFrame(find);
}
