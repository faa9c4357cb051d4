import { Devices } from './panels/Devices';
import { Header } from './panels/Header';
import { Health } from './panels/Health';
import { Notices } from './panels/Notices';
import { Recording } from './panels/Recording';
import { Scene3D } from './panels/Scene3D';
import { VideoGaze } from './panels/VideoGaze';

export function App() {
  return (
    <div className="app">
      <Header />
      <main className="workspace">
        <Scene3D />
        <aside className="sidebar">
          <Notices />
          <VideoGaze />
          <Devices />
          <Recording />
          <Health />
        </aside>
      </main>
    </div>
  );
}
