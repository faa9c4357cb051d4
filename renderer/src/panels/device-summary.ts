/** The dashboard's one-line summary and the words/icons of row states: pure, so unit tests read them. */
import { deviceRowState, type DashboardEvent, type DeviceSnapshot, type RowState } from '../../../preload/api';

/** "5/5 devices streaming · recording 00:12:31" (the recording part only when a recorder is attached). */
export function summaryLine(
  devices: readonly Pick<DeviceSnapshot, 'kind' | 'health'>[],
  session: DashboardEvent['session'],
  nowMs: number,
): string {
  const streaming = devices.filter((d) => deviceRowState(d.kind, d.health) === 'streaming').length;
  const parts = [`${streaming}/${devices.length} device${devices.length === 1 ? '' : 's'} streaming`];
  if (session) {
    parts.push(
      session.recording && session.startedAtMs !== null
        ? `recording ${formatDuration(nowMs - session.startedAtMs)}`
        : session.recording
          ? 'recording'
          : 'not recording',
    );
  }
  return parts.join(' · ');
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Text and a glyph per state: the state is never told by colour alone. */
export const ROW_STATE_LOOK: Record<RowState, { icon: string; text: string; tone: 'ok' | 'pending' | 'bad' | 'off' }> =
  {
    searching: { icon: '◎', text: 'searching', tone: 'pending' },
    connecting: { icon: '…', text: 'connecting', tone: 'pending' },
    streaming: { icon: '✓', text: 'streaming', tone: 'ok' },
    stale: { icon: '◌', text: 'stale', tone: 'bad' },
    lost: { icon: '✕', text: 'lost', tone: 'bad' },
    error: { icon: '⚠', text: 'error', tone: 'bad' },
    disconnected: { icon: '○', text: 'disconnected', tone: 'off' },
  };

/** "118.9 / 120 Hz", or the rate alone while the expected rate is unknown. */
export function rateAgainstExpected(rateHz: number, expectedHz: number | null): string {
  const rate = rateHz >= 100 ? rateHz.toFixed(0) : rateHz.toFixed(1);
  if (expectedHz === null) return `${rate} Hz`;
  const expected = expectedHz >= 100 ? expectedHz.toFixed(0) : expectedHz.toFixed(1);
  return `${rate} / ${expected} Hz`;
}
