import { useState } from 'react';
import { ShortcutHelp } from './layout/ShortcutHelp';
import { useShortcuts } from './layout/use-shortcuts';
import { DockWorkspace } from './layout/DockWorkspace';
import { LabBar } from './labbar/LabBar';
import { setDevicesPanelRevealer } from './labbar/reveal';
import { AlertBanner } from './panels/AlertBanner';
import { isShown, togglePanel, useLayoutStore } from './stores/layout-store';
import { Header } from './panels/Header';

setDevicesPanelRevealer(() => {
  if (!isShown(useLayoutStore.getState(), 'devices')) togglePanel('devices');
});

export function App() {
  const [helpOpen, setHelpOpen] = useState(false);
  useShortcuts({ open: helpOpen, setOpen: setHelpOpen });
  return (
    <div className="app">
      <Header onHelp={() => setHelpOpen(true)} />
      <LabBar />
      <AlertBanner />
      <DockWorkspace />
      {helpOpen ? <ShortcutHelp onClose={() => setHelpOpen(false)} /> : null}
    </div>
  );
}
