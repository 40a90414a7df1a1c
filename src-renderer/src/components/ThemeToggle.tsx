// Theme choice: follow the system, or force light/dark (kept in localStorage).
import { useApp, type ThemeChoice } from '../state/store';
import { Icon, type IconName } from './icons';

const OPTIONS: Array<{ value: ThemeChoice; label: string; icon: IconName }> = [
  { value: 'system', label: 'System', icon: 'monitor' },
  { value: 'light', label: 'Light', icon: 'sun' },
  { value: 'dark', label: 'Dark', icon: 'moon' },
];

export function ThemeToggle() {
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  return (
    <div className="segmented" role="group" aria-label="Theme">
      {OPTIONS.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={theme === o.value}
          className={`segmented-item${theme === o.value ? ' active' : ''}`}
          onClick={() => setTheme(o.value)}
          title={`${o.label} theme`}
          data-testid={`theme-${o.value}`}
        >
          <Icon name={o.icon} size={14} />
          <span className="sr-only">{o.label}</span>
        </button>
      ))}
    </div>
  );
}
