import { useState } from 'react';
import { ShortcutHelp } from './layout/ShortcutHelp';
import { useShortcuts } from './layout/use-shortcuts';
import { Workspace } from './layout/Workspace';
import { AlertBanner } from './panels/AlertBanner';
import { Header } from './panels/Header';

export function App() {
  const [helpOpen, setHelpOpen] = useState(false);
  useShortcuts({ open: helpOpen, setOpen: setHelpOpen });
  return (
    <div className="app">
      <Header onHelp={() => setHelpOpen(true)} />
      <AlertBanner />
      <Workspace />
      {helpOpen ? <ShortcutHelp onClose={() => setHelpOpen(false)} /> : null}
    </div>
  );
}
