// Messages over the page (bottom right, so nothing below moves when one appears): errors as alerts, the rest
// as polite status messages, each with its actions and a way to dismiss it.
import { useApp, useAppStore } from './appStoreContext.tsx';

export function Notices() {
  const store = useAppStore();
  const notices = useApp((s) => s.notices);
  return (
    <div className="notices" aria-label="Notifications" role="region">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'} data-kind={n.kind}>
          <div className="notice-text">
            <strong className="notice-title">{n.title}</strong>
            {n.detail !== undefined && <span className="notice-detail">{n.detail}</span>}
          </div>
          <div className="notice-actions">
            {n.actions?.map((a) => (
              <button
                key={a.label}
                type="button"
                onClick={() => {
                  store.getState().dismissNotice(n.id);
                  a.run();
                }}
              >
                {a.label}
              </button>
            ))}
            <button type="button" className="notice-dismiss" aria-label={`Dismiss: ${n.title}`} onClick={() => store.getState().dismissNotice(n.id)}>
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
