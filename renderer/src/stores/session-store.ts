/**
 * The lab-wide recording session as main reports it (local MCAP + each device's answer), and the
 * operator's commands for it. The UI shows only what main says; a click just asks.
 */
import { create } from 'zustand';
import type { SessionState } from '../../../preload/api';
import { addNotice } from './app-store';
import { linkBridge } from './link-bridge';

export interface SessionStore {
  session: SessionState | null;
  /** A start/stop on its way. */
  pending: 'starting' | 'stopping' | null;
}

export const useSessionStore = create<SessionStore>()(() => ({ session: null, pending: null }));

export function applySession(session: SessionState): void {
  useSessionStore.setState({ session });
}

export async function startSession(name: string, operator: string): Promise<void> {
  useSessionStore.setState({ pending: 'starting' });
  try {
    const params: { name?: string; operator?: string } = {};
    if (name.trim()) params.name = name.trim();
    if (operator.trim()) params.operator = operator.trim();
    const res = await linkBridge().call('startSession', params);
    if (res.ok) applySession(res.value);
    else addNotice('error', `Could not start recording: ${res.error}`);
  } finally {
    useSessionStore.setState({ pending: null });
  }
}

export async function stopSession(): Promise<void> {
  useSessionStore.setState({ pending: 'stopping' });
  try {
    const res = await linkBridge().call('stopSession', {});
    if (res.ok) applySession(res.value);
    else addNotice('error', `Could not stop recording: ${res.error}`);
  } finally {
    useSessionStore.setState({ pending: null });
  }
}

export async function sendOperatorEvent(text: string, source: 'text field' | 'hotkey'): Promise<void> {
  const res = await linkBridge().call('sendOperatorEvent', { text, source });
  if (!res.ok) {
    addNotice('error', `Could not send the event: ${res.error}`);
    return;
  }
  const failed = res.value.filter((a) => a.result !== 'sent');
  for (const a of failed) addNotice('warn', `Event "${text}" to ${a.deviceId}: ${a.result}`, a.deviceId);
}
