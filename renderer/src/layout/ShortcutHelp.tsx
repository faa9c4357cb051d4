import { useEffect, useRef } from 'react';
import { SHORTCUT_HELP } from './shortcut-map';

/** The `?` overlay: every shortcut, in a dialog that takes focus and gives it back on close. */
export function ShortcutHelp(props: { onClose(): void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => before?.focus?.();
  }, []);
  return (
    <div className="help-backdrop" onClick={props.onClose}>
      <div
        className="help-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        data-testid="shortcut-help"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          // A modal dialog keeps Tab inside: its one control is the Close button.
          if (e.key === 'Tab') {
            e.preventDefault();
            closeRef.current?.focus();
          }
        }}
      >
        <div className="panel-header">
          <h2 id="help-title">Keyboard shortcuts</h2>
          <button type="button" ref={closeRef} onClick={props.onClose} data-testid="shortcut-help-close">
            Close (Esc)
          </button>
        </div>
        <table className="help-table">
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">Does</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUT_HELP.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="help-note">
          Shortcuts wait while a text field has focus (Esc leaves it). Tab moves between controls.
        </p>
      </div>
    </div>
  );
}
