/** What each dockable panel shows: one table for the docked workspace and for a panel's own window. */
import type { ReactNode } from 'react';
import { ChannelsPanel } from '../panels/Channels';
import { Devices } from '../panels/Devices';
import { EventsPanel } from '../panels/Events';
import { Health } from '../panels/Health';
import { InputsPanel } from '../panels/Inputs';
import { Playback } from '../panels/Playback';
import { PlotsPanel } from '../plots/PlotsPanel';
import { Recording } from '../panels/Recording';
import { Scene3D } from '../panels/Scene3D';
import { TeleportPanel } from '../panels/Teleport';
import { Time } from '../panels/Time';
import { VideoGaze } from '../panels/VideoGaze';
import type { PanelName } from '../stores/layout-store';

export const PANEL_CONTENT: Record<PanelName, () => ReactNode> = {
  scene: () => <Scene3D />,
  video: () => <VideoGaze />,
  devices: () => <Devices />,
  recording: () => <Recording />,
  inputs: () => <InputsPanel />,
  teleport: () => <TeleportPanel />,
  health: () => <Health />,
  time: () => <Time />,
  playback: () => <Playback />,
  plots: () => <PlotsPanel />,
  channels: () => <ChannelsPanel />,
  events: () => <EventsPanel />,
};
