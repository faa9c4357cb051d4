import { useState } from 'react';
import { ShortcutHelp } from './layout/ShortcutHelp';
import { useShortcuts } from './layout/use-shortcuts';
import { Workspace } from './layout/Workspace';
import { Header } from './panels/Header';

export function App() {
  const [helpOpen, setHelpOpen] = useState(false);
  useShortcuts({ open: helpOpen, setOpen: setHelpOpen });
  return (
    <div className="app">
      <Header onHelp={() => setHelpOpen(true)} />
      <Workspace />
      {helpOpen ? <ShortcutHelp onClose={() => setHelpOpen(false)} /> : null}
    </div>
  );
}
