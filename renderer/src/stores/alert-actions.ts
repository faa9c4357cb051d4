/** The operator's answers to an alert, kept in main so every window (and the lab bar's count) agrees. */
import { addNotice } from './app-store';
import { linkBridge } from './link-bridge';

export async function acknowledgeAlert(alertId: number): Promise<void> {
  const r = await linkBridge().call('acknowledgeAlert', { alertId });
  if (!r.ok) addNotice('error', `Could not acknowledge the alert: ${r.error}`);
}

export async function acceptRate(deviceId: string): Promise<void> {
  const r = await linkBridge().call('acceptRate', { deviceId });
  if (!r.ok) addNotice('error', `Could not accept the rate: ${r.error}`, deviceId);
}
