// Kaavan's own problems (its database, its file descriptors, its notice deliveries): shown apart
// from server outages, because no watched server is at fault and the fix is on this machine.
import type { HealthProblem, KaavanHealth } from '../../../src-main/core/model';
import type { ConnectionState } from '../client/client';
import { useApp } from '../state/store';
import { useNow } from '../lib/hooks';
import { relativeTime } from '../lib/format';
import { Icon } from './icons';

// One empty list, so the store selector below returns the same value while nothing changes.
const NONE: HealthProblem[] = [];

/** The problems to show: none while disconnected (the last health may be stale; the connection banner speaks then). */
export function problemsToShow(health: KaavanHealth | null, connection: ConnectionState['status']): HealthProblem[] {
  return connection === 'open' ? (health?.problems ?? NONE) : NONE;
}

export function HealthBanner() {
  const problems = useApp((s) => problemsToShow(s.health, s.connection.status));
  const now = useNow(30_000, problems.length > 0);
  return <HealthBannerView problems={problems} now={now} />;
}

export function HealthBannerView({ problems, now }: { problems: HealthProblem[]; now: number }) {
  if (problems.length === 0) return null;
  return (
    <div className="banner banner-self" role="alert" data-testid="health-banner">
      <Icon name="monitor" />
      <div className="banner-text">
        <strong>{problems.length === 1 ? 'Kaavan itself has a problem' : `Kaavan itself has ${problems.length} problems`}</strong>{' '}
        (on this machine; your servers are not the cause):
        <ul className="banner-list">
          {problems.map((problem) => (
            <li key={problem.code} data-code={problem.code}>
              {problem.message}{' '}
              <span className="banner-since">
                &middot; since {relativeTime(problem.since, now)}
                {problem.count > 1 ? `, seen ${problem.count} times` : ''}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
