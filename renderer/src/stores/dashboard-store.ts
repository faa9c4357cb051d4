/**
 * The dashboard as main last sent it (found devices, rate history, alerts, the device file's list), plus
 * what the operator dismissed in this page. Low rate: ~1 Hz and on change.
 */
import { create } from 'zustand';
import type { DashboardEvent } from '../../../preload/api';

export interface DashboardState {
  dashboard: DashboardEvent | null;
  /** Alert ids the operator dismissed from the banner (they stay in the device's row). */
  dismissed: Record<number, true>;
  /** The form asked for by the menu (Devices › Add…), handled by the Devices panel. */
  formRequest: number;
}

export const useDashboardStore = create<DashboardState>()(() => ({ dashboard: null, dismissed: {}, formRequest: 0 }));

export function applyDashboard(event: DashboardEvent): void {
  if (!Array.isArray(event.found) || !Array.isArray(event.alerts) || !Array.isArray(event.history)) return;
  useDashboardStore.setState((s) => {
    // Forget dismissals of alerts that ended, so the map stays as small as the alert list.
    const live = new Set(event.alerts.map((a) => a.id));
    const dismissed: Record<number, true> = {};
    for (const id of Object.keys(s.dismissed)) if (live.has(Number(id))) dismissed[Number(id)] = true;
    return { dashboard: event, dismissed };
  });
}

export function dismissAlert(id: number): void {
  useDashboardStore.setState((s) => ({ dismissed: { ...s.dismissed, [id]: true } }));
}

export function requestDeviceForm(): void {
  useDashboardStore.setState((s) => ({ formRequest: s.formRequest + 1 }));
}
