/** The dashboard's one-line summary and the words/icons of row states: pure, so unit tests read them. */
import { type DashboardEvent, type DeviceSnapshot, type RowState } from '../../../preload/api';
/** "5/5 devices streaming · recording 00:12:31" (the recording part only when a recorder is attached). */
export declare function summaryLine(devices: readonly Pick<DeviceSnapshot, 'kind' | 'health'>[], session: DashboardEvent['session'], nowMs: number): string;
export declare function formatDuration(ms: number): string;
/** Text and a glyph per state: the state is never told by colour alone. */
export declare const ROW_STATE_LOOK: Record<RowState, {
    icon: string;
    text: string;
    tone: 'ok' | 'pending' | 'bad' | 'off';
}>;
/** "118.9 / 120 Hz", or the rate alone while the expected rate is unknown. */
export declare function rateAgainstExpected(rateHz: number, expectedHz: number | null): string;
