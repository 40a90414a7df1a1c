// Transient notices (alert opened/resolved, action results) in a polite live region.
import { useApp } from '../state/store';
import { Icon, type IconName } from './icons';

const TONE_ICON: Record<string, IconName> = { info: 'info', success: 'check', warning: 'alert', danger: 'x' };

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const dismiss = useApp((s) => s.dismissToast);
  return (
    <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} role="status">
          <span className="toast-icon">
            <Icon name={TONE_ICON[t.tone] ?? 'info'} />
          </span>
          <div className="toast-text">
            <div className="toast-title">{t.href ? <a href={t.href}>{t.title}</a> : t.title}</div>
            {t.body && <div className="toast-body">{t.body}</div>}
          </div>
          <button type="button" className="btn btn-ghost btn-icon btn-sm" onClick={() => dismiss(t.id)} aria-label="Dismiss notification">
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
