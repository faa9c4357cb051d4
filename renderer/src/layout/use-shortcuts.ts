/** Binds the shortcut map (shortcut-map.ts) to the window and carries out its actions. */
import { useEffect } from 'react';
import { isShown, togglePanel, useLayoutStore } from '../stores/layout-store';
import { startSession, stopSession, useSessionStore } from '../stores/session-store';
import { useDockStore } from './dock-store';
import { FOCUS_ORDER, matchShortcut, type FocusTarget } from './shortcut-map';
import { nextTheme, setTheme, useThemeStore } from './theme-store';
import { activateDockPanel, useDockViewStore } from './dock-controller';
import { slotId } from './DockWorkspace';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
}

/** Focuses a panel, showing it first if it was hidden (it mounts on the next frame). */
export function focusPanel(panel: FocusTarget): void {
  if (useDockViewStore.getState().popped.includes(panel)) return;
  if (!isShown(useLayoutStore.getState(), panel)) togglePanel(panel);
  requestAnimationFrame(() => {
    activateDockPanel(panel);
    const el = document.getElementById(slotId(panel));
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  });
}

/** The panels in the order they sit on screen, for F6. */
function visibleOrder(): FocusTarget[] {
  const layout = useLayoutStore.getState();
  return (['scene', ...useDockStore.getState().order] as FocusTarget[]).filter((p) => isShown(layout, p));
}

function currentPanel(): FocusTarget | null {
  const slot = (document.activeElement as HTMLElement | null)?.closest?.('[id^="dock-"]');
  const id = slot?.id.slice('dock-'.length);
  return (FOCUS_ORDER as readonly string[]).includes(id ?? '') ? (id as FocusTarget) : null;
}

/** Presses the lab's Record all / Stop all button, so a name typed in the panel is used. */
function toggleRecording(): void {
  const { session, pending } = useSessionStore.getState();
  if (pending) return;
  const button = document.querySelector<HTMLButtonElement>(
    session?.active ? '[data-testid="session-stop"]' : '[data-testid="session-record"]',
  );
  if (button && !button.disabled) button.click();
  else if (session?.active) void stopSession();
  else void startSession('', '');
}

export function useShortcuts(help: { open: boolean; setOpen(open: boolean): void }): void {
  const { open, setOpen } = help;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      // A native modal dialog (alert history, preferences) owns its keys: Esc closes it.
      if ((e.target as HTMLElement | null)?.closest?.('dialog[open]')) return;
      const typing = isTyping(e.target);
      const action = matchShortcut({ ...keyOf(e), typing });
      if (!action) return;
      if (action.kind === 'close') {
        if (open) setOpen(false);
        else if (typing) (e.target as HTMLElement).blur();
        else return;
        e.preventDefault();
        return;
      }
      e.preventDefault();
      switch (action.kind) {
        case 'help':
          setOpen(!open);
          break;
        case 'toggle-recording':
          toggleRecording();
          break;
        case 'operator-event':
          focusPanel('recording');
          requestAnimationFrame(() => document.querySelector<HTMLInputElement>('[data-testid="event-text"]')?.focus());
          break;
        case 'focus-panel':
          focusPanel(action.panel);
          break;
        case 'cycle-panel': {
          const order = visibleOrder();
          const current = currentPanel();
          const at = current ? order.indexOf(current) : -1;
          const index = at < 0 ? (action.step > 0 ? 0 : order.length - 1) : at + action.step;
          const target = order[(index + order.length) % order.length];
          if (target) focusPanel(target);
          break;
        }
        case 'cycle-theme':
          setTheme(nextTheme(useThemeStore.getState().choice));
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, setOpen]);
}

function keyOf(e: KeyboardEvent) {
  return { key: e.key, code: e.code, ctrlKey: e.ctrlKey, altKey: e.altKey, metaKey: e.metaKey, shiftKey: e.shiftKey };
}
