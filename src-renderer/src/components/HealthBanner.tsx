// Kaavan's own problems (its database, its file descriptors, its notice deliveries): shown apart
// from server outages, because no watched server is at fault and the fix is on this machine.
import { useApp } from '../state/store';
import { useNow } from '../lib/hooks';
import { relativeTime } from '../lib/format';
import { Icon } from './icons';

export function HealthBanner() {
  const health = useApp((s) => s.health);
  // While disconnected the last health is stale; the connection banner speaks then.
  const connected = useApp((s) => s.connection.status === 'open');
  const problems = health?.problems ?? [];
  const now = useNow(30_000, problems.length > 0);
  if (!connected || problems.length === 0) return null;
  return (
    <div className="banner banner-self" role="alert" data-testid="health-banner">
      <Icon name="monitor" />
      <div className="banner-text">
        <strong>{problems.length === 1 ? 'Kaavan itself has a problem' : `Kaavan itself has ${problems.length} problems`}</strong>{' '}
        (on this machine; your servers are not the cause):
        <ul className="banner-list">
          {problems.map((problem) => (
            <li key={problem.code} data-code={problem.code}>
              {problem.message} <span className="banner-since">Since {relativeTime(problem.since, now)}{problem.count > 1 ? `, seen ${problem.count} times` : ''}.</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
