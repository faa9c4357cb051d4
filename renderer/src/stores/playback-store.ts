/** The recording played back, as main reports it, and the operator's controls for it. */
import { create } from 'zustand';
import type { PlaybackState, RpcParams } from '../../../preload/api';
import { addNotice } from './app-store';
import { linkBridge } from './link-bridge';

export const usePlaybackStore = create<{ playback: PlaybackState | null }>()(() => ({ playback: null }));

export function applyPlayback(playback: PlaybackState | null): void {
  usePlaybackStore.setState({ playback });
}

export async function openRecording(path: string): Promise<void> {
  const res = await linkBridge().call('openRecording', { path });
  if (res.ok) applyPlayback(res.value);
  else addNotice('error', `Could not open ${path}: ${res.error}`);
}

export async function closeRecording(): Promise<void> {
  const res = await linkBridge().call('closeRecording', {});
  if (res.ok) applyPlayback(null);
  else addNotice('error', `Could not close the recording: ${res.error}`);
}

export async function controlPlayback(command: RpcParams<'playbackControl'>): Promise<void> {
  const res = await linkBridge().call('playbackControl', command);
  if (res.ok) applyPlayback(res.value);
  else addNotice('error', `Playback: ${res.error}`);
}
