import { dismissNotice, useAppStore } from '../stores/app-store';

const SHOWN = 4;

/** The newest few messages from the app and from failed commands; older ones are a click away from gone. */
export function Notices() {
  const notices = useAppStore((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices" data-testid="notices">
      {notices.slice(0, SHOWN).map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`} data-testid="notice" data-level={n.level}>
          <span className="notice-time">{new Date(n.at).toLocaleTimeString([], { hour12: false })}</span>
          <span className="notice-message">{n.message}</span>
          <button type="button" className="notice-dismiss" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
      {notices.length > SHOWN ? <div className="notice-more">+{notices.length - SHOWN} older</div> : null}
    </div>
  );
}
