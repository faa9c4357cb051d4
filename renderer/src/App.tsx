import { AlertBanner } from './panels/AlertBanner';
import { Devices } from './panels/Devices';
import { Header } from './panels/Header';
import { InputsPanel } from './panels/Inputs';
import { Health } from './panels/Health';
import { Notices } from './panels/Notices';
import { Playback } from './panels/Playback';
import { Recording } from './panels/Recording';
import { Scene3D } from './panels/Scene3D';
import { TeleportPanel } from './panels/Teleport';
import { Time } from './panels/Time';
import { VideoGaze } from './panels/VideoGaze';
import { isShown, useLayoutStore } from './stores/layout-store';

export function App() {
  const layout = useLayoutStore();
  return (
    <div className="app">
      <Header />
      <AlertBanner />
      <main className="workspace">
        {isShown(layout, 'scene') ? <Scene3D /> : <div className="scene-hidden" data-testid="scene-hidden" />}
        <aside className="sidebar">
          <Notices />
          <VideoGaze />
          {isShown(layout, 'devices') && <Devices />}
          {isShown(layout, 'recording') && <Recording />}
          <InputsPanel />
          <TeleportPanel />
          {isShown(layout, 'health') && <Health />}
          <Time />
          <Playback />
        </aside>
      </main>
    </div>
  );
}
