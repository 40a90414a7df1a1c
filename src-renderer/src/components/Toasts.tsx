// Transient notices (alert opened/resolved, action results) in a polite live region. At most three
// (state/store.ts pushToast), each naming what it is about. They dock where there are no actions:
// in the sidebar's free space on wide screens, in a band the page reserves room for on narrow ones.
import { useEffect } from 'react';
import { useApp } from '../state/store';
import { Icon, type IconName } from './icons';
import '../styles/toasts.css';

const TONE_ICON: Record<string, IconName> = { info: 'info', success: 'check', warning: 'alert', danger: 'x' };

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const dismiss = useApp((s) => s.dismissToast);
  // The narrow layout reserves room at the bottom of the page while toasts show, so the last
  // actions on the page can always be scrolled clear of them.
  useEffect(() => {
    if (toasts.length > 0) document.documentElement.setAttribute('data-toasts', String(toasts.length));
    else document.documentElement.removeAttribute('data-toasts');
  }, [toasts.length]);
  return (
    <div className="toasts" role="region" aria-label="Notifications" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} role="status" data-testid="toast">
          <span className="toast-icon">
            <Icon name={TONE_ICON[t.tone] ?? 'info'} />
          </span>
          <div className="toast-text">
            <div className="toast-title" title={t.title}>
              {t.href ? <a href={t.href}>{t.title}</a> : t.title}
            </div>
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
